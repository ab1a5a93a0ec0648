"""The register: officer attendance at political group meetings, and member/officer relationships."""
