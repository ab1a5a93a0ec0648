"""Reminders and escalation (A12), run by the hourly beat task: decisions due and overdue, and
officers' answers due and overdue. Safe to run any number of times (each notice is sent once)."""

from collections import Counter

from django.db import transaction

from register import selectors, workflow, working_days
from register.models import AttendanceInvitation, AttendanceRequest, Post
from register.services.attendance.notices import cause as _cause
from register.services.attendance.notices import request_context as _request_context
from register.services.attendance.notices import tell_decision_maker as _tell_decision_maker
from register.services.attendance.notices import warnings_for
from register.services.notifications import notify

Role = Post.Role


def attendance_send_reminders() -> dict[str, int]:
    """Remind and escalate; safe to run any number of times (each notice is sent once).

    - Whoever acts as Chief Executive today has been told of every request awaiting a decision,
      so the Deputy hears of them as soon as the Chief Executive's absence is recorded.
    - The acting Chief Executive is reminded on the working day before a decision is due.
    - Once it is overdue, the Deputy (and the Chief Executive) are told.
    - Officers are reminded the working day before their response is due, and once it is overdue
      the person who made the request is told too.
    """
    today = selectors.today()
    acting = selectors.acting_chief_executive(today)
    deputy = selectors.holder_of(Role.DEPUTY_CHIEF_EXECUTIVE, today)
    chief = selectors.holder_of(Role.CHIEF_EXECUTIVE, today)
    escalate_to = [person for person in (deputy, chief, acting.person) if person is not None]
    sent: Counter = Counter()
    awaiting = (
        AttendanceRequest.objects.filter(state=workflow.SUBMITTED)
        .select_related(
            "group", "meeting", "requested_by", "referred_by", "equivalent_of__group", "equivalent_of__decided_by"
        )
        .order_by("due_on", "id")
    )
    for request in awaiting:
        with transaction.atomic():
            if _tell_decision_maker(request, actor=None, why="handover", warnings=warnings_for(request)):
                sent["decision handed over"] += 1
            context = _request_context(request, acting=acting, today=today)
            if today > request.due_on:
                if notify(
                    cause=_cause(request, "overdue"),
                    kind="attendance-decision-overdue",
                    recipients=escalate_to,
                    about=request,
                    actor=None,
                    context=context,
                ):
                    sent["decision overdue"] += 1
            elif today >= working_days.previous_working_day(request.due_on) and acting.person is not None:
                if notify(
                    cause=_cause(request, "reminder"),
                    kind="attendance-decision-reminder",
                    recipients=[acting.person],
                    about=request,
                    actor=None,
                    context=context,
                ):
                    sent["decision reminder"] += 1
    waiting = (
        AttendanceInvitation.objects.filter(
            state=workflow.INVITED, request__state=workflow.APPROVED, request__responses_due_on__isnull=False
        )
        .select_related("officer", "request__group", "request__meeting", "request__requested_by")
        .order_by("request__responses_due_on", "id")
    )
    for invitation in waiting:
        request = invitation.request
        due = request.responses_due_on
        cause = f"attendance-invitation:{invitation.pk}:r{request.round}"
        context = _request_context(request, invitation=invitation, officer=invitation.officer, overdue=today > due)
        with transaction.atomic():
            if today > due:
                if notify(
                    cause=f"{cause}:response-overdue",
                    kind="attendance-response-reminder",
                    recipients=[invitation.officer],
                    about=request,
                    actor=None,
                    context=context,
                ):
                    sent["response overdue"] += 1
                notify(
                    cause=f"{cause}:response-overdue",
                    kind="attendance-response-overdue",
                    recipients=[request.requested_by],
                    about=request,
                    actor=None,
                    context=context,
                )
            elif today >= working_days.previous_working_day(due):
                if notify(
                    cause=f"{cause}:response-reminder",
                    kind="attendance-response-reminder",
                    recipients=[invitation.officer],
                    about=request,
                    actor=None,
                    context=context,
                ):
                    sent["response reminder"] += 1
    return dict(sent)
