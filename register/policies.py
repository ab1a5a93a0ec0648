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


# --- Officer attendance at political group meetings (A1-A13) ----------------------------------

# Who sees every group's requests, briefs and attestations (DOMAIN.md, "Who sees what").
ATTENDANCE_OVERSEERS = frozenset({Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE, Role.MONITORING_OFFICER, Role.AUDITOR})


def sees_every_attendance_request(viewer: Person, *, on: datetime.date) -> bool:
    """The Chief Executive and Deputy, the Monitoring Officer and auditors see every request."""
    if viewer.is_superuser:
        return True
    return bool(selectors.roles_of(viewer, on) & ATTENDANCE_OVERSEERS)


def leads_group(person: Person, group, *, on: datetime.date) -> bool:
    """``person`` is the group's leader, or its deputy leader acting for them (A1)."""
    return any(led.pk == group.pk for led, _capacity in selectors.groups_led_by(person, on))


def acts_for_requesting_group(person: Person, attendance_request, *, on: datetime.date) -> bool:
    """The group's leader or deputy, or whoever made the request, may withdraw or amend it."""
    return attendance_request.requested_by_id == person.pk or leads_group(person, attendance_request.group, on=on)


def is_named_officer(person: Person, attendance_request) -> bool:
    return attendance_request.invitations.filter(officer=person).exists()


def can_see_attendance_request(viewer: Person, attendance_request, *, on: datetime.date) -> bool:
    """The group's leader and deputy, the named officers and the overseers see the request itself;
    everyone else may at most learn the facts of the briefing (A8, A9)."""
    return (
        attendance_request.referred_by_id == viewer.pk
        or acts_for_requesting_group(viewer, attendance_request, on=on)
        or is_named_officer(viewer, attendance_request)
        or sees_every_attendance_request(viewer, on=on)
    )


def can_decide_attendance(person: Person, *, on: datetime.date) -> bool:
    """Only the acting Chief Executive decides (A2)."""
    acting = selectors.acting_chief_executive(on)
    return acting.person is not None and acting.person.pk == person.pk


def can_mark_information_likely_cited(person: Person, information, *, on: datetime.date) -> bool:
    """The officer who provided it, the acting Chief Executive or the Monitoring Officer (A10)."""
    return (
        information.provided_by_id == person.pk
        or can_decide_attendance(person, on=on)
        or selectors.holds(person, Role.MONITORING_OFFICER, on)
    )
