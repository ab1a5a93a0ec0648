"""Reads for the attendance pages (A1-A13) that the service selectors in ``register.selectors`` do
not already give: the home page's counts and the officers one may ask for. The conflict warnings
(B7) are ``register.conflicts``; the published register (A8) is ``register.selectors.briefings``.

Each read costs a fixed number of queries whatever the number of rows.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, replace

from django.db.models import Count, Min, Prefetch, Q

from register import policies, selectors, workflow
from register.models import AttendanceInvitation, AttendanceRequest, Membership, Organization, Person
from register.policies import Standing


@dataclass(frozen=True)
class AttendanceTasks:
    """The home page's attendance counts; None where the person has no such list."""

    decisions: int | None = None
    group_awaiting: int | None = None
    invitations_to_answer: int | None = None
    attendance_to_record: int | None = None
    # The earliest due date (or, for attendance to record, the earliest meeting) of each list.
    decisions_due_on: datetime.date | None = None
    group_due_on: datetime.date | None = None
    answers_due_on: datetime.date | None = None
    to_record_since: datetime.datetime | None = None


def attendance_tasks(viewer: Standing) -> AttendanceTasks:
    """What awaits the viewer: decisions (the acting Chief Executive), the group's requests awaiting
    a decision (its leader and deputy), invitations to answer and attendance to record (officers
    who brief groups). Each list is the policy's of the viewer's standing; at most one query per
    kind of list, whatever the counts."""
    now = selectors.now()
    tasks = {}
    if policies.decides_attendance(viewer):
        awaiting = AttendanceRequest.objects.filter(state=workflow.SUBMITTED).aggregate(
            count=Count("pk"), due_on=Min("due_on")
        )
        tasks |= {"decisions": awaiting["count"], "decisions_due_on": awaiting["due_on"]}
    if policies.leads_a_group(viewer):
        awaiting = AttendanceRequest.objects.filter(
            group_id__in=list(viewer.groups_led), state=workflow.SUBMITTED
        ).aggregate(count=Count("pk"), due_on=Min("due_on"))
        tasks |= {"group_awaiting": awaiting["count"], "group_due_on": awaiting["due_on"]}
    if policies.is_briefing_officer(viewer):
        to_answer = Q(
            state=workflow.INVITED,
            request__state__in=[workflow.SUBMITTED, workflow.APPROVED],
            request__meeting__starts_at__gt=now,
        )
        to_record = Q(
            state=workflow.ACCEPTED,
            request__state__in=[workflow.APPROVED, workflow.HELD],
            request__meeting__starts_at__lte=now,
            attendance__isnull=True,
        )
        counts = AttendanceInvitation.objects.filter(officer_id=viewer.person_id).aggregate(
            to_answer=Count("pk", filter=to_answer),
            # Before approval an officer may already answer; the date to answer by comes with it.
            answers_due_on=Min("request__responses_due_on", filter=to_answer),
            to_record=Count("pk", filter=to_record),
            to_record_since=Min("request__meeting__starts_at", filter=to_record),
        )
        tasks |= {
            "invitations_to_answer": counts["to_answer"],
            "answers_due_on": counts["answers_due_on"],
            "attendance_to_record": counts["to_record"],
            "to_record_since": counts["to_record_since"],
        }
    return AttendanceTasks(**tasks)


def officers_to_ask(on: datetime.date):
    """Officers a group may ask for: everyone of the council's staff still working on ``on``."""
    return selectors.people_search(kind=Person.Kind.OFFICER, on=on).order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class OfficerChoice:
    """An officer a group may ask for, as the officer finder shows them: name, posts and
    directorates held on the day, and whether any of those posts is politically restricted."""

    person: Person
    posts: tuple[str, ...]
    directorates: tuple[str, ...]
    politically_restricted: bool
    tell_apart: str = ""

    @property
    def pk(self) -> int:
        return self.person.pk

    @property
    def label(self) -> str:
        """One line a councillor can search and tell apart: "Sam Lee — Planning Officer, Place
        (politically restricted)". Two officers of the same name, post and directorate are told
        apart by their e-mail address."""
        where = ", ".join([*self.posts, *self.directorates])
        label = f"{self.person.name} — {where}" if where else self.person.name
        if self.politically_restricted:
            label += " (politically restricted)"
        return f"{label} — {self.tell_apart}" if self.tell_apart else label


def officer_choices(on: datetime.date) -> list[OfficerChoice]:
    """The officer finder's options: every officer a group may ask for on ``on`` (``officers_to_ask``),
    with the posts and directorates they hold that day. Two queries, whatever the number of officers."""
    current = Membership.objects.on(on).select_related("organization", "post").order_by("start_date", "pk")
    officers = officers_to_ask(on).prefetch_related(Prefetch("memberships", queryset=current, to_attr="current"))
    choices = []
    for officer in officers:
        posts = tuple(dict.fromkeys(m.post.label for m in officer.current if m.post_id))
        directorates = tuple(
            dict.fromkeys(
                m.organization.name
                for m in officer.current
                if m.organization.classification == Organization.Classification.DIRECTORATE
            )
        )
        restricted = any(m.post_id and m.post.politically_restricted for m in officer.current)
        choices.append(OfficerChoice(officer, posts, directorates, restricted))
    labels = Counter(choice.label for choice in choices)
    return [
        replace(choice, tell_apart=choice.person.email or choice.person.username)
        if labels[choice.label] > 1
        else choice
        for choice in choices
    ]


def councillors_to_name(on: datetime.date):
    """Councillors an officer may say asked them directly (A1): every serving member; the service
    refuses one in no political group, naming the field."""
    return selectors.people_search(kind=Person.Kind.MEMBER, on=on).order_by("last_name", "first_name", "pk")


def party_groups():
    return Organization.objects.filter(classification=Organization.Classification.PARTY).order_by("name")
