"""The register's records, one module per area."""
from .notifications import Notification
from .people import Absence, Membership, Organization, Person, Post

__all__ = ["Absence", "Membership", "Notification", "Organization", "Person", "Post"]

from .attendance import (  # noqa: E402
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    GroupMeeting,
    InformationCopy,
    InformationProvided,
)

__all__ += [
    "AttendanceInvitation", "AttendanceRecord", "AttendanceRequest", "GroupMeeting", "InformationCopy",
    "InformationProvided",
]
