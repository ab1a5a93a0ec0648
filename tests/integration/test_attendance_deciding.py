"""Deciding (A2), equal arrangements for every group (A3), and what the other groups learn (A8, A9)."""

import dataclasses
import datetime

import pytest

from register import selectors, workflow
from register.errors import Conflict, InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import AttendanceRequest, Notification
from register.services import attendance, people
from tests.factories import approved_request, meeting, row_counts, submit_request

# --- A2: only the acting Chief Executive decides --------------------------------------------------


def test_the_chief_executive_approves_and_the_decision_records_who_capacity_when_and_why_A2(council, clock):
    request = submit_request(council)
    approved = attendance.attendance_request_approve(request=request, actor=council.chief_executive, reason="Useful")

    stored = AttendanceRequest.objects.get(pk=request.pk)
    assert stored.state == workflow.APPROVED
    assert stored.decision == "approved"
    assert stored.decided_by == council.chief_executive
    assert stored.decided_capacity == "Chief Executive"
    assert stored.decided_at == clock.now()
    assert stored.decision_reason == "Useful"
    assert approved.responses_due_on == datetime.date(2026, 3, 4)
    assert stored.history.first().history_user == council.chief_executive


def test_the_deputy_decides_during_a_recorded_absence_and_the_capacity_says_so_A2(council, clock):
    people.absence_record(actor=council.chief_executive, reason="Leave", start_date=clock.today, end_date=clock.today)
    request = submit_request(council)
    refused = attendance.attendance_request_refuse(
        request=request, actor=council.deputy_chief_executive, reason="The subject is for the Cabinet briefing"
    )
    assert refused.decided_by == council.deputy_chief_executive
    assert refused.decided_capacity == "Deputy Chief Executive, acting in the Chief Executive's absence"


def test_the_deputy_cannot_decide_without_a_recorded_absence_A2(council, clock):
    request = submit_request(council)
    before = row_counts()
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_approve(request=request, actor=council.deputy_chief_executive, reason="Yes")
    assert refused.value.rule == "A2"
    assert row_counts() == before


def test_the_chief_executive_cannot_decide_while_recorded_as_absent_A2(council, clock):
    request = submit_request(council)
    people.absence_record(actor=council.chief_executive, reason="Leave", start_date=clock.today, end_date=clock.today)
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_approve(request=request, actor=council.chief_executive)
    assert refused.value.rule == "A2"


@pytest.mark.parametrize("who", ["leader", "deputy_leader", "monitoring_officer", "auditor"])
def test_nobody_else_approves_or_refuses_A2(council, clock, who):
    actor = {
        "leader": council.groups[0].leader,
        "deputy_leader": council.groups[0].deputy,
        "monitoring_officer": council.monitoring_officer,
        "auditor": council.auditor,
    }[who]
    request = submit_request(council)
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_approve(request=request, actor=actor, reason="Yes")
    assert refused.value.rule == "A2"
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_refuse(request=request, actor=actor, reason="No")
    assert refused.value.rule == "A2"
    assert AttendanceRequest.objects.get(pk=request.pk).decision == ""


def test_someone_who_may_not_see_a_request_finds_nothing_to_decide_A2(council, clock):
    request = submit_request(council)
    with pytest.raises(NotFound):
        attendance.attendance_request_approve(request=request, actor=council.directorates[0].director, reason="Yes")


def test_a_refusal_without_a_reason_is_refused_A2(council, clock):
    request = submit_request(council)
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        attendance.attendance_request_refuse(request=request, actor=council.chief_executive, reason="  ")
    assert refused.value.rule == "A2"
    assert refused.value.field == "reason"
    assert row_counts() == before


def test_a_refusal_tells_the_group_why_A2(council, clock):
    request = submit_request(council)
    attendance.attendance_request_refuse(request=request, actor=council.chief_executive, reason="Purdah period")
    notices = Notification.objects.filter(kind="attendance-request-decided", channel="email")
    assert {n.recipient for n in notices} == {council.groups[0].leader, council.groups[0].deputy}
    assert all("Purdah period" in n.body_text for n in notices)


def test_a_decision_on_a_withdrawn_request_is_refused(council, clock):
    request = submit_request(council)
    withdrawn = attendance.attendance_request_withdraw(
        request=request, actor=council.groups[0].leader, reason="No longer needed"
    )
    before = row_counts()
    with pytest.raises(InvalidTransition) as refused:
        attendance.attendance_request_approve(request=withdrawn, actor=council.chief_executive, reason="Yes")
    assert "withdrawn" in refused.value.message
    assert refused.value.field == "state"
    assert row_counts() == before


def test_a_decision_on_a_request_withdrawn_meanwhile_is_a_conflict(council, clock):
    seen_by_the_chief_executive = submit_request(council)
    attendance.attendance_request_withdraw(
        request=seen_by_the_chief_executive, actor=council.groups[0].leader, reason="No longer needed"
    )
    with pytest.raises(Conflict) as conflict:
        attendance.attendance_request_approve(request=seen_by_the_chief_executive, actor=council.chief_executive)
    assert str(council.groups[0].leader) in conflict.value.message
    assert "withdrawn" in conflict.value.message


def test_an_approval_after_the_meeting_has_begun_is_refused(council, clock):
    request = submit_request(council)
    clock.set(request.meeting.starts_at + datetime.timedelta(minutes=5))
    with pytest.raises(RuleViolation) as refused:
        attendance.attendance_request_approve(request=request, actor=council.chief_executive)
    assert refused.value.field == "meeting"


def test_only_the_acting_chief_executive_cancels_an_agreed_briefing_A2(council, clock):
    request = approved_request(council)
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_cancel(request=request, actor=council.groups[0].leader, reason="Changed my mind")
    assert refused.value.rule == "A2"
    cancelled = attendance.attendance_request_cancel(
        request=request, actor=council.chief_executive, reason="Election called"
    )
    assert cancelled.state == workflow.CANCELLED
    assert cancelled.decision == "approved"


# --- A3: equal arrangements for every group -------------------------------------------------------


def test_on_approval_every_other_group_leader_is_offered_an_equivalent_A3(three_groups, clock):
    council = three_groups
    approved_request(council)
    offered = Notification.objects.filter(kind="attendance-briefing-notice", channel="email")
    assert {n.recipient for n in offered} == {council.groups[1].leader, council.groups[2].leader}
    assert all("take up an equivalent" in n.body_text for n in offered)
    for leader in (council.groups[1].leader, council.groups[2].leader):
        assert len(selectors.equivalent_offers_for(viewer=leader)) == 1
    with pytest.raises(NotFound):
        selectors.equivalent_offers_for(viewer=council.groups[1].members[0])


def test_taking_up_an_equivalent_is_one_step_with_the_same_subject_and_officers_linked_to_the_original_A3(
    council, clock
):
    place = council.directorates[0]
    original = approved_request(
        council,
        officers=[place.officers[0], place.director],
        subject="Waste strategy",
        scope="Red group's own questions about the incinerator",
    )
    offer = selectors.equivalent_offers_for(viewer=council.groups[1].leader)[0]
    assert offer.original_id == original.pk

    equivalent = attendance.attendance_request_take_up_equivalent(
        actor=council.groups[1].leader,
        original=AttendanceRequest(pk=offer.original_id),
        meeting=meeting(),
    )
    assert equivalent.state == workflow.SUBMITTED
    assert equivalent.equivalent_of == original
    assert equivalent.group == council.groups[1].organization
    assert equivalent.subject == "Waste strategy"
    assert set(equivalent.invitations.values_list("officer", flat=True)) == {place.officers[0].pk, place.director.pk}
    assert "incinerator" not in equivalent.scope, "the original group's scope is its own (A9)"
    assert selectors.equivalent_offers_for(viewer=council.groups[1].leader) == []


def test_the_decision_maker_sees_the_precedent_A3(council, clock):
    original = approved_request(council)
    equivalent = attendance.attendance_request_take_up_equivalent(
        actor=council.groups[1].leader,
        original=original,
        meeting=meeting(),
    )
    queued = list(selectors.attendance_decision_queue(viewer=council.chief_executive))
    assert queued == [equivalent]
    assert queued[0].equivalent_of.decided_by == council.chief_executive
    notice = Notification.objects.get(
        kind="attendance-decision-needed", channel="email", cause__startswith=f"attendance-request:{equivalent.pk}:"
    )
    assert "Precedent (A3)" in notice.body_text
    assert council.groups[0].organization.name in notice.body_text


def test_refusing_an_equivalent_of_an_approved_briefing_needs_a_reason_A3(council, clock):
    original = approved_request(council)
    equivalent = attendance.attendance_request_take_up_equivalent(
        actor=council.groups[1].leader, original=original, meeting=meeting()
    )
    with pytest.raises(RuleViolation) as refused:
        attendance.attendance_request_refuse(request=equivalent, actor=council.chief_executive, reason="")
    assert refused.value.rule == "A3"
    assert refused.value.field == "reason"


def test_refusing_an_equivalent_of_an_approved_briefing_is_flagged_for_the_parity_report_A3(council, clock):
    original = approved_request(council)
    equivalent = attendance.attendance_request_take_up_equivalent(
        actor=council.groups[1].leader, original=original, meeting=meeting()
    )
    refused = attendance.attendance_request_refuse(
        request=equivalent, actor=council.chief_executive, reason="Officer unavailable"
    )
    assert refused.departs_from_precedent
    report = {
        row.group: row
        for row in selectors.attendance_parity_report(viewer=council.auditor, start=clock.today, end=clock.today)
    }
    assert report[council.groups[1].organization].refused_despite_precedent == 1
    assert report[council.groups[0].organization].refused_despite_precedent == 0


def test_an_ordinary_refusal_is_not_flagged_as_against_precedent_A3(council, clock):
    refused = attendance.attendance_request_refuse(
        request=submit_request(council), actor=council.chief_executive, reason="No"
    )
    assert not refused.departs_from_precedent


def test_a_group_cannot_take_up_its_own_briefing_A3(council, clock):
    original = approved_request(council)
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_take_up_equivalent(
            actor=council.groups[0].deputy, original=original, meeting=meeting()
        )
    assert refused.value.rule == "A3" and "your own group's briefing" in refused.value.message


def test_a_group_takes_up_an_equivalent_once_A3(council, clock):
    original = approved_request(council)
    attendance.attendance_request_take_up_equivalent(
        actor=council.groups[1].leader, original=original, meeting=meeting()
    )
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        attendance.attendance_request_take_up_equivalent(
            actor=council.groups[1].deputy, original=original, meeting=meeting()
        )
    assert refused.value.rule == "A3"
    assert row_counts() == before


def test_a_briefing_not_yet_approved_cannot_be_taken_up_A3(council, clock):
    pending = submit_request(council)
    with pytest.raises(NotFound):
        attendance.attendance_request_take_up_equivalent(
            actor=council.groups[1].leader, original=pending, meeting=meeting()
        )


def test_only_a_group_leader_takes_up_an_equivalent_A1_A3(council, clock):
    original = approved_request(council)
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_take_up_equivalent(
            actor=council.groups[1].members[0], original=original, meeting=meeting()
        )
    assert refused.value.rule == "A1"


# --- A8 and A9: the other groups learn the officer, the date and the subject, and nothing else ----


def test_on_approval_the_other_leaders_are_told_only_the_officer_date_and_subject_A8_A9(three_groups, clock, officer):
    council = three_groups
    request = approved_request(
        council,
        officers=[officer],
        subject="Care home fees",
        scope="SECRET-SCOPE: our group's line on the fee increase",
        meeting_options={"place": "The Red Lion back room"},
    )
    notices = Notification.objects.filter(kind="attendance-briefing-notice")
    assert {n.recipient for n in notices} == {council.groups[1].leader, council.groups[2].leader}
    for notice in notices:
        text = " ".join([notice.subject, notice.body_text, notice.body_html])
        assert "Care home fees" in text and str(officer) in text and "9 March 2026" in text
        for private in ["SECRET-SCOPE", "Red Lion", str(council.groups[0].leader), "18:00"]:
            assert private not in text
        assert notice.about_id is None, "the notice is not a way into the request"
    assert not Notification.objects.filter(
        kind="attendance-briefing-notice", recipient=council.groups[0].leader
    ).exists()
    assert request.state == workflow.APPROVED


def test_what_another_group_sees_of_a_briefing_is_exactly_group_officer_date_and_subject_A9(council, clock, officer):
    request = approved_request(council, officers=[officer], subject="Care home fees", scope="SECRET-SCOPE")
    facts = selectors.briefing_facts_for_other_groups(viewer=council.groups[1].leader)

    assert [dataclasses.asdict(fact) for fact in facts] == [
        {
            "group": council.groups[0].organization.name,
            "officers": ({"name": str(officer), "post": "Officer, Place"},),
            "date": datetime.date(2026, 3, 9),
            "subject": "Care home fees",
        }
    ]
    with pytest.raises(NotFound):
        selectors.attendance_request_for(viewer=council.groups[1].leader, pk=request.pk)
    assert selectors.briefing_facts_for_other_groups(viewer=council.groups[0].leader) == []


def test_requests_not_agreed_are_not_shown_to_other_groups_A9(council, clock):
    submit_request(council)
    refused = submit_request(council)
    attendance.attendance_request_refuse(request=refused, actor=council.chief_executive, reason="No")
    assert selectors.briefing_facts_for_other_groups(viewer=council.groups[1].leader) == []


def test_a_member_who_leads_no_group_is_not_told_of_other_groups_briefings_A8(council, clock):
    approved_request(council)
    with pytest.raises(NotFound):
        selectors.briefing_facts_for_other_groups(viewer=council.groups[1].members[0])


def test_when_an_agreed_briefing_is_called_off_the_other_leaders_learn_only_that_A8_A9(council, clock):
    request = approved_request(council, scope="SECRET-SCOPE")
    attendance.attendance_request_withdraw(request=request, actor=council.groups[0].leader, reason="SECRET-REASON")
    called_off = Notification.objects.get(
        kind="attendance-briefing-notice", channel="email", cause__endswith="briefing-called-off"
    )
    assert called_off.recipient == council.groups[1].leader
    assert "will not take place" in called_off.body_text
    assert "SECRET" not in called_off.body_text
    insiders = Notification.objects.filter(kind="attendance-request-called-off", channel="email")
    assert council.chief_executive in {n.recipient for n in insiders}
    assert all("SECRET-REASON" in n.body_text for n in insiders)


def test_the_public_register_lists_briefings_that_took_place_with_the_officers_who_attended(council, clock):
    place = council.directorates[0]
    request = approved_request(council, officers=[place.officers[0], place.officers[1]], subject="Flood defences")
    approved_request(council, subject="Not yet held")
    for officer in place.officers[:2]:
        attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    clock.set(request.meeting.starts_at + datetime.timedelta(hours=2))
    attendance.attendance_record_attendance(
        request=request,
        actor=place.officers[0],
        arrived_at=request.meeting.starts_at,
        left_at=request.meeting.starts_at + datetime.timedelta(minutes=40),
        attested=True,
    )
    [entry] = selectors.published_register()
    assert (entry.group, entry.officers, entry.date, entry.subject, entry.corrected) == (
        council.groups[0].organization.name,
        (selectors.OfficerInPost(name=str(place.officers[0]), post="Officer, Place"),),
        datetime.date(2026, 3, 9),
        "Flood defences",
        False,
    )
    assert selectors.published_register(start=datetime.date(2026, 3, 10)) == []
