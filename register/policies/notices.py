"""Who may do what with notices in the outbox. Pure functions of (standing, notice) -> bool."""

from register.policies.standing import Standing


def is_system(standing: Standing, record=None) -> bool:
    """Moves the register makes itself, on a timer or an event (C1: attributed to the system)."""
    return standing.is_system


def is_recipient(standing: Standing, notice) -> bool:
    """A notice is its recipient's own."""
    return standing.is_person(notice.recipient_id)


def manages_notices(standing: Standing, record=None) -> bool:
    """Administrators of the register see failed notices and send them again."""
    return standing.is_active and standing.manages_notices and not standing.is_auditor
