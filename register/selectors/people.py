"""Who holds which post on which day, and so who may act: every role is derived from posts held
on a date (DOMAIN.md, "People, groups and posts"). The actor's standing, which the policies judge,
is read here too.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from register.errors import RuleViolation
from register.models import Absence, Membership, Organization, Person, Post
from register.selectors import clock

Role = Post.Role


def holdings_on(role: str, on: datetime.date, organization: Organization | None = None):
    holdings = Membership.objects.on(on).filter(post__role=role).select_related("person", "post", "organization")
    if organization is not None:
        holdings = holdings.filter(organization=organization)
    return holdings


def holder_of(role: str, on: datetime.date, organization: Organization | None = None) -> Person | None:
    """The one person holding a single-holder post on ``on``, or None while it is vacant."""
    holding = holding_of(role, on, organization)
    return holding.person if holding else None


def holding_of(role: str, on: datetime.date, organization: Organization | None = None) -> Membership | None:
    """The holding of a single-holder post on ``on``, with its person and post, or None while it is vacant."""
    return holdings_on(role, on, organization).select_related("person", "post").order_by("start_date").first()


def holds(person: Person, role: str, on: datetime.date, organization: Organization | None = None) -> bool:
    return holdings_on(role, on, organization).filter(person=person).exists()


def roles_of(person: Person, on: datetime.date) -> set[str]:
    return set(Membership.objects.on(on).filter(person=person, post__isnull=False).values_list("post__role", flat=True))


def is_absent(person: Person, on: datetime.date) -> bool:
    return Absence.objects.filter(
        person=person, state=Absence.State.RECORDED, start_date__lte=on, end_date__gte=on
    ).exists()


@dataclass(frozen=True)
class Acting:
    """Who acts as Chief Executive, and the capacity their decision records (A2)."""

    person: Person | None
    capacity: str


CAPACITY_CHIEF_EXECUTIVE = "Chief Executive"
CAPACITY_DEPUTY_IN_ABSENCE = "Deputy Chief Executive, acting in the Chief Executive's absence"
CAPACITY_DEPUTY_IN_VACANCY = "Deputy Chief Executive, acting while the post of Chief Executive is vacant"


DECIDING_ROLES = (Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE)


def recorded_absence_on(on: datetime.date) -> Exists:
    """For annotating holdings: whether an absence is recorded for the holder on ``on`` (A2)."""
    return Exists(
        Absence.objects.filter(
            person=OuterRef("person"), state=Absence.State.RECORDED, start_date__lte=on, end_date__gte=on
        )
    )


def acting_chief_executive(on: datetime.date) -> Acting:
    """The one person who decides attendance requests on ``on``: the Chief Executive, or the
    Deputy while the Chief Executive is recorded as absent (or the post is vacant)."""
    # One statement: both posts' holders on the day, each with whether an absence is recorded for them.
    holdings = (
        Membership.objects.on(on)
        .filter(post__role__in=DECIDING_ROLES)
        .select_related("person", "post")
        .annotate(absent=recorded_absence_on(on))
    )
    return acting_among(holdings)


def acting_among(holdings) -> Acting:
    """Who acts as Chief Executive, from the day's holdings of the two posts (others are ignored),
    each annotated with ``absent`` (``recorded_absence_on``)."""
    deciding = [h for h in holdings if h.post_id and h.post.role in DECIDING_ROLES]
    # Should a post have two holders on the day, the one who has held it longest decides.
    holder = {h.post.role: h for h in sorted(deciding, key=lambda h: (h.start_date, h.pk), reverse=True)}
    chief, deputy = holder.get(Role.CHIEF_EXECUTIVE), holder.get(Role.DEPUTY_CHIEF_EXECUTIVE)
    if chief is not None and not chief.absent:
        return Acting(chief.person, CAPACITY_CHIEF_EXECUTIVE)
    capacity = CAPACITY_DEPUTY_IN_ABSENCE if chief is not None else CAPACITY_DEPUTY_IN_VACANCY
    return Acting(deputy.person if deputy is not None else None, capacity)


def chief_executive_capacity(person: Person, on: datetime.date) -> str:
    """The capacity in which ``person`` may decide on ``on``; refused unless they are acting (A2)."""
    acting = acting_chief_executive(on)
    if acting.person is not None and acting.person.pk == person.pk:
        return acting.capacity
    if holds(person, Role.DEPUTY_CHIEF_EXECUTIVE, on):
        raise RuleViolation(
            "The Deputy Chief Executive decides only while the Chief Executive's absence is recorded, "
            f"and none is recorded for {on:%d %B %Y}.",
            rule="A2",
        )
    raise RuleViolation(
        "Only the Chief Executive, or the Deputy during a recorded absence, can decide on officer attendance.",
        rule="A2",
    )


def group_of(person: Person, on: datetime.date) -> Organization | None:
    """The political group a member belongs to on ``on`` (at most one)."""
    membership = (
        Membership.objects.on(on)
        .filter(person=person, post__isnull=True, organization__classification=Organization.Classification.PARTY)
        .select_related("organization")
        .first()
    )
    return membership.organization if membership else None


def directorate_of(person: Person, on: datetime.date) -> Organization | None:
    """The directorate an officer is placed in on ``on``, or that their directorate post belongs to."""
    membership = (
        Membership.objects.on(on)
        .filter(person=person, organization__classification=Organization.Classification.DIRECTORATE)
        .select_related("organization")
        # A plain placement (no post) first, on every database: SQLite sorts a missing post first, PostgreSQL last.
        .order_by(Case(When(post__isnull=True, then=Value(0)), default=Value(1)), "start_date", "id")
        .first()
    )
    return membership.organization if membership else None


def groups_led_by(person: Person, on: datetime.date) -> list[tuple[Organization, str]]:
    """The groups ``person`` leads or deputy-leads on ``on``, with the capacity (A1)."""
    holdings = (
        Membership.objects.on(on)
        .filter(person=person, post__role__in=[Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER])
        .select_related("organization", "post")
    )
    return [
        (
            h.organization,
            "Group leader" if h.post.role == Role.GROUP_LEADER else "Deputy group leader, on the leader's behalf",
        )
        for h in holdings
    ]


def officer_reviewers(officer: Person, on: datetime.date) -> list[Person]:
    """Who reviews an officer's relationship declarations on ``on`` (B4).

    The Assistant Director and Director of the officer's directorate; never the officer themselves,
    so a Director's go to the Chief Executive, and the Chief Executive's to the Monitoring Officer.
    """
    roles = roles_of(officer, on)
    if Role.CHIEF_EXECUTIVE in roles:
        monitoring = holder_of(Role.MONITORING_OFFICER, on)
        return [monitoring] if monitoring else []
    if Role.DIRECTOR in roles:
        chief = holder_of(Role.CHIEF_EXECUTIVE, on)
        return [chief] if chief else []
    directorate = directorate_of(officer, on)
    if directorate is None:
        chief = holder_of(Role.CHIEF_EXECUTIVE, on)
        return [chief] if chief else []
    managers = [
        h.person
        for h in holdings_on(Role.ASSISTANT_DIRECTOR, on, directorate).order_by("start_date")
        if h.person_id != officer.pk
    ]
    managers += [h.person for h in holdings_on(Role.DIRECTOR, on, directorate) if h.person_id != officer.pk]
    return managers


def people_search(*, kind: str | None = None, on: datetime.date | None = None):
    people = Person.objects.exclude(kind=Person.Kind.SYSTEM).order_by("id")
    if kind:
        people = people.filter(kind=kind)
    if on:
        people = people.filter(Q(left_on__isnull=True) | Q(left_on__gte=on), is_active=True)
    return people


def organizations():
    return Organization.objects.all()


def posts():
    return Post.objects.select_related("organization")


def memberships():
    return Membership.objects.select_related("person", "organization", "post").order_by("id")


def group_leaders(on: datetime.date) -> list[tuple[Organization, Person]]:
    """Each political group with the person who speaks for it on ``on``: the leader, or the
    deputy while the leader's post is vacant. Groups with neither are left out."""
    holdings = (
        Membership.objects.on(on)
        .filter(post__role__in=[Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER])
        .select_related("person", "organization", "post")
        .order_by("organization__name", "start_date")
    )
    chosen: dict[int, tuple[Organization, Person, bool]] = {}
    for holding in holdings:
        is_leader = holding.post.role == Role.GROUP_LEADER
        current = chosen.get(holding.organization_id)
        if current is None or (is_leader and not current[2]):
            chosen[holding.organization_id] = (holding.organization, holding.person, is_leader)
    return [(organization, person) for organization, person, _ in chosen.values()]


def is_signed_in_allowed(user) -> bool:
    """Whether ``user`` may sign in (or keep a session or a token) today: active, and not recorded as
    having left before today (``register/backends.py``, the API's tokens, single sign-on)."""
    left_on = getattr(user, "left_on", None)
    return bool(getattr(user, "is_active", False)) and (left_on is None or left_on >= clock.today())
