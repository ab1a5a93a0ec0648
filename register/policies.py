"""Who may do what: small pure functions of (user, record), used by services and selectors."""
import datetime

from register import selectors
from register.models import Person, Post

Role = Post.Role


def can_record_absence(actor: Person, *, on: datetime.date) -> bool:
    """The Chief Executive records their own absence; the Deputy may record it for them (A2)."""
    if actor.is_superuser:
        return True
    return selectors.holds(actor, Role.CHIEF_EXECUTIVE, on) or selectors.holds(actor, Role.DEPUTY_CHIEF_EXECUTIVE, on)


def can_manage_notices(actor: Person) -> bool:
    """Administrators of the register see failed notices and send them again."""
    return actor.is_active and actor.is_staff and actor.has_perm("register.change_notification")
