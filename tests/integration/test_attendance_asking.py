"""Asking for officers to attend a group meeting: who asks (A1), what is refused, and the brief (A5, A7)."""

import datetime

import pytest

from register import workflow
from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import AttendanceInvitation, AttendanceRequest, Notification, Person
from register.services import attendance
from register.services.history import save_with_history
from tests.factories import LONDON, meeting, row_counts, submit_request


def test_a_group_leader_submits_a_request_to_the_chief_executive_A1(council, clock):
    place = council.directorates[0]
    request = submit_request(council, officers=[place.officers[0], place.officers[1]], subject="Library closures")

    assert request.state == workflow.SUBMITTED
    assert request.group == council.groups[0].organization
    assert request.requested_by == council.groups[0].leader
    assert request.requested_capacity == "Group leader"
    assert request.meeting.group == council.groups[0].organization
    assert set(request.invitations.values_list("officer", "state")) == {
        (place.officers[0].pk, workflow.INVITED),
        (place.officers[1].pk, workflow.INVITED),
    }
    notice = Notification.objects.get(kind="attendance-decision-needed", channel="email")
    assert notice.recipient == council.chief_executive
    assert "Library closures" in notice.body_text


def test_the_deputy_leader_submits_on_the_leaders_behalf_and_the_capacity_says_so_A1(
    council, clock, deputy_group_leader
):
    request = submit_request(council, actor=deputy_group_leader)
    assert request.requested_by == deputy_group_leader
    assert request.requested_capacity == "Deputy group leader, on the leader's behalf"


def test_a_member_who_leads_no_group_cannot_submit_and_nothing_is_saved_A1(council, clock):
    before = row_counts()
    with pytest.raises(NotPermitted) as refused:
        submit_request(council, actor=council.groups[0].members[0])
    assert refused.value.rule == "A1"
    assert "lead no political group" in refused.value.message
    assert row_counts() == before


def test_an_officer_cannot_submit_a_request_A1(council, clock, officer):
    with pytest.raises(NotPermitted) as refused:
        submit_request(council, actor=officer)
    assert refused.value.rule == "A1"


def test_an_officer_asked_directly_refers_the_request_to_the_chief_executive_A1(council, clock, officer):
    member = council.groups[1].members[0]
    request = attendance.attendance_request_refer(
        actor=officer,
        reason="Asked in the corridor",
        asked_by=member,
        meeting=meeting(),
        officers=[officer],
        subject="Bus routes",
        scope="The consultation on rural bus routes",
    )
    assert request.state == workflow.SUBMITTED
    assert request.referred_by == officer
    assert request.requested_by == member
    assert request.group == council.groups[1].organization
    assert "who asked" in request.requested_capacity
    notice = Notification.objects.get(kind="attendance-decision-needed", channel="email")
    assert notice.recipient == council.chief_executive
    assert "referred the request to you" in notice.body_text


def test_an_officer_who_referred_a_request_cannot_decide_it_A1(council, clock, officer):
    request = attendance.attendance_request_refer(
        actor=officer,
        reason="Asked directly",
        asked_by=council.groups[0].leader,
        meeting=meeting(),
        officers=[officer],
        subject="Bus routes",
        scope="Rural bus routes",
    )
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_approve(request=request, actor=officer, reason="Happy to")
    assert refused.value.rule == "A1"
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.SUBMITTED


def test_an_officer_named_in_a_request_cannot_decide_it_A1(council, clock, officer):
    request = submit_request(council, officers=[officer])
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_refuse(request=request, actor=officer, reason="I would rather not")
    assert refused.value.rule == "A1"


def test_only_an_officer_who_was_asked_refers_a_request_A1(council, clock, officer):
    colleague = council.directorates[0].officers[1]
    with pytest.raises(RuleViolation) as refused:
        attendance.attendance_request_refer(
            actor=officer,
            reason="Passing it on",
            asked_by=council.groups[0].leader,
            meeting=meeting(),
            officers=[colleague],
            subject="Bus routes",
            scope="Rural bus routes",
        )
    assert refused.value.rule == "A1"
    assert refused.value.field == "officers"


def test_a_member_cannot_refer_a_request_A1(council, clock):
    member = council.groups[0].members[0]
    with pytest.raises(NotPermitted) as refused:
        attendance.attendance_request_refer(
            actor=member,
            reason="Asking",
            asked_by=member,
            meeting=meeting(),
            officers=[council.directorates[0].officers[0]],
            subject="Bus routes",
            scope="Rural bus routes",
        )
    assert refused.value.rule == "A1"


# --- Bad input: refused with the field or rule named, nothing half saved ------------------------


def test_a_request_for_a_meeting_in_the_past_is_refused(council, clock):
    before = row_counts()
    yesterday = datetime.datetime(2026, 3, 1, 18, 0, tzinfo=LONDON)
    with pytest.raises(RuleViolation) as refused:
        submit_request(council, starts_at=yesterday)
    assert refused.value.field == "starts_at"
    assert "in the past" in refused.value.message
    assert row_counts() == before


def test_a_request_for_an_officer_who_does_not_exist_is_refused(council, clock):
    before = row_counts()
    missing = Person.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(RuleViolation) as refused:
        submit_request(council, officers=[council.directorates[0].officers[0].pk, missing])
    assert refused.value.field == "officers"
    assert str(missing) in refused.value.message
    assert row_counts() == before


def test_a_request_for_an_officer_who_has_left_is_refused(council, clock):
    leaver = council.directorates[1].officers[0]
    leaver.left_on = datetime.date(2026, 3, 6)  # before the meeting on 9 March
    save_with_history(leaver, actor=council.system, reason="Left the council", update_fields=["left_on"])
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        submit_request(council, officers=[leaver])
    assert refused.value.field == "officers"
    assert "no longer works for the council" in refused.value.message
    assert row_counts() == before


def test_a_request_naming_a_councillor_as_the_officer_is_refused(council, clock):
    with pytest.raises(RuleViolation) as refused:
        submit_request(council, officers=[council.groups[1].members[0]])
    assert refused.value.field == "officers"
    assert "not an officer" in refused.value.message


def test_a_request_naming_no_officer_is_refused(council, clock):
    with pytest.raises(RuleViolation) as refused:
        submit_request(council, officers=[])
    assert refused.value.field == "officers"


def test_a_request_without_a_place_or_online_is_refused(council, clock):
    with pytest.raises(RuleViolation) as refused:
        submit_request(council, meeting_options={"place": ""})
    assert refused.value.field == "place"


def test_a_request_without_a_scope_is_refused_A5(council, clock):
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        submit_request(council, scope="   ")
    assert refused.value.rule == "A5"
    assert refused.value.field == "scope"
    assert row_counts() == before


def test_an_online_meeting_needs_no_place(council, clock):
    request = submit_request(council, meeting_options={"place": "", "online": True})
    assert request.meeting.where == "Online"


# --- A7 at the time of asking -------------------------------------------------------------------


def test_asking_for_confidential_information_with_others_present_is_refused_A7(council, clock):
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        submit_request(
            council,
            needs_confidential_information=True,
            meeting_options={"others_present": True, "others_present_description": "the party's regional organiser"},
        )
    assert refused.value.rule == "A7"
    assert refused.value.field == "needs_confidential_information"
    assert row_counts() == before


def test_confidential_information_may_be_asked_for_at_a_members_only_meeting_A7(council, clock):
    request = submit_request(council, needs_confidential_information=True)
    assert request.needs_confidential_information


def test_others_present_without_confidential_information_is_allowed_and_the_officer_is_told_A7(council, clock, officer):
    request = submit_request(council, officers=[officer], meeting_options={"others_present": True})
    attendance.attendance_request_approve(request=request, actor=council.chief_executive)
    invitation = Notification.objects.get(kind="attendance-invitation", recipient=officer, channel="email")
    assert "neither a councillor nor an officer" in invitation.body_text


# --- Who sees a request --------------------------------------------------------------------------


def test_a_request_is_not_found_by_another_groups_members(council, clock):
    from register import selectors

    request = submit_request(council)
    for outsider in [council.groups[1].leader, council.groups[0].members[0], council.directorates[1].officers[0]]:
        with pytest.raises(NotFound):
            selectors.attendance_request_for(viewer=outsider, pk=request.pk)
    for insider in [
        council.groups[0].leader,
        council.groups[0].deputy,
        council.chief_executive,
        council.deputy_chief_executive,
        council.monitoring_officer,
        council.auditor,
        council.directorates[0].officers[0],
    ]:
        assert selectors.attendance_request_for(viewer=insider, pk=request.pk) == request


def test_moves_by_someone_who_cannot_see_the_request_find_nothing(council, clock):
    request = submit_request(council)
    outsider = council.groups[1].leader
    with pytest.raises(NotFound):
        attendance.attendance_request_withdraw(request=request, actor=outsider, reason="Mischief")
    with pytest.raises(NotFound):
        attendance.attendance_invitation_respond(
            request=request, actor=council.directorates[1].officers[0], accept=True
        )
    assert AttendanceInvitation.objects.filter(request=request, state=workflow.INVITED).count() == 1


def test_others_present_without_saying_who_is_refused_by_the_service_and_nothing_is_saved_A7(council, clock):
    """What the page's form requires the service requires, so the API and commands cannot skip it."""
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        submit_request(council, meeting_options={"others_present": True, "others_present_description": "  "})
    assert (refused.value.rule, refused.value.field) == ("A7", "others_present_description")
    assert row_counts() == before


def test_the_api_refuses_others_present_without_saying_who_naming_the_field_A7(council, clock, officer):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(council.groups[0].leader)
    starts_at = datetime.datetime.combine(
        clock.today + datetime.timedelta(days=7), datetime.time(18, 0), tzinfo=clock.at.tzinfo
    )
    body = {
        "meeting": {"starts_at": starts_at.isoformat(), "place": "Committee Room 1", "others_present": True},
        "officers": [officer.pk],
        "subject": "Bus routes",
        "scope": "Rural bus routes",
    }
    refused = client.post("/api/attendance-requests/", body, format="json")
    assert refused.status_code == 400, refused.json()
    assert refused.json()["rule"] == "A7" and "others_present_description" in refused.json()["errors"]
    assert not AttendanceRequest.objects.exists()
