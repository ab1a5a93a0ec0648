"""The register's records, one module per area."""
from .people import Absence, Membership, Organization, Person, Post

__all__ = ["Absence", "Membership", "Organization", "Person", "Post"]
