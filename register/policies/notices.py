"""Who may do what with notices in the outbox. Pure functions of (standing, notice) -> bool."""

from register.models.notifications import Notification
from register.models.people import Post
from register.policies.attendance import changes_records
from register.policies.standing import Standing

Receipt = Notification.Receipt

# A notice's receipts that say it did not arrive.
FAILED_RECEIPTS = frozenset({Receipt.PERMANENT_FAILURE, Receipt.TEMPORARY_FAILURE, Receipt.TECHNICAL_FAILURE})


def is_system(standing: Standing, record=None) -> bool:
    """Moves the register makes itself, on a timer or an event (C1: attributed to the system)."""
    return standing.is_system


def is_recipient(standing: Standing, notice) -> bool:
    """A notice is its recipient's own."""
    return standing.is_person(notice.recipient_id)


def manages_notices(standing: Standing, record=None) -> bool:
    """Administrators of the register see failed notices and send them again."""
    return standing.is_active and standing.manages_notices and not standing.is_auditor


def looks_after_deliveries(standing: Standing, record=None) -> bool:
    """Democratic Services, who keep the council's records of people (and so their addresses), see the
    e-mails that did not arrive and send them again once an address is corrected; so do the register's
    administrators who manage notices today. Auditors send nothing: they change nothing in the register."""
    if manages_notices(standing):
        return True
    return changes_records(standing) and standing.holds(Post.Role.DEMOCRATIC_SERVICES)


def receipt_says_not_delivered(standing: Standing, notice) -> str | None:
    """Why a sent notice cannot be sent again, or None when it can: only an e-mail whose receipt says it
    did not arrive (a guard of the NOTICE workflow: a delivered notice is not sent twice)."""
    if notice.channel != Notification.Channel.EMAIL:
        return "A notice in the register is in its reader's inbox already; only an e-mail is sent again."
    if notice.receipt not in FAILED_RECEIPTS:
        if notice.receipt == Receipt.DELIVERED:
            return "This e-mail was delivered (GOV.UK Notify's receipt says so): it is not sent again."
        return "This e-mail was sent and no receipt says it failed: it is not sent again."
    return None


def first_send_failed_technically(standing: Standing, notice) -> str | None:
    """The register sends an e-mail again by itself once only, after Notify's technical failure on its
    first send; a second one is left for Democratic Services (their page of what did not arrive)."""
    if notice.receipt != Receipt.TECHNICAL_FAILURE:
        return "Only GOV.UK Notify's technical failure is sent again by the register itself."
    if notice.sends > 1:
        return "The register sent it again once already: Democratic Services decide now."
    return None
