"""Reads for Democratic Services' pages of the council's people, groups, directorates and posts (issue 17):
each list already joined, so that a page costs the same few queries whatever its length. Who may read
them is the pages' to check (``policies.reads_people_records``, through the workflows' ``sees``)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from register.models import Membership, Organization, Person, Post

Role = Post.Role
Classification = Organization.Classification

# The kinds a person is filtered by on the list: members by how they came to the council.
KIND_FILTERS = {
    "elected": Q(kind=Person.Kind.MEMBER, member_type=Person.MemberType.ELECTED),
    "co-opted": Q(kind=Person.Kind.MEMBER, member_type=Person.MemberType.CO_OPTED),
    "officer": Q(kind=Person.Kind.OFFICER),
    "independent": Q(kind=Person.Kind.INDEPENDENT),
}


def current_q(on: datetime.date) -> Q:
    return Q(is_active=True) & (Q(left_on__isnull=True) | Q(left_on__gte=on))


def people_list(*, on: datetime.date, search: str = "", kind: str = "", status: str = "current"):
    """The council's people (never the register's system user), by family and given name, each with the
    group or directorate they belong to on ``on`` (``placed_in``): one query per page."""
    people = Person.objects.exclude(kind=Person.Kind.SYSTEM)
    for word in search.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    if kind in KIND_FILTERS:
        people = people.filter(KIND_FILTERS[kind])
    if status == "current":
        people = people.filter(current_q(on))
    elif status == "left":
        people = people.exclude(current_q(on))
    placement = (
        Membership.objects.on(on)
        .filter(
            person=OuterRef("pk"),
            post__isnull=True,
            organization__classification__in=[Classification.PARTY, Classification.DIRECTORATE],
        )
        .order_by("start_date")
    )
    return people.annotate(
        placed_in=Subquery(placement.values("organization__name")[:1]),
        placed_in_id=Subquery(placement.values("organization_id")[:1]),
        placed_in_kind=Subquery(placement.values("organization__classification")[:1]),
    ).order_by("last_name", "first_name", "pk")


def person_record(pk: int) -> Person | None:
    return Person.objects.exclude(kind=Person.Kind.SYSTEM).select_related("reports_to").filter(pk=pk).first()


def timeline_of(person: Person):
    """Every membership and post holding of ``person``, earliest first."""
    return (
        Membership.objects.filter(person=person)
        .select_related("organization", "post")
        .order_by("start_date", "end_date", "pk")
    )


def reports_of(person: Person):
    """Whom ``person`` line-manages now."""
    return Person.objects.filter(reports_to=person).order_by("last_name", "first_name")


def officers_to_report_to(exclude: Person | None = None):
    """Current officers, for a line manager's choice."""
    officers = Person.objects.filter(kind=Person.Kind.OFFICER, is_active=True, left_on__isnull=True)
    if exclude is not None:
        officers = officers.exclude(pk=exclude.pk)
    return officers.order_by("last_name", "first_name", "pk")


def the_council() -> Organization | None:
    """The council itself: the organization its statutory and shared posts belong to."""
    return Organization.objects.filter(classification=Classification.COUNCIL).order_by("pk").first()


def organizations_of(classification: str):
    return Organization.objects.filter(classification=classification).order_by("name")


def organization_record(pk: int, classification: str) -> Organization | None:
    return Organization.objects.filter(pk=pk, classification=classification).first()


@dataclass(frozen=True)
class Leadership:
    """An organization with the holders of its two leading posts on a day (None where vacant)."""

    organization: Organization
    first: Membership | None
    second: Membership | None
    members: int


LEADING_ROLES = {
    Classification.PARTY: (Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER),
    Classification.DIRECTORATE: (Role.DIRECTOR, Role.ASSISTANT_DIRECTOR),
}


def leaderships(classification: str, on: datetime.date) -> list[Leadership]:
    """Each group (leader, deputy) or directorate (Director, Assistant Director) with its current
    holders and how many belong to it on ``on``: two queries whatever the number."""
    first_role, second_role = LEADING_ROLES[classification]
    members_now = Q(memberships__post__isnull=True, memberships__start_date__lte=on) & (
        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=on)
    )
    organizations = list(organizations_of(classification).annotate(members=Count("memberships", filter=members_now)))
    holdings = (
        Membership.objects.on(on)
        .filter(organization__in=organizations, post__role__in=[first_role, second_role])
        .select_related("person", "post")
        .order_by("start_date", "pk")
    )
    held: dict[tuple[int, str], Membership] = {}
    for holding in holdings:
        held.setdefault((holding.organization_id, holding.post.role), holding)
    return [
        Leadership(
            organization,
            held.get((organization.pk, first_role)),
            held.get((organization.pk, second_role)),
            organization.members,
        )
        for organization in organizations
    ]


def groups_without_leader(on: datetime.date) -> int:
    """How many political groups have nobody holding their leader's post on ``on``."""
    led = Membership.objects.on(on).filter(post__role=Role.GROUP_LEADER).values("organization_id")
    return Organization.objects.filter(classification=Classification.PARTY).exclude(pk__in=led).count()


def members_of(organization: Organization, on: datetime.date):
    """Who belongs to ``organization`` on ``on`` (plain memberships, not post holdings)."""
    return (
        Membership.objects.on(on)
        .filter(organization=organization, post__isnull=True)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def holdings_in(organization: Organization, roles=None):
    """Every holding of a post of ``organization`` (of ``roles``, if given), latest first."""
    holdings = Membership.objects.filter(organization=organization, post__isnull=False)
    if roles:
        holdings = holdings.filter(post__role__in=roles)
    return holdings.select_related("person", "post").order_by("-start_date", "-pk")


def post_of(organization: Organization, role: str) -> Post | None:
    return Post.objects.filter(organization=organization, role=role).order_by("pk").first()


def posts_list(on: datetime.date):
    """Every post with its organization and its holders on ``on`` (``current``): two queries."""
    return (
        Post.objects.select_related("organization")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.on(on).select_related("person").order_by("start_date"),
                to_attr="current",
            )
        )
        .order_by("organization__classification", "organization__name", "label")
    )


def post_record(pk: int) -> Post | None:
    return Post.objects.select_related("organization").filter(pk=pk).first()


def holdings_of_post(post: Post):
    """Who held ``post`` when, latest first."""
    return Membership.objects.filter(post=post).select_related("person").order_by("-start_date", "-pk")


def membership_record(pk: int) -> Membership | None:
    return Membership.objects.select_related("person", "organization", "post").filter(pk=pk).first()
