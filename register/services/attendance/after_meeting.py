"""After the meeting: each attending officer records when they arrived and left, and attests that
they left before the group formed its view with no party business discussed in front of them (A6),
or reports what happened, which reaches the Chief Executive and the Monitoring Officer (A13) and
becomes a concern under the protocol (D6)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from register import selectors, workflow
from register.errors import RuleViolation
from register.models import AttendanceRecord, AttendanceRequest, GroupMeeting, Person, Post
from register.services.attendance import notices
from register.services.attendance.common import aware, lock_for, standing_of
from register.services.conduct.concerns import concern_raise_from_report
from register.services.history import save_with_history
from register.services.notifications import notify

Role = Post.Role


def attendance_record_attendance(
    *,
    request: AttendanceRequest,
    actor: Person,
    arrived_at: datetime.datetime,
    left_at: datetime.datetime,
    attested: bool,
    concerns: Iterable[str] = (),
    report: str = "",
    reason: str = "",
) -> AttendanceRecord:
    """An officer who attended records when they arrived and left, and attests (A6) or reports (A13)."""
    standing = standing_of(actor)
    now = standing.at
    with transaction.atomic():
        request, target = lock_for(request, workflow.RECORD_ATTENDANCE, standing, race=False)
        invitation = request.invitations.select_for_update(no_key=True).get(officer=actor)
        arrived_at, left_at = _check_times(request.meeting, arrived_at, left_at, now)
        concerns = _check_concerns(concerns)
        report = (report or "").strip()
        if attested and set(concerns) & AttendanceRecord.CONTRADICT_ATTESTATION:
            raise RuleViolation(
                "You cannot both attest that you left before the group formed its view with no party business "
                "discussed in front of you, and report that it was.",
                rule="A6",
                field="attested",
            )
        if not attested and not report:
            raise RuleViolation(
                "If you cannot attest that you left before the group formed its view and that no party business "
                "was discussed in front of you, say what happened.",
                rule="A6",
                field="report",
            )
        record = AttendanceRecord(
            invitation=invitation,
            arrived_at=arrived_at,
            left_at=left_at,
            attested=attested,
            concerns=concerns,
            report=report,
            recorded_at=now,
        )
        history_reason = reason.strip() or (
            "Attendance recorded and attested"
            if attested and not record.is_report
            else "Attendance recorded with a report"
        )
        save_with_history(record, actor=actor, reason=history_reason)
        if request.state != target:
            request.state = target
            save_with_history(request, actor=actor, reason=history_reason, update_fields=["state"])
        if record.is_report:
            _send_report(record, request, actor)
            # D6: the report is also a concern of D2's kind, routed under the council's protocol.
            concern_raise_from_report(record=record, request=request, reporting_officer=actor)
    return record


def _check_times(meeting: GroupMeeting, arrived_at, left_at, now):
    arrived_at, left_at = aware(arrived_at, "arrived_at"), aware(left_at, "left_at")
    meeting_day = timezone.localtime(meeting.starts_at).date()
    if timezone.localtime(arrived_at).date() != meeting_day:
        raise RuleViolation(
            f"Give the time you arrived on {meeting_day:%d %B %Y}, the day of the meeting.", field="arrived_at"
        )
    if left_at <= arrived_at:
        raise RuleViolation("You cannot leave before you arrive.", field="left_at")
    if left_at > now:
        raise RuleViolation("The time you left cannot be in the future.", field="left_at")
    return arrived_at, left_at


def _check_concerns(concerns: Iterable[str]) -> list[str]:
    known = set(AttendanceRecord.Concern.values)
    concerns = list(dict.fromkeys(str(c) for c in concerns))
    unknown = [c for c in concerns if c not in known]
    if unknown:
        raise RuleViolation(f"Unknown concern: {', '.join(unknown)}.", field="concerns")
    return concerns


def _send_report(record: AttendanceRecord, request: AttendanceRequest, actor: Person) -> None:
    """A13: an officer's report reaches the Chief Executive and the Monitoring Officer (and the
    Deputy while acting for an absent Chief Executive)."""
    today = selectors.today()
    recipients = [
        selectors.holder_of(Role.CHIEF_EXECUTIVE, today),
        selectors.acting_chief_executive(today).person,
        selectors.holder_of(Role.MONITORING_OFFICER, today),
    ]
    labels = dict(AttendanceRecord.Concern.choices)
    notify(
        cause=f"attendance-record:{record.pk}:report",
        kind="attendance-report",
        recipients=[person for person in recipients if person is not None],
        about=request,
        actor=actor,
        context=notices.request_context(
            request, record=record, officer=actor, concerns=[labels[c] for c in record.concerns]
        ),
    )
