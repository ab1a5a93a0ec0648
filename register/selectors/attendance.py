"""Reads for the attendance pages (A1-A13) that the service selectors in ``register.selectors`` do
not already give: the home page's counts, the conflict warnings for a whole queue (B7), the
officers one may ask for, and the published register with each officer's post (A8).

Each read costs a fixed number of queries whatever the number of rows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from register import policies, selectors, workflow
from register.models import (
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    Membership,
    Organization,
    Person,
    Post,
)
from register.selectors import declarations as declaration_reads

Role = Post.Role
LEADING_ROLES = frozenset({Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER})
DECIDING_ROLES = frozenset({Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE})


@dataclass(frozen=True)
class AttendanceTasks:
    """The home page's attendance counts; None where the person has no such list."""

    decisions: int | None = None
    group_awaiting: int | None = None
    invitations_to_answer: int | None = None
    attendance_to_record: int | None = None


def attendance_tasks(viewer: Person, *, roles: set[str], on: datetime.date | None = None) -> AttendanceTasks:
    """What awaits the viewer: decisions (Chief Executive and Deputy), the group's requests awaiting
    a decision (leaders), invitations to answer and attendance to record (officers). At most one
    query per kind of list, whatever the counts."""
    on = on or selectors.today()
    now = selectors.now()
    decisions = group_awaiting = to_answer = to_record = None
    if roles & DECIDING_ROLES:
        decisions = AttendanceRequest.objects.filter(state=workflow.SUBMITTED).count()
    if roles & LEADING_ROLES:
        led = Membership.objects.on(on).filter(person=viewer, post__role__in=LEADING_ROLES).values("organization")
        group_awaiting = AttendanceRequest.objects.filter(group__in=led, state=workflow.SUBMITTED).count()
    if viewer.is_officer:
        counts = AttendanceInvitation.objects.filter(officer=viewer).aggregate(
            to_answer=Count(
                "pk",
                filter=Q(
                    state=workflow.INVITED,
                    request__state__in=[workflow.SUBMITTED, workflow.APPROVED],
                    request__meeting__starts_at__gt=now,
                ),
            ),
            to_record=Count(
                "pk",
                filter=Q(
                    state=workflow.ACCEPTED,
                    request__state__in=[workflow.APPROVED, workflow.HELD],
                    request__meeting__starts_at__lte=now,
                    attendance__isnull=True,
                ),
            ),
        )
        to_answer, to_record = counts["to_answer"], counts["to_record"]
    return AttendanceTasks(decisions, group_awaiting, to_answer, to_record)


def officers_to_ask(on: datetime.date):
    """Officers a group may ask for: everyone of the council's staff still working on ``on``."""
    return selectors.people_search(kind=Person.Kind.OFFICER, on=on).order_by("last_name", "first_name", "pk")


def councillors_to_name(on: datetime.date):
    """Councillors an officer may say asked them directly (A1): every serving member; the service
    refuses one in no political group, naming the field."""
    return selectors.people_search(kind=Person.Kind.MEMBER, on=on).order_by("last_name", "first_name", "pk")


def conflict_warnings(requests, on: datetime.date) -> dict[int, list]:
    """For each request (by id), the declared relationships between an officer it names and a
    member of the requesting group (B7). Two queries for the whole list: the groups' members and
    the declarations between them and the officers."""
    requests = list(requests)
    if not requests:
        return {}
    group_ids = {request.group_id for request in requests}
    members_of: dict[int, set[int]] = {group_id: set() for group_id in group_ids}
    members: dict[int, Person] = {}
    for membership in (
        Membership.objects.on(on)
        .filter(organization__in=group_ids, post__isnull=True, person__kind=Person.Kind.MEMBER)
        .select_related("person")
    ):
        members_of[membership.organization_id].add(membership.person_id)
        members[membership.person_id] = membership.person
    officers = {i.officer_id: i.officer for request in requests for i in request.invitations.all()}
    found = declaration_reads.active_relationships(officers.values(), members.values(), on)
    warnings: dict[int, list] = {}
    for request in requests:
        named = {i.officer_id for i in request.invitations.all()}
        group_members = members_of[request.group_id]
        seen = set()
        for relationship in found:
            pair = (relationship.officer.pk, relationship.member.pk)
            if relationship.officer.pk in named and relationship.member.pk in group_members and pair not in seen:
                seen.add(pair)
                warnings.setdefault(request.pk, []).append(relationship)
    return warnings


@dataclass(frozen=True)
class PublishedBriefing:
    """One line of the published register: the group, the officers' posts, the date and the
    subject, nothing more (A8)."""

    group: str
    posts: tuple[str, ...]
    date: datetime.date
    subject: str


def published_register() -> list[PublishedBriefing]:
    """Briefings that took place, newest first, with the post of each officer who attended. Two
    queries: the attendance records with their briefing, and the attending officers' posts."""
    records = list(
        AttendanceRecord.objects.filter(
            invitation__request__decision=AttendanceRequest.Decision.APPROVED,
            invitation__request__state__in=workflow.AGREED_REQUEST_STATES,
        )
        .select_related("invitation__request__group", "invitation__request__meeting")
        .order_by("-invitation__request__meeting__starts_at", "invitation__request_id", "id")
    )
    holdings: dict[int, list[Membership]] = {}
    officer_holdings = Membership.objects.filter(
        person__in={record.invitation.officer_id for record in records}
    ).filter(
        (Q(post__isnull=False) & ~Q(post__role__in=Post.MEMBER_ROLES))
        | Q(post__isnull=True, organization__classification=Organization.Classification.DIRECTORATE)
    )
    # A post first: a plain placement in a directorate only says where the officer works.
    for holding in officer_holdings.select_related("post", "organization").order_by("post", "start_date", "id"):
        holdings.setdefault(holding.person_id, []).append(holding)
    briefings: dict[int, tuple] = {}
    for record in records:
        request = record.invitation.request
        day = timezone.localtime(request.meeting.starts_at).date()
        post = _post_on(holdings.get(record.invitation.officer_id, []), day)
        group, posts, _day, subject = briefings.setdefault(request.pk, (request.group.name, [], day, request.subject))
        posts.append(post)
    return [
        PublishedBriefing(group=group, posts=tuple(sorted(posts)), date=day, subject=subject)
        for group, posts, day, subject in briefings.values()
    ]


def _post_on(holdings: list[Membership], day: datetime.date) -> str:
    for holding in holdings:
        if holding.start_date <= day and (holding.end_date is None or holding.end_date >= day):
            return holding.post.label if holding.post else f"Officer, {holding.organization}"
    return "Officer of the council"


def party_groups():
    return Organization.objects.filter(classification=Organization.Classification.PARTY).order_by("name")


def is_attendance_overseer(standing) -> bool:
    return policies.oversees_attendance(standing)
