"""The acting Chief Executive's decisions (A2): approve or refuse a request (A3, A8), call off an
agreed briefing; and closing the record of a briefing after its meeting."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from register import conflicts, workflow, working_days
from register.errors import RuleViolation
from register.models import AttendanceRequest, Person
from register.services.attendance import notices
from register.services.attendance.common import (
    APPROVED,
    DECISION_FIELDS,
    REFUSED,
    lock_for,
    require_reason,
    standing_of,
)
from register.services.declarations import declare_at_meeting_remind
from register.services.history import save_with_history


def attendance_request_approve(*, request: AttendanceRequest, actor: Person, reason: str = "") -> AttendanceRequest:
    """The acting Chief Executive agrees to the officers attending (A2). Each officer is invited
    with the reminder of A5; the other groups' leaders learn the facts and are offered the same (A3, A8)."""
    standing = standing_of(actor)
    with transaction.atomic():
        request, target = lock_for(request, workflow.APPROVE, standing, deciding=True)
        capacity = standing.acting_chief_executive
        warnings = notices.warnings_for(request)
        request.state = target
        _set_decision(request, APPROVED, actor=actor, capacity=capacity, at=standing.at, reason=reason)
        request.responses_due_on = min(
            working_days.add_working_days(standing.on, settings.ATTENDANCE_RESPONSE_WORKING_DAYS),
            timezone.localtime(request.meeting.starts_at).date(),
        )
        save_with_history(
            request, actor=actor, reason=reason.strip() or f"Approved ({capacity})", update_fields=DECISION_FIELDS
        )
        notices.tell_group_of_decision(request, actor)
        notices.invite_officers(request, actor, warnings)
        notices.tell_other_groups(request, actor)
        _remind_members_to_declare(request, actor)
    return request


def _remind_members_to_declare(request: AttendanceRequest, actor: Person) -> None:
    """A member of the group with a declared relationship with an officer who will attend is
    reminded to declare the interest at that meeting (B7, B3)."""
    declare_at_meeting_remind(
        relationships=conflicts.relationships_for(request),
        about=request,
        meeting_on=conflicts.meeting_day(request),
        actor=actor,
        cause=f"attendance-request:{request.pk}:approved:declare-at-meeting",
    )


def attendance_request_refuse(*, request: AttendanceRequest, actor: Person, reason: str) -> AttendanceRequest:
    """The acting Chief Executive refuses, with a reason (A2). Refusing an equivalent of an
    approved briefing needs one too, and shows on the parity report (A3, A11)."""
    standing = standing_of(actor)
    with transaction.atomic():
        request, target = lock_for(request, workflow.REFUSE, standing, deciding=True)
        precedent = request.equivalent_of
        against_precedent = precedent is not None and precedent.decision == APPROVED
        if not (reason or "").strip():
            if against_precedent:
                raise RuleViolation(
                    f"The {precedent.group} was agreed the briefing this one is equivalent to, so refusing it needs a "
                    "recorded reason; the refusal will show on the parity report.",
                    rule="A3",
                    field="reason",
                )
            raise RuleViolation("A refusal needs a reason, which the group will see.", rule="A2", field="reason")
        request.state = target
        _set_decision(
            request, REFUSED, actor=actor, capacity=standing.acting_chief_executive, at=standing.at, reason=reason
        )
        request.departs_from_precedent = against_precedent
        save_with_history(request, actor=actor, reason=reason, update_fields=DECISION_FIELDS)
        notices.tell_group_of_decision(request, actor)
    return request


def _set_decision(request, decision, *, actor, capacity, at, reason) -> None:
    request.decision = decision
    request.decided_by = actor
    request.decided_capacity = capacity
    request.decided_at = at
    request.decision_reason = (reason or "").strip()
    request.departs_from_precedent = False


def attendance_request_cancel(*, request: AttendanceRequest, actor: Person, reason: str) -> AttendanceRequest:
    """The acting Chief Executive calls off an agreed briefing before the meeting (A2)."""
    standing = standing_of(actor)
    with transaction.atomic():
        request, target = lock_for(request, workflow.CANCEL, standing)
        reason = require_reason(reason, "cancelling the briefing")
        request.state = target
        request.closing_reason = reason
        save_with_history(request, actor=actor, reason=reason, update_fields=["state", "closing_reason"])
        notices.tell_called_off(request, actor, was_agreed=True)
    return request


def attendance_request_close(*, request: AttendanceRequest, actor: Person, reason: str) -> AttendanceRequest:
    """Close the record of a briefing after its meeting: the acting Chief Executive or the group."""
    standing = standing_of(actor)
    with transaction.atomic():
        request, target = lock_for(request, workflow.CLOSE, standing)
        reason = require_reason(reason, "closing the record")
        request.state = target
        request.closing_reason = reason
        save_with_history(request, actor=actor, reason=reason, update_fields=["state", "closing_reason"])
    return request
