"""The home page: the signed-in person's open actions first (each with its count and earliest due
date), their one main action, the briefings other groups were agreed that their group may take up
(A3), then the rest: where nothing waits, what they hold, and who decides attendance today.

Who gets which row and which main action comes from the policies of their standing, never from
the names of their posts. A fixed number of queries whatever the counts."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from register import policies, selectors
from register.policies.calendar_feeds import calendar_feed_kinds
from register.selectors import attendance as attendance_reads
from register.selectors import concerns as concern_reads
from register.selectors import declarations as declaration_reads
from register.selectors import people_records
from register.views.context import standing


@dataclass(frozen=True)
class Action:
    """One list where things may await the person: how many, and by when the first is due."""

    label: str
    count: int
    url: str
    detail: str
    due_on: datetime.date | None = None
    overdue: bool = False
    since: datetime.date | None = None

    @property
    def open(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class MainAction:
    label: str
    url: str


@login_required
def home(request):
    on = selectors.today()
    person = request.user
    viewer = standing(request)
    holdings = (
        person.memberships.on(on).select_related("organization", "post").order_by("post__label", "organization__name")
    )
    # A3: the briefings agreed for other groups that the leader's group has not had yet.
    offers = selectors.equivalent_offers_for(viewer=viewer) if policies.asks_for_briefings(viewer) else None
    actions = needs_action(request, on, offers=offers)
    return render(
        request,
        "register/home.html",
        {
            "holdings": holdings,
            "acting": selectors.acting_chief_executive(on),
            "today": on,
            "main_action": main_action(viewer),
            # Open actions first, the soonest due at the top; those without a date keep their order.
            "open_actions": sorted((a for a in actions if a.open), key=lambda a: (a.due_on is None, a.due_on or on)),
            "quiet": [action for action in actions if not action.open],
            "offers": offers or [],
            "raises_concern": policies.raises_concern(viewer),
            "whistleblowing_policy_url": settings.WHISTLEBLOWING_POLICY_URL,
            # Calendar feeds (issue 22): officers, group leaders and the Chief Executive have one.
            "calendar_feeds": bool(calendar_feed_kinds(viewer)),
        },
    )


def main_action(viewer) -> MainAction | None:
    """The one thing the person's standing makes theirs to start: deciding for the acting Chief
    Executive (A2), asking for a briefing for a group's leader or deputy (A1), reviewing for a
    reviewer (B3, B4), the council's people for Democratic Services (A1), the audit timeline for an auditor (C2), declaring for a councillor or officer (B1)."""
    if policies.decides_attendance(viewer):
        return MainAction("Decide requests", reverse("attendance:queue"))
    if policies.asks_for_briefings(viewer):
        return MainAction("Request a briefing", reverse("attendance:new"))
    if policies.keeps_people_records(viewer):
        return MainAction("Manage people", reverse("people:index"))
    if policies.has_declarations_to_review(viewer):
        return MainAction("Review declarations", reverse("declarations:to-review"))
    if policies.reads_all_history(viewer):
        return MainAction("Open the audit timeline", reverse("audit:timeline"))
    if policies.declares(viewer):
        return MainAction("Declare a relationship", reverse("declarations:declare"))
    return None


def needs_action(request, on, *, offers: list | None = None) -> list[Action]:
    """One row per list the person acts in, with how many things await them there and the earliest
    due date. A fixed number of queries whatever the counts: the declaration counts come in one query."""
    person = request.user
    viewer = standing(request)
    tasks = declaration_reads.declaration_tasks(person, on=on, standing=viewer)
    rows = attendance_rows(viewer, on)
    if offers is not None:
        rows.append(
            Action(
                "Briefings your group may also have",
                len(offers),
                reverse("attendance:other-groups"),
                "agreed for other groups (A3)",
            )
        )
    if tasks.to_review is not None:
        rows.append(
            Action(
                "Declarations to review",
                tasks.to_review,
                reverse("declarations:to-review"),
                "awaiting your advice",
                since=_date(tasks.to_review_since),
            )
        )
    if tasks.to_acknowledge is not None:
        rows.append(
            Action(
                "Advice to acknowledge",
                tasks.to_acknowledge,
                reverse("declarations:mine"),
                "on your declarations",
                since=_date(tasks.to_acknowledge_since),
            )
        )
    if tasks.naming_unanswered:
        rows.append(
            Action(
                "Declarations naming you",
                tasks.naming_unanswered,
                reverse("declarations:naming-you"),
                "without your own declaration",
            )
        )
    if tasks.confirmation is not None:
        confirmation = tasks.confirmation
        rows.append(
            Action(
                "Re-confirmation due",
                int(confirmation.due_soon),
                reverse("declarations:confirm"),
                "your yearly re-confirmation",
                due_on=confirmation.due_on,
                overdue=confirmation.overdue,
            )
        )
    if tasks.not_confirmed is not None:
        rows.append(
            Action(
                "Not re-confirmed",
                tasks.not_confirmed,
                reverse("declarations:not-confirmed"),
                "past their due date, among those you oversee",
            )
        )
    if policies.keeps_people_records(viewer):
        rows.append(
            Action(
                "Groups without a leader",
                people_records.groups_without_leader(on),
                reverse("people:groups"),
                "until the group reports one, it cannot ask for briefings (A1)",
            )
        )
    rows += conduct_rows(viewer)
    rows.append(Action("Unread notices", selectors.unread_count(person), reverse("notices"), "in your inbox"))
    return rows


def conduct_rows(viewer) -> list[Action]:
    """Concerns (D1-D3, D6): one query. A row for those routed to the person only when there are some
    (anyone may become a handler) or when the concerns are theirs to oversee."""
    if not (policies.raises_concern(viewer) or policies.oversees_concerns(viewer)):
        return []
    tasks = concern_reads.concern_tasks(viewer)
    rows = []
    if tasks.to_handle or policies.oversees_concerns(viewer):
        rows.append(
            Action(
                "Concerns to handle",
                tasks.to_handle,
                reverse("concerns:index"),
                "routed to you under the protocol",
                due_on=tasks.due_on,
                overdue=_before(tasks.due_on, selectors.today()),
            )
        )
    return rows


def attendance_rows(viewer, on) -> list[Action]:
    """Officer attendance (A1-A13): at most one query per list the person has."""
    tasks = attendance_reads.attendance_tasks(viewer)
    rows = []
    if tasks.decisions is not None:
        rows.append(
            Action(
                "Attendance requests to decide",
                tasks.decisions,
                reverse("attendance:queue"),
                "awaiting your decision",
                due_on=tasks.decisions_due_on,
                overdue=_before(tasks.decisions_due_on, on),
            )
        )
    if tasks.group_awaiting is not None:
        rows.append(
            Action(
                "Requests from your group",
                tasks.group_awaiting,
                reverse("attendance:group"),
                "awaiting the Chief Executive's decision",
                due_on=tasks.group_due_on,
                overdue=_before(tasks.group_due_on, on),
            )
        )
    if tasks.invitations_to_answer is not None:
        rows.append(
            Action(
                "Briefing invitations",
                tasks.invitations_to_answer,
                reverse("attendance:invitations"),
                "to accept or decline",
                due_on=tasks.answers_due_on,
                overdue=_before(tasks.answers_due_on, on),
            )
        )
        rows.append(
            Action(
                "Attendance to record",
                tasks.attendance_to_record,
                reverse("attendance:invitations"),
                "after meetings you attended",
                since=_date(tasks.to_record_since),
            )
        )
    return rows


def _before(day: datetime.date | None, on: datetime.date) -> bool:
    return day is not None and day < on


def _date(moment: datetime.datetime | None) -> datetime.date | None:
    """The day in Europe/London."""
    return timezone.localtime(moment).date() if moment is not None else None
