"""The register's records, one module per area."""
from .notifications import Notification
from .people import Absence, Membership, Organization, Person, Post

__all__ = ["Absence", "Membership", "Notification", "Organization", "Person", "Post"]
