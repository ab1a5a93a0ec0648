"""Reads for the attendance pages (A1-A13) that the service selectors in ``register.selectors`` do
not already give: the home page's counts and the officers one may ask for. The conflict warnings
(B7) are ``register.conflicts``; the published register (A8) is ``register.selectors.briefings``.

Each read costs a fixed number of queries whatever the number of rows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from register import policies, selectors, workflow
from register.models import (
    AttendanceInvitation,
    AttendanceRequest,
    Membership,
    Organization,
    Person,
    Post,
)

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


def party_groups():
    return Organization.objects.filter(classification=Organization.Classification.PARTY).order_by("name")


def is_attendance_overseer(standing) -> bool:
    return policies.oversees_attendance(standing)
