"""Pages for concerns under the protocol (D1-D3, D6), Code of Conduct complaints (D4) and the
Monitoring Officer's report to the Standards Committee (D5)."""
