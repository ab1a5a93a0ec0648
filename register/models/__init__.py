"""The register's records, one module per area."""

from .accounts import ApiToken, SignInEvent
from .audit import (
    AccessLogEntry,
    Checkpoint,
    HistoryFieldSet,
    HistoryLink,
    HistoryTreeStart,
    MerkleNode,
    TransparencyLog,
    Undeletable,
)
from .declarations import Declaration, DeclarationConfirmation
from .notifications import Notification
from .people import Absence, Membership, Organization, Person, Post

__all__ = [
    "Absence",
    "ApiToken",
    "Declaration",
    "DeclarationConfirmation",
    "AccessLogEntry",
    "Checkpoint",
    "HistoryFieldSet",
    "HistoryTreeStart",
    "MerkleNode",
    "TransparencyLog",
    "HistoryLink",
    "Membership",
    "Notification",
    "Organization",
    "Person",
    "Post",
    "SignInEvent",
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

from .conduct import Complaint, Concern, Consultation  # noqa: E402

__all__ += ["Complaint", "Concern", "Consultation"]

from .retention import DisposalItem, DisposalRun, LegalHold, RetentionRule  # noqa: E402

__all__ += ["DisposalItem", "DisposalRun", "LegalHold", "RetentionRule"]

from .subject_access import SubjectAccessExport  # noqa: E402

__all__ += ["SubjectAccessExport"]

from .feeds import CalendarFeed, PublicEntryCorrection  # noqa: E402

__all__ += ["CalendarFeed", "PublicEntryCorrection"]
