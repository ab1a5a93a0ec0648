"""Every page answers a refusal with the status of its kind, mapped in one place
(``register.views.domain_errors``): bad input re-renders the form with its errors and 400, whether
the form or the service found it; a record the person may not see is 404; a move they may not make
is 403 naming the rule; a move the record's state no longer allows, or that someone else's change
overtook, is 409. Nothing is saved by a refusal; a success redirects."""

import pytest

from register import workflow
from register.models import AttendanceRequest
from register.services import attendance
from tests.factories import approved_request, row_counts, submit_request
from tests.integration.declaration_helpers import declare, review
from tests.integration.test_attendance_change_pages import brief_form
from tests.integration.test_attendance_pages import error_summary, meeting_form, next_week, signed_in, text

pytestmark = pytest.mark.usefixtures("clock")


def test_a_form_with_its_own_errors_is_shown_again_with_400(council):
    response = signed_in(council.groups[0].leader).post("/attendance/new/", {})
    assert response.status_code == 400
    assert "Enter the subject of the briefing" in error_summary(response)
    assert not AttendanceRequest.objects.exists()


def test_bad_input_refused_by_the_service_is_shown_on_the_form_it_names_with_400_A7(council):
    response = signed_in(council.groups[0].leader).post(
        "/attendance/new/",
        meeting_form(
            next_week(),
            others_present="yes",
            others_present_description="A party researcher",
            officers=[council.directorates[0].officers[0].pk],
            subject="Budget",
            scope="Options",
            needs_confidential_information="yes",
        ),
    )
    assert response.status_code == 400 and "(protocol rule A7)" in error_summary(response)
    assert not AttendanceRequest.objects.exists()


def test_a_refusal_by_the_time_is_shown_on_the_form_with_400_A2(council, clock):
    request = approved_request(council)
    clock.advance(days=8)
    before = row_counts()
    response = signed_in(council.chief_executive).post(f"/attendance/{request.pk}/cancel/", {"reason": "Too late"})
    assert response.status_code == 400
    assert "The meeting has already begun; close it instead" in error_summary(response)
    assert row_counts() == before


def test_a_request_the_person_may_not_see_is_404_whatever_the_move_A9(council):
    request = submit_request(council)
    before = row_counts()
    response = signed_in(council.groups[1].leader).post(f"/attendance/{request.pk}/withdraw/", {"reason": "Mine now"})
    assert response.status_code == 404
    assert row_counts() == before


def test_a_move_the_person_may_not_make_is_403_naming_the_rule_A2(council):
    request = approved_request(council)
    before = row_counts()
    response = signed_in(council.groups[0].leader).post(f"/attendance/{request.pk}/cancel/", {"reason": "Ours"})
    assert response.status_code == 403 and "(protocol rule A2)" in text(response)
    assert row_counts() == before


def test_a_move_overtaken_by_someone_elses_change_is_409_A1_A2(council):
    """The Chief Executive opened the decision page; the group withdrew the request meanwhile."""
    request = submit_request(council)
    chief = signed_in(council.chief_executive)
    assert chief.get(f"/attendance/{request.pk}/decide/").status_code == 200
    attendance.attendance_request_withdraw(request=request, actor=council.groups[0].leader, reason="Not needed")
    before = row_counts()
    response = chief.post(f"/attendance/{request.pk}/decide/", {"decision": "approve", "reason": "", "round": 1})
    assert response.status_code == 409 and "it is withdrawn" in text(response)
    assert row_counts() == before


def test_a_decision_on_a_brief_amended_meanwhile_is_a_conflict_409_and_saves_nothing_A2_A5(council):
    """The service refuses a decision on a brief other than the one the decision-maker read."""
    request = submit_request(council)
    leader = signed_in(council.groups[0].leader)
    amended = leader.post(f"/attendance/{request.pk}/amend/", brief_form(request, scope="Wider", reason="More"))
    assert amended.status_code == 302
    before = row_counts()
    response = signed_in(council.chief_executive).post(
        f"/attendance/{request.pk}/decide/", {"decision": "approve", "reason": "", "round": 1}
    )
    assert response.status_code == 409 and "read the new brief before deciding" in text(response)
    assert row_counts() == before
    request.refresh_from_db()
    assert request.state == workflow.SUBMITTED and request.round == 2


def test_a_one_button_action_refused_by_the_state_is_409_and_its_success_redirects_B3(council):
    member = council.groups[0].members[0]
    declared = review(declare(member, council.directorates[0].officers[0]))
    client = signed_in(member)
    assert client.post(f"/declarations/{declared.pk}/acknowledge/").status_code == 302
    again = client.post(f"/declarations/{declared.pk}/acknowledge/")
    assert again.status_code == 409 and "it is advice acknowledged" in text(again)
