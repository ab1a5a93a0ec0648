"""The officers' side: voluntary attendance (A4), the brief agreed in advance (A5), and after the
meeting, attestation or report (A6, A13)."""

import datetime

import pytest

from register import workflow
from register.errors import Conflict, InvalidTransition, NotPermitted, RuleViolation
from register.models import AttendanceInvitation, AttendanceRecord, AttendanceRequest, Notification
from register.services import attendance
from tests.factories import approved_request, meeting, row_counts, submit_request

MINUTES = datetime.timedelta(minutes=1)


def after_the_meeting(clock, request):
    clock.set(request.meeting.starts_at + 90 * MINUTES)


def record(request, officer, *, attested=True, **options):
    start = request.meeting.starts_at
    options.setdefault("arrived_at", start)
    options.setdefault("left_at", start + 45 * MINUTES)
    return attendance.attendance_record_attendance(request=request, actor=officer, attested=attested, **options)


# --- A4: attendance is voluntary ---------------------------------------------------------------------


def test_each_officer_accepts_or_declines_after_approval_A4(council, clock):
    place = council.directorates[0]
    request = approved_request(council, officers=[place.officers[0], place.officers[1]])
    attendance.attendance_invitation_respond(request=request, actor=place.officers[0], accept=True)
    attendance.attendance_invitation_respond(request=request, actor=place.officers[1], accept=False)
    states = dict(AttendanceInvitation.objects.filter(request=request).values_list("officer", "state"))
    assert states == {place.officers[0].pk: workflow.ACCEPTED, place.officers[1].pk: workflow.DECLINED}
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.APPROVED


def test_declining_needs_no_reason_and_the_group_is_told_A4(council, clock, officer):
    request = approved_request(council, officers=[officer])
    invitation = attendance.attendance_invitation_respond(request=request, actor=officer, accept=False)
    assert invitation.state == workflow.DECLINED
    assert invitation.response_note == ""
    assert invitation.history.first().history_change_reason == "Declined"
    told = Notification.objects.filter(kind="attendance-officer-declined", channel="email")
    assert {n.recipient for n in told} == {council.groups[0].leader, council.groups[0].deputy}


def test_an_officer_may_change_their_mind_A4(council, clock, officer):
    request = approved_request(council, officers=[officer])
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=False, reason="Clash with Cabinet")
    assert AttendanceInvitation.objects.get(request=request).state == workflow.DECLINED


def test_an_officer_may_answer_before_the_decision_A4(council, clock, officer):
    request = submit_request(council, officers=[officer])
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=False)
    attendance.attendance_request_approve(request=request, actor=council.chief_executive)
    assert not Notification.objects.filter(kind="attendance-invitation", recipient=officer).exists()


def test_accepting_twice_is_refused_A4(council, clock, officer):
    request = approved_request(council, officers=[officer])
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    with pytest.raises(InvalidTransition) as refused:
        attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    assert "already accepted" in refused.value.message


def test_only_a_named_officer_responds_A4(council, clock):
    request = approved_request(council)
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_invitation_respond(request=request, actor=council.monitoring_officer, accept=True)
    assert refused.value.rule == "A4"


def test_nobody_responds_to_a_refused_request_A4(council, clock, officer):
    request = submit_request(council, officers=[officer])
    attendance.attendance_request_refuse(request=request, actor=council.chief_executive, reason="No")
    with pytest.raises(InvalidTransition):
        attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)


# --- A5: the brief is agreed in advance and fixed once approved ---------------------------------------


def test_each_invitation_carries_the_reminder_to_leave_if_asked_beyond_the_brief_A5(council, clock, officer):
    approved_request(council, officers=[officer], scope="Options for the libraries budget")
    invitation = Notification.objects.get(kind="attendance-invitation", recipient=officer, channel="email")
    for text in (invitation.body_text, invitation.body_html):
        assert "beyond the brief agreed in advance" in text
        assert "integrity" in text
        assert "Options for the libraries budget" in text
    assert "accept or decline by Wednesday 4 March 2026" in invitation.body_text


def test_amending_an_approved_brief_sends_it_back_for_a_decision_A5(council, clock, officer):
    request = approved_request(council, officers=[officer])
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    amended = attendance.attendance_request_amend_brief(
        request=request, actor=council.groups[0].leader, reason="Add the mobile library", scope="Libraries, mobile too"
    )
    assert amended.state == workflow.SUBMITTED
    assert amended.decision == "" and amended.decided_by is None
    assert amended.round == 2
    assert amended.scope == "Libraries, mobile too"
    assert AttendanceInvitation.objects.get(request=request).state == workflow.INVITED
    assert Notification.objects.filter(kind="attendance-brief-amended", recipient=officer).exists()
    decision_needed = (
        Notification.objects.filter(
            kind="attendance-decision-needed", recipient=council.chief_executive, channel="email"
        )
        .order_by("-id")
        .first()
    )
    assert "needs your decision again" in decision_needed.body_text
    # The history keeps the brief that was approved.
    approved_then = amended.history.filter(state=workflow.APPROVED).first()
    assert approved_then.scope != "Libraries, mobile too"


def test_a_decision_on_the_old_brief_after_an_amendment_is_a_conflict_A5(council, clock):
    seen_by_the_chief_executive = submit_request(council)
    attendance.attendance_request_amend_brief(
        request=seen_by_the_chief_executive, actor=council.groups[0].leader, reason="Wider", scope="A wider scope"
    )
    with pytest.raises(Conflict) as conflict:
        attendance.attendance_request_approve(request=seen_by_the_chief_executive, actor=council.chief_executive)
    assert "amended the brief" in conflict.value.message
    assert AttendanceRequest.objects.get(pk=seen_by_the_chief_executive.pk).decision == ""


def test_an_amendment_that_changes_nothing_is_refused_A5(council, clock):
    request = submit_request(council)
    with pytest.raises(RuleViolation):
        attendance.attendance_request_amend_brief(
            request=request, actor=council.groups[0].leader, reason="Same", scope=request.scope
        )


def test_only_the_group_amends_its_brief_A5(council, clock, officer):
    request = approved_request(council, officers=[officer])
    with pytest.raises(NotPermitted):
        attendance.attendance_request_amend_brief(request=request, actor=officer, reason="Narrower", scope="Narrower")
    with pytest.raises(NotPermitted):
        attendance.attendance_request_amend_brief(
            request=request, actor=council.chief_executive, reason="Mine", scope="Mine"
        )


def test_an_amendment_that_brings_in_others_while_asking_for_confidential_information_is_refused_A7(council, clock):
    request = approved_request(council, needs_confidential_information=True)
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        attendance.attendance_request_amend_brief(
            request=request,
            actor=council.groups[0].leader,
            reason="Our agent will come",
            meeting=meeting(others_present=True),
        )
    assert refused.value.rule == "A7"
    assert row_counts() == before


def test_the_brief_cannot_be_amended_once_the_meeting_has_begun_A5(council, clock):
    request = approved_request(council)
    clock.set(request.meeting.starts_at + MINUTES)
    with pytest.raises(RuleViolation) as refused:
        attendance.attendance_request_amend_brief(
            request=request, actor=council.groups[0].leader, reason="Late", scope="Late"
        )
    assert refused.value.field == "meeting"


# --- A6 and A13: after the meeting -------------------------------------------------------------------


def test_an_officer_records_attendance_and_attests_the_briefing_is_held_and_no_report_is_sent_A6_A13(
    council, clock, officer
):
    request = approved_request(council, officers=[officer])
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    after_the_meeting(clock, request)
    attended = record(request, officer)

    assert attended.attested and not attended.is_report
    assert attended.arrived_at == request.meeting.starts_at
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.HELD
    assert not Notification.objects.filter(kind="attendance-report").exists()


def test_an_officer_who_cannot_attest_must_say_what_happened_A6_A13(council, clock, officer):
    request = approved_request(council, officers=[officer])
    after_the_meeting(clock, request)
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        record(request, officer, attested=False)
    assert refused.value.rule == "A6"
    assert refused.value.field == "report"
    assert row_counts() == before


def test_an_attestation_that_contradicts_its_own_report_is_refused_A6(council, clock, officer):
    request = approved_request(council, officers=[officer])
    after_the_meeting(clock, request)
    with pytest.raises(RuleViolation) as refused:
        record(request, officer, attested=True, concerns=["party-business"])
    assert refused.value.rule == "A6"


def test_a_report_reaches_the_chief_executive_and_the_monitoring_officer_A13(council, clock, officer):
    request = approved_request(council, officers=[officer])
    after_the_meeting(clock, request)
    attended = record(
        request,
        officer,
        attested=False,
        concerns=["beyond-brief", "party-business"],
        report="The group began discussing candidate selection while I was still in the room.",
    )
    assert attended.is_report
    reports = Notification.objects.filter(kind="attendance-report", channel="email")
    assert {n.recipient for n in reports} == {council.chief_executive, council.monitoring_officer}
    for notice in reports:
        assert "candidate selection" in notice.body_text
        assert "beyond the brief" in notice.body_text
        assert "could not attest" in notice.body_text
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.HELD


def test_an_officer_who_attests_but_left_early_still_reports_A13(council, clock, officer):
    request = approved_request(council, officers=[officer])
    after_the_meeting(clock, request)
    record(
        request,
        officer,
        attested=True,
        concerns=["left-early"],
        report="I was pressed on the Leader's remarks, so left.",
    )
    assert Notification.objects.filter(kind="attendance-report", recipient=council.monitoring_officer).exists()


def test_an_attestation_by_an_officer_who_was_not_invited_is_refused_A6(council, clock, officer):
    request = approved_request(council, officers=[officer])
    after_the_meeting(clock, request)
    before = row_counts()
    with pytest.raises(NotPermitted) as refused:
        record(request, council.chief_executive)
    assert refused.value.rule == "A6"
    assert "not invited" in refused.value.message
    assert row_counts() == before


def test_an_officer_who_declined_cannot_record_attendance_A4(council, clock, officer):
    request = approved_request(council, officers=[officer])
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=False)
    after_the_meeting(clock, request)
    with pytest.raises(NotPermitted) as refused:
        record(request, officer)
    assert refused.value.rule == "A4"


def test_attendance_cannot_be_recorded_before_the_meeting_A6(council, clock, officer):
    request = approved_request(council, officers=[officer])
    with pytest.raises(RuleViolation) as refused:
        record(request, officer)
    assert refused.value.field == "arrived_at"


def test_attendance_at_a_withdrawn_briefing_is_refused_A6(council, clock, officer):
    request = approved_request(council, officers=[officer])
    attendance.attendance_request_withdraw(request=request, actor=council.groups[0].leader, reason="Postponed")
    after_the_meeting(clock, request)
    with pytest.raises(InvalidTransition):
        record(request, officer)


def test_attendance_is_recorded_once_A6(council, clock, officer):
    request = approved_request(council, officers=[officer])
    after_the_meeting(clock, request)
    record(request, officer)
    with pytest.raises(InvalidTransition):
        record(request, officer)
    assert AttendanceRecord.objects.count() == 1


def test_leaving_before_arriving_is_refused_A6(council, clock, officer):
    request = approved_request(council, officers=[officer])
    after_the_meeting(clock, request)
    with pytest.raises(RuleViolation) as refused:
        record(request, officer, left_at=request.meeting.starts_at - MINUTES)
    assert refused.value.field == "left_at"


def test_a_second_officer_records_attendance_at_a_held_briefing_A6(council, clock):
    place = council.directorates[0]
    request = approved_request(council, officers=place.officers[:2])
    after_the_meeting(clock, request)
    record(request, place.officers[0])
    record(
        request,
        place.officers[1],
        arrived_at=request.meeting.starts_at + 30 * MINUTES,
        left_at=request.meeting.starts_at + 60 * MINUTES,
    )
    assert AttendanceRecord.objects.filter(invitation__request=request).count() == 2


def test_a_held_briefing_is_closed_by_the_group_or_the_chief_executive(council, clock, officer):
    request = approved_request(council, officers=[officer])
    after_the_meeting(clock, request)
    record(request, officer)
    with pytest.raises(NotPermitted):
        attendance.attendance_request_close(request=request, actor=officer, reason="Done")
    closed = attendance.attendance_request_close(request=request, actor=council.groups[0].leader, reason="Done")
    assert closed.state == workflow.CLOSED


def test_an_approved_briefing_is_not_closed_before_its_meeting(council, clock):
    request = approved_request(council)
    with pytest.raises(RuleViolation) as refused:
        attendance.attendance_request_close(request=request, actor=council.chief_executive, reason="Done")
    assert refused.value.field == "meeting"
