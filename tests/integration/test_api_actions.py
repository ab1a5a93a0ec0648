"""Each record the API returns lists what the caller may do with it now (``actions``), read from the
workflow's table (``workflow.allowed_moves``) for the caller's standing: no serializer or API view
decides who may make a move, and a list costs no more queries for it. A superuser has no rule of
their own: the API treats them by the posts they hold, as the pages do."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register import workflow
from register.models import Absence, Person
from register.services import people
from register.services.system import system_user
from tests.factories import approved_request, make_person, submit_request
from tests.integration.declaration_helpers import declare, review

pytestmark = pytest.mark.usefixtures("clock")

REQUESTS = "/api/attendance-requests/"


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def actions_on_request(person, request) -> list[str]:
    response = api(person).get(f"{REQUESTS}{request.pk}/")
    assert response.status_code == 200, response.json()
    return response.json()["actions"]


def own_invitation_actions(person, request) -> list[str]:
    """The actions on each invitation of the request, as ``person`` reads it: only their own has any."""
    invitations = api(person).get(f"{REQUESTS}{request.pk}/").json()["invitations"]
    return {row["officer"]["id"]: row["actions"] for row in invitations}


# --- Attendance requests and invitations (A1-A6) ------------------------------------------------


def test_a_submitted_request_offers_each_person_the_moves_the_workflow_allows_them_A1_A2_A5(council):
    request = submit_request(council)
    officer = council.directorates[0].officers[0]
    assert actions_on_request(council.chief_executive, request) == [workflow.APPROVE, workflow.REFUSE]
    for leader in (council.groups[0].leader, council.groups[0].deputy):
        assert actions_on_request(leader, request) == [workflow.WITHDRAW, workflow.AMEND_BRIEF]
    # The Deputy decides only during a recorded absence (A2); the overseers and the officer decide nothing.
    for person in (council.deputy_chief_executive, council.monitoring_officer, council.auditor, officer):
        assert actions_on_request(person, request) == [], person


def test_an_officer_is_offered_to_accept_or_decline_their_own_invitation_and_nobody_elses_A4(council):
    first, second = council.directorates[0].officers[:2]
    request = submit_request(council, officers=[first, second])
    assert own_invitation_actions(first, request) == {first.pk: [workflow.ACCEPT, workflow.DECLINE], second.pk: []}
    assert own_invitation_actions(council.chief_executive, request) == {first.pk: [], second.pk: []}

    answered = api(first).post(f"{REQUESTS}{request.pk}/respond/", {"accept": True}, format="json")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["actions"] == [workflow.DECLINE]


def test_the_actions_follow_the_record_through_approval_and_the_meeting_A2_A6_A10(council, clock):
    request = approved_request(council)
    officer = council.directorates[0].officers[0]
    leader = council.groups[0].leader
    assert actions_on_request(council.chief_executive, request) == [workflow.CANCEL]
    assert actions_on_request(leader, request) == [workflow.WITHDRAW, workflow.AMEND_BRIEF]
    assert actions_on_request(officer, request) == [workflow.RECORD_INFORMATION]

    clock.set(request.meeting.starts_at + datetime.timedelta(hours=2))
    assert actions_on_request(council.chief_executive, request) == [workflow.CLOSE]
    assert actions_on_request(leader, request) == [workflow.CLOSE]
    assert actions_on_request(officer, request) == [workflow.RECORD_ATTENDANCE, workflow.RECORD_INFORMATION]
    assert actions_on_request(council.auditor, request) == []


def test_information_offers_to_mark_it_likely_to_be_cited_to_those_who_may_A10(council):
    request = approved_request(council)
    officer = council.directorates[0].officers[0]
    recorded = api(officer).post(
        f"{REQUESTS}{request.pk}/information/", {"title": "Footfall", "summary": "Down a tenth."}, format="json"
    )
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["actions"] == [workflow.MARK_LIKELY_TO_BE_CITED]
    url = f"/api/attendance-information/{recorded.json()['id']}/"
    for person in (council.chief_executive, council.monitoring_officer):
        assert api(person).get(url).json()["actions"] == [workflow.MARK_LIKELY_TO_BE_CITED]
    for person in (council.groups[0].leader, council.auditor):
        assert api(person).get(url).json()["actions"] == []

    marked = api(officer).post(url + "likely-to-be-cited/", {"cited_at": "council"}, format="json")
    assert marked.status_code == 200, marked.json()
    assert marked.json()["actions"] == []


def test_a_named_officers_requests_with_their_invitations_actions_cost_the_same_at_5_and_50(council):
    officer = council.directorates[0].officers[0]

    def cost() -> int:
        client = api(officer)
        client.get(REQUESTS, {"page_size": 200})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(REQUESTS, {"page_size": 200})
        rows = response.json()["results"]
        assert all(row["invitations"][0]["actions"] == [workflow.ACCEPT, workflow.DECLINE] for row in rows)
        assert all(row["actions"] == [] for row in rows)
        return len(rows), len(captured)

    for _ in range(5):
        submit_request(council, officers=[officer])
    rows, at_5 = cost()
    for _ in range(45):
        submit_request(council, officers=[officer])
    assert rows == 5 and cost() == (50, at_5)


# --- Declarations (B1-B4) -------------------------------------------------------------------------


def test_a_declaration_offers_its_declarant_and_its_reviewer_their_own_moves_B1_B3(council):
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    declaration = declare(member, officer)
    url = f"/api/declarations/{declaration.pk}/"
    assert api(member).get(url).json()["actions"] == [workflow.END, workflow.WITHDRAW_DECLARATION]
    assert api(council.monitoring_officer).get(url).json()["actions"] == [workflow.REVIEW]
    assert api(council.auditor).get(url).json()["actions"] == []
    assert "actions" not in api(officer).get(url).json()  # the person it names: the narrow view

    review(declaration)
    assert api(member).get(url).json()["actions"] == [
        workflow.ACKNOWLEDGE,
        workflow.END,
        workflow.WITHDRAW_DECLARATION,
    ]
    listed = api(member).get("/api/declarations/").json()["results"]
    assert [row["actions"] for row in listed] == [[workflow.ACKNOWLEDGE, workflow.END, workflow.WITHDRAW_DECLARATION]]


# --- The Chief Executive's absence (A2) -----------------------------------------------------------


def absence_dates(first: datetime.date) -> dict:
    return {"start_date": first.isoformat(), "end_date": (first + datetime.timedelta(days=2)).isoformat()}


def test_an_absence_is_cancelled_by_the_chief_executive_or_deputy_and_nobody_else_A2(council):
    recorded = api(council.chief_executive).post(
        "/api/absences/", {**absence_dates(datetime.date(2031, 7, 1)), "reason": "Leave"}, format="json"
    )
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["actions"] == [workflow.CANCEL_ABSENCE]
    cancel = f"/api/absences/{recorded.json()['id']}/cancel/"

    refused = api(council.monitoring_officer).post(cancel, {}, format="json")
    assert refused.status_code == 403 and refused.json()["rule"] == "A2"
    cancelled = api(council.deputy_chief_executive).post(cancel, {"reason": "Back early"}, format="json")
    assert cancelled.status_code == 200, cancelled.json()
    assert (cancelled.json()["state"], cancelled.json()["actions"]) == ("cancelled", [])
    again = api(council.chief_executive).post(cancel, {}, format="json")
    assert again.status_code == 409
    assert Absence.objects.get().history.first().history_change_reason == "Back early"
    assert api(council.chief_executive).post("/api/absences/999999/cancel/", {}, format="json").status_code == 404


# --- A superuser has no rule of their own ---------------------------------------------------------


def made_superuser(person: Person) -> Person:
    return people.person_update(
        actor=system_user(),
        reason="Test data: an administrator of the register",
        person=person,
        changes={"is_staff": True, "is_superuser": True},
    )


def administrator() -> Person:
    """An administrator as ``seed_demo`` makes one: staff and superuser, holding no post."""
    return made_superuser(make_person(Person.Kind.SYSTEM))


LISTS_OF_A_POST = [
    REQUESTS + "queue/",
    REQUESTS + "briefings/",
    "/api/information-shared/",
    "/api/attendance-parity/?start=2026-01-01&end=2026-12-31",
    "/api/declarations/to-review/",
    "/api/declarations/not-confirmed/",
    "/api/history/",
]


@pytest.mark.parametrize("url", LISTS_OF_A_POST)
def test_a_superuser_holding_no_post_finds_no_list_of_a_post_in_the_api_as_on_the_pages(council, url):
    """The Chief Executive's queue and the other lists of a post are not found for a superuser who
    holds none, in the API as on the pages (issue 15: the API used to answer them)."""
    admin = administrator()
    submit_request(council)
    assert api(admin).get(url).status_code == 404
    holder = council.monitoring_officer if url.endswith("to-review/") else council.auditor
    assert api(holder).get(url).status_code == 200  # the list is there, for the holder of a post
    if url == REQUESTS + "queue/":
        page = Client()
        page.force_login(admin)
        assert page.get("/attendance/queue/").status_code == 404


def test_a_superuser_holding_no_post_sees_no_request_and_makes_no_move_A2(council):
    admin = administrator()
    request = submit_request(council)
    assert api(admin).get(REQUESTS).json()["results"] == []
    assert api(admin).get(f"{REQUESTS}{request.pk}/").status_code == 404
    assert api(admin).post(f"{REQUESTS}{request.pk}/approve/", {}, format="json").status_code == 404
    recorded = api(admin).post(
        "/api/absences/", {**absence_dates(datetime.date(2031, 7, 1)), "reason": "Leave"}, format="json"
    )
    assert recorded.status_code == 403 and recorded.json()["rule"] == "A2"
    assert not Absence.objects.exists()


def test_a_superuser_is_treated_by_the_posts_they_hold_A1_A2(council):
    """Made superusers, a group member and the Deputy Chief Executive may do what their posts let
    them, no more: the member does not see the group's request, the Deputy does not decide it."""
    member = made_superuser(council.groups[0].members[0])
    deputy = made_superuser(council.deputy_chief_executive)
    request = submit_request(council)
    assert api(member).get(f"{REQUESTS}{request.pk}/").status_code == 404
    assert api(member).get(REQUESTS + "queue/").status_code == 404
    assert actions_on_request(deputy, request) == []
    refused = api(deputy).post(f"{REQUESTS}{request.pk}/approve/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["rule"] == "A2"
