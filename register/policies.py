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


# --- Relationship declarations (B1-B7) ---------------------------------------------------------
# DOMAIN.md, "Who sees what": a declaration is seen by its declarant, its reviewer, the Monitoring
# Officer and auditors; the other person sees only that a declaration names them, and its kind.
# The other person gets that narrow view whatever post they hold: a Monitoring Officer or auditor
# named in a declaration does not read the reviewer's notes about themselves (that is why a
# member's declaration naming the Monitoring Officer goes to the deputy).
DECLARATION_OVERSIGHT_ROLES = frozenset({Role.MONITORING_OFFICER, Role.AUDITOR})


def oversees_declarations(viewer: Person, *, on: datetime.date, roles: set[str] | None = None) -> bool:
    """The Monitoring Officer and auditors read every declaration that does not name them."""
    roles = selectors.roles_of(viewer, on) if roles is None else roles
    return bool(roles & DECLARATION_OVERSIGHT_ROLES)


def is_named_in_declaration(viewer: Person, declaration) -> bool:
    return declaration.other_person_id == viewer.pk


def can_see_declaration(viewer: Person, declaration, *, on: datetime.date) -> bool:
    """Whether ``viewer`` sees the declaration in full (description, advice, action agreed)."""
    if is_named_in_declaration(viewer, declaration):
        return False
    if viewer.pk in (declaration.declarant_id, declaration.reviewer_id):
        return True
    return oversees_declarations(viewer, on=on)


def can_review_declaration(viewer: Person, declaration) -> bool:
    """Only the reviewer it was routed to gives advice and agrees action (B3, B4)."""
    return declaration.reviewer_id == viewer.pk


def is_declarant(viewer: Person, declaration) -> bool:
    """The declarant acknowledges advice, ends and withdraws their own declaration."""
    return declaration.declarant_id == viewer.pk


def can_reroute_declaration(viewer: Person, declaration, *, on: datetime.date) -> bool:
    """When posts change, the declarant or the Monitoring Officer sends it to today's reviewer."""
    if is_named_in_declaration(viewer, declaration):
        return False
    return is_declarant(viewer, declaration) or selectors.holds(viewer, Role.MONITORING_OFFICER, on)


def can_declare(person: Person) -> bool:
    """Councillors and officers declare relationships and re-confirm them (B1, B6)."""
    return person.is_active and person.kind in (Person.Kind.MEMBER, Person.Kind.OFFICER)


# Posts whose holders review declarations (B3, B4, and the routing's edge cases: the Deputy
# Monitoring Officer for declarations naming the Monitoring Officer, the Chief Executive for
# Directors' declarations and officers outside directorates).
DECLARATION_REVIEWING_ROLES = frozenset(
    {
        Role.MONITORING_OFFICER,
        Role.DEPUTY_MONITORING_OFFICER,
        Role.CHIEF_EXECUTIVE,
        Role.DIRECTOR,
        Role.ASSISTANT_DIRECTOR,
    }
)


def reviews_declarations(viewer: Person, *, on: datetime.date, roles: set[str] | None = None) -> bool:
    """Who has a list of declarations to review: the holders of a reviewing post, and anyone a
    declaration is still routed to after they left that post (until it is sent on)."""
    roles = selectors.roles_of(viewer, on) if roles is None else roles
    if roles & DECLARATION_REVIEWING_ROLES:
        return True
    from register.models import Declaration

    return Declaration.objects.filter(reviewer=viewer).exists()


# Who watches others' re-confirmations (selectors.declarations.confirmations_outstanding): the
# Monitoring Officer members', each Director their officers', the Chief Executive the Directors'
# and auditors everyone's.
CONFIRMATION_OVERSIGHT_ROLES = frozenset({Role.MONITORING_OFFICER, Role.DIRECTOR, Role.CHIEF_EXECUTIVE, Role.AUDITOR})


def watches_confirmations(viewer: Person, *, on: datetime.date, roles: set[str] | None = None) -> bool:
    roles = selectors.roles_of(viewer, on) if roles is None else roles
    return bool(roles & CONFIRMATION_OVERSIGHT_ROLES)


def can_manage_notices(actor: Person) -> bool:
    """Administrators of the register see failed notices and send them again."""
    return actor.is_active and actor.is_staff and actor.has_perm("register.change_notification")


# --- Officer attendance at political group meetings (A1-A13) ----------------------------------

# Who sees every group's requests, briefs and attestations (DOMAIN.md, "Who sees what").
ATTENDANCE_OVERSEERS = frozenset(
    {Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE, Role.MONITORING_OFFICER, Role.AUDITOR}
)


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


def can_mark_information_likely_cited(
    person: Person, information, *, on: datetime.date, marks_any: bool | None = None
) -> bool:
    """The officer who provided it, the acting Chief Executive or the Monitoring Officer (A10).
    ``marks_any`` is ``marks_any_information_likely_cited``, when a page has read it once for a list."""
    if information.provided_by_id == person.pk:
        return True
    return marks_any_information_likely_cited(person, on=on) if marks_any is None else marks_any


def marks_any_information_likely_cited(person: Person, *, on: datetime.date) -> bool:
    """The acting Chief Executive and the Monitoring Officer mark any group's information (A10)."""
    return can_decide_attendance(person, on=on) or selectors.holds(person, Role.MONITORING_OFFICER, on)


def can_cancel_attendance(person: Person, *, on: datetime.date) -> bool:
    """Only the acting Chief Executive calls off an agreed briefing (A2)."""
    return can_decide_attendance(person, on=on)


def can_close_attendance(person: Person, attendance_request, *, on: datetime.date) -> bool:
    """The acting Chief Executive, or the requesting group, closes the record after the meeting."""
    return can_decide_attendance(person, on=on) or acts_for_requesting_group(person, attendance_request, on=on)


# --- The audit history (C2) ---------------------------------------------------------------------
# DOMAIN.md, "Who sees what": the history of anything is read by auditors, and by anyone who may see
# the record itself, for that record (register/selectors/audit.py decides per kind of record).


def reads_all_history(viewer: Person, *, on: datetime.date, roles: set[str] | None = None) -> bool:
    """Auditors read the whole timeline across the register, read-only."""
    roles = selectors.roles_of(viewer, on) if roles is None else roles
    return Role.AUDITOR in roles


def reads_history_of_any_record(
    viewer: Person, *, on: datetime.date, notices: bool = False, roles: set[str] | None = None
) -> bool:
    """Records with no reader of their own (people, posts, meetings, invitations ...): auditors, and
    the Monitoring Officer too -- except notices, which are their recipients' own, and may quote
    declarations the Monitoring Officer must not read."""
    roles = selectors.roles_of(viewer, on) if roles is None else roles
    return Role.AUDITOR in roles or (not notices and Role.MONITORING_OFFICER in roles)
