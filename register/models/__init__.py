"""The register's records, one module per area."""

from .audit import HistoryFieldSet, HistoryLink, Undeletable
from .declarations import Declaration, DeclarationConfirmation
from .notifications import Notification
from .people import Absence, Membership, Organization, Person, Post

__all__ = [
    "Absence",
    "Declaration",
    "DeclarationConfirmation",
    "HistoryFieldSet",
    "HistoryLink",
    "Membership",
    "Notification",
    "Organization",
    "Person",
    "Post",
    "Undeletable",
]

from .attendance import (  # noqa: E402
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    GroupMeeting,
    InformationCopy,
    InformationProvided,
)

__all__ += [
    "AttendanceInvitation",
    "AttendanceRecord",
    "AttendanceRequest",
    "GroupMeeting",
    "InformationCopy",
    "InformationProvided",
]
