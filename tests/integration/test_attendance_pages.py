"""The attendance pages (A1-A13): who gets each page, who gets "page not found", and that each form
shows its errors naming the field or the rule, and changes things only through the services."""

import datetime
import re

import pytest
from django.test import Client

from register import selectors, workflow
from register.models import Absence, AttendanceRecord, AttendanceRequest, InformationProvided
from register.services import attendance
from tests.factories import LONDON, approved_request, submit_request
from tests.integration.declaration_helpers import declare, review

pytestmark = pytest.mark.usefixtures("clock")


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def error_summary(response) -> str:
    html = response.content.decode()
    start = html.index("govuk-error-summary")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : html.index("</ul>", start)]))


def meeting_form(day: datetime.date, **extra) -> dict:
    return {
        "meeting_date_0": str(day.day),
        "meeting_date_1": str(day.month),
        "meeting_date_2": str(day.year),
        "starts_at": "18:00",
        "ends_at": "20:00",
        "place": "Committee Room 1",
        "others_present": "no",
        **extra,
    }


def next_week():
    return selectors.today() + datetime.timedelta(days=7)


# --- Who gets which page --------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["/attendance/", "/attendance/other-groups/", "/attendance/shared/"])
def test_group_pages_are_for_leaders_and_deputies_and_not_found_for_a_member_A1(council, address):
    assert signed_in(council.groups[0].leader).get(address).status_code == 200
    assert signed_in(council.groups[0].deputy).get(address).status_code == 200
    assert signed_in(council.groups[0].members[0]).get(address).status_code == 404
    assert signed_in(council.directorates[0].officers[0]).get(address).status_code == 404


def test_asking_for_a_briefing_is_refused_to_anyone_but_a_leader_naming_A1_as_the_api_does(council):
    """The request form is the leader's and deputy's; anyone else is told why (A1), as the API tells them."""
    assert signed_in(council.groups[0].leader).get("/attendance/new/").status_code == 200
    assert signed_in(council.groups[0].deputy).get("/attendance/new/").status_code == 200
    for person in (council.groups[0].members[0], council.directorates[0].officers[0]):
        refused = signed_in(person).get("/attendance/new/")
        assert refused.status_code == 403 and "(protocol rule A1)" in text(refused)


@pytest.mark.parametrize("address", ["/attendance/queue/", "/attendance/parity/", "/attendance/absence/"])
def test_the_chief_executives_pages_are_not_found_for_leaders_and_officers_A2(council, address):
    assert signed_in(council.chief_executive).get(address).status_code == 200
    assert signed_in(council.deputy_chief_executive).get(address).status_code == 200
    assert signed_in(council.groups[0].leader).get(address).status_code == 404
    assert signed_in(council.directorates[0].officers[0]).get(address).status_code == 404


def test_the_invitations_page_is_for_officers_only_A4(council):
    assert signed_in(council.directorates[0].officers[0]).get("/attendance/invitations/").status_code == 200
    assert signed_in(council.groups[0].leader).get("/attendance/invitations/").status_code == 404


def test_pages_need_a_sign_in_but_the_published_register_does_not_A8(council):
    assert Client().get("/attendance/").status_code == 302
    assert Client().get("/register-of-attendance/").status_code == 200
    assert 'href="/register-of-attendance/"' in Client().get("/sign-in/").content.decode()


def test_a_request_is_not_found_for_another_group_and_officers_not_named_A9(council):
    request = submit_request(council)
    address = f"/attendance/{request.pk}/"
    for person in (
        council.groups[0].leader,
        council.groups[0].deputy,
        council.directorates[0].officers[0],
        council.chief_executive,
        council.monitoring_officer,
        council.auditor,
    ):
        assert signed_in(person).get(address).status_code == 200, person
    for person in (council.groups[1].leader, council.groups[0].members[0], council.directorates[0].officers[1]):
        assert signed_in(person).get(address).status_code == 404, person
    assert signed_in(council.chief_executive).get("/attendance/999999/").status_code == 404


@pytest.mark.parametrize("action", ["withdraw", "decide", "respond", "attendance", "information"])
def test_every_action_on_a_request_is_not_found_for_whoever_may_not_see_it_A9(council, action):
    request = submit_request(council)
    address = f"/attendance/{request.pk}/{action}/"
    assert signed_in(council.groups[1].leader).get(address).status_code == 404
    assert signed_in(council.directorates[0].officers[1]).get(address).status_code == 404


# --- Asking (A1, A5, A7) --------------------------------------------------------------------------


def test_a_leader_requests_a_briefing_with_the_guidance_on_the_form_A1_A5(council):
    leader, officer = council.groups[0].leader, council.directorates[0].officers[0]
    client = signed_in(leader)
    page = text(client.get("/attendance/new/"))
    assert "agreed in advance" in page and "neither a councillor nor an officer" in page
    response = client.post(
        "/attendance/new/",
        meeting_form(
            next_week(),
            officers=[officer.pk],
            subject="Libraries budget",
            scope="The options for branch libraries",
            needs_confidential_information="no",
        ),
    )
    created = AttendanceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/attendance/{created.pk}/sent/"
    assert created.requested_by == leader and created.state == workflow.SUBMITTED
    confirmation = text(client.get(response["Location"]))
    assert (
        "govuk-panel--confirmation" in confirmation
        and f"The decision is due by <strong>{created.due_on:%-d %B %Y}" in confirmation
    )
    assert "Libraries budget" in text(client.get("/attendance/"))


def test_an_empty_request_names_each_missing_field_in_the_error_summary(council):
    response = signed_in(council.groups[0].leader).post("/attendance/new/", {})
    summary = error_summary(response)
    for message in (
        "Enter the date of the meeting",
        "Enter the time the meeting starts",
        "Choose at least one officer",
        "Enter the subject of the briefing",
        "Set out the scope of the brief (protocol rule A5)",
    ):
        assert message in summary
    assert response.content.decode().count("<title>Error:") == 1
    assert not AttendanceRequest.objects.exists()


def test_asking_for_confidential_information_with_others_present_is_refused_naming_the_rule_A7(council):
    response = signed_in(council.groups[0].leader).post(
        "/attendance/new/",
        meeting_form(
            next_week(),
            others_present="yes",
            others_present_description="The party's regional organiser",
            officers=[council.directorates[0].officers[0].pk],
            subject="Budget",
            scope="Options",
            needs_confidential_information="yes",
        ),
    )
    assert "(protocol rule A7)" in error_summary(response)
    assert not AttendanceRequest.objects.exists()


def test_the_group_withdraws_its_request_with_a_reason_and_others_cannot(council):
    request = submit_request(council)
    assert signed_in(council.directorates[0].officers[0]).get(f"/attendance/{request.pk}/withdraw/").status_code == 403
    client = signed_in(council.groups[0].deputy)
    assert "Give a reason for withdrawing" in error_summary(client.post(f"/attendance/{request.pk}/withdraw/", {}))
    client.post(f"/attendance/{request.pk}/withdraw/", {"reason": "The meeting moved"})
    request.refresh_from_db()
    assert request.state == workflow.WITHDRAWN


# --- Deciding (A2, A3, A12, B7) -------------------------------------------------------------------


def test_the_queue_shows_deadlines_working_days_left_and_the_precedent_A3_A12(council):
    original = approved_request(council, group=1)
    attendance.attendance_request_take_up_equivalent(
        actor=council.groups[0].leader,
        original=original,
        meeting=attendance.MeetingDetails(
            starts_at=datetime.datetime.combine(next_week(), datetime.time(18), tzinfo=LONDON), place="Room 2"
        ),
    )
    page = text(signed_in(council.chief_executive).get("/attendance/queue/"))
    assert "working days left" in page
    assert "Equivalent of the Blue Group's briefing, approved" in page


def test_the_queue_and_the_decision_page_warn_of_a_declared_relationship_B7(council):
    officer, member = council.directorates[0].officers[0], council.groups[0].members[0]
    review(declare(member, officer))
    request = submit_request(council, officers=[officer])
    submit_request(council, group=1, officers=[officer])
    client = signed_in(council.chief_executive)
    queue = text(client.get("/attendance/queue/"))
    assert queue.count("Conflict</strong>") == 1 and f"Councillor {member}" in queue
    assert "(protocol rule B7)" in text(client.get(f"/attendance/{request.pk}/decide/"))
    assert "(protocol rule B7)" in text(signed_in(officer).get(f"/attendance/{request.pk}/"))
    assert "(protocol rule B7)" not in text(signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/"))


def test_the_chief_executive_approves_and_a_refusal_needs_a_reason_A2(council):
    first, second = submit_request(council), submit_request(council)
    client = signed_in(council.chief_executive)
    response = client.post(f"/attendance/{second.pk}/decide/", {"decision": "refuse", "reason": "", "round": 1})
    assert "A refusal needs a reason" in error_summary(response)
    client.post(f"/attendance/{first.pk}/decide/", {"decision": "approve", "reason": "", "round": 1})
    first.refresh_from_db()
    assert first.decision == "approved" and first.decided_by == council.chief_executive


def test_the_deputy_is_told_why_they_cannot_decide_without_a_recorded_absence_A2(council):
    request = submit_request(council)
    response = signed_in(council.deputy_chief_executive).get(f"/attendance/{request.pk}/decide/")
    assert response.status_code == 403
    assert "absence is recorded" in text(response) and "(protocol rule A2)" in text(response)


def test_recording_an_absence_shows_the_deputy_acting_A2(council):
    client = signed_in(council.chief_executive)
    today = selectors.today()
    response = client.post(
        "/attendance/absence/",
        {
            "start_date_0": today.day,
            "start_date_1": today.month,
            "start_date_2": today.year,
            "end_date_0": today.day,
            "end_date_1": today.month,
            "end_date_2": today.year,
            "reason": "Annual leave",
        },
    )
    assert response.status_code == 302
    assert Absence.objects.get().person == council.chief_executive
    page = text(client.get("/attendance/absence/"))
    assert f"<strong>{council.deputy_chief_executive}</strong>" in page


def test_the_parity_report_is_a_table_and_bars_without_inline_styles_A11(council):
    approved_request(council)
    response = signed_in(council.chief_executive).get("/attendance/parity/")
    page = response.content.decode()
    assert 'id="parity-table"' in page and "register-bar-chart__bar--100" in page
    assert "style=" not in page


# --- Officers (A4, A6, A10, A13) ------------------------------------------------------------------


def test_an_officer_accepts_with_the_A5_reminder_and_one_not_named_is_refused_A4(council):
    request = approved_request(council)
    officer = council.directorates[0].officers[0]
    client = signed_in(officer)
    assert "agreed in advance" in text(client.get(f"/attendance/{request.pk}/respond/"))
    client.post(f"/attendance/{request.pk}/respond/", {"answer": "accept"})
    assert request.invitations.get().state == workflow.ACCEPTED
    assert signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/respond/").status_code == 403


def test_after_the_meeting_the_officer_attests_and_records_information_likely_to_be_cited_A6_A10(council, clock):
    request = approved_request(council)
    officer = council.directorates[0].officers[0]
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    clock.advance(days=8)
    client = signed_in(officer)
    assert "Attendance to record" in text(client.get("/"))
    response = client.post(f"/attendance/{request.pk}/attendance/", {"arrived_at": "18:00", "left_at": "18:40"})
    assert "If you cannot attest" in error_summary(response) and "(protocol rule A6)" in error_summary(response)
    client.post(f"/attendance/{request.pk}/attendance/", {"arrived_at": "18:00", "left_at": "18:40", "attested": "on"})
    assert AttendanceRecord.objects.get().attested
    response = client.post(
        f"/attendance/{request.pk}/information/",
        {
            "title": "Library footfall",
            "summary": "Visits fell by a tenth.",
            "classification": "open",
            "likely_to_be_cited": "yes",
        },
    )
    assert "Say where it is likely to be cited" in error_summary(response)
    client.post(
        f"/attendance/{request.pk}/information/",
        {
            "title": "Library footfall",
            "summary": "Visits fell by a tenth.",
            "classification": "open",
            "likely_to_be_cited": "yes",
            "cited_at": "executive",
        },
    )
    assert InformationProvided.objects.get().likely_to_be_cited
    for group in council.groups:
        assert "Library footfall" in text(signed_in(group.leader).get("/attendance/shared/"))


def test_the_published_register_shows_posts_not_names_nor_the_scope_A8(council, clock):
    request = approved_request(council, officers=[council.directorates[0].director], scope="Secret scope words")
    director = council.directorates[0].director
    attendance.attendance_invitation_respond(request=request, actor=director, accept=True)
    clock.advance(days=8)
    starts = request.meeting.starts_at
    attendance.attendance_record_attendance(
        request=request,
        actor=director,
        arrived_at=starts,
        left_at=starts + datetime.timedelta(minutes=30),
        attested=True,
    )
    page = text(Client().get("/register-of-attendance/"))
    assert "Director of Place" in page and request.subject in page
    assert director.last_name not in page and "Secret scope words" not in page


def test_another_leader_requests_the_same_briefing_in_one_step_A3(council):
    original = approved_request(council)
    client = signed_in(council.groups[1].leader)
    page = text(client.get("/attendance/other-groups/"))
    assert original.subject in page and original.scope not in page
    response = client.post(
        f"/attendance/same/{original.pk}/", meeting_form(next_week(), needs_confidential_information="no")
    )
    taken = AttendanceRequest.objects.get(equivalent_of=original)
    assert response["Location"] == f"/attendance/{taken.pk}/" and taken.group == council.groups[1].organization
    # The group's own leader sees the briefing, and is told why they may not (A3), as the API says.
    assert signed_in(council.groups[0].leader).get(f"/attendance/same/{original.pk}/").status_code == 403


def test_the_home_page_counts_what_awaits_each_role(council):
    submit_request(council)
    assert "Attendance requests to decide" in text(signed_in(council.chief_executive).get("/"))
    assert "Requests from your group" in text(signed_in(council.groups[0].leader).get("/"))
    assert "Briefing invitations" in text(signed_in(council.directorates[0].officers[0]).get("/"))
