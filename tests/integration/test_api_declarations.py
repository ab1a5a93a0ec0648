"""The declarations API (B1-B7) does what the pages do, through the same selectors, policies and
services: the journey of a declaration, who sees what, refusals as problem details, and lists
whose cost does not grow with their length."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register import selectors
from register.models import Declaration, DeclarationConfirmation, Person
from register.services.declarations import declarations_nothing_to_declare
from register.services.history import save_with_history
from register.services.system import system_user
from tests.factories import make_person
from tests.integration.declaration_helpers import declare, review

State = Declaration.State


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


@pytest.fixture
def member(council):
    return council.groups[0].members[0]


@pytest.fixture
def place_officer(council):
    return council.directorates[0].officers[0]


def test_a_councillor_declares_the_monitoring_officer_advises_and_the_councillor_acknowledges_B1_B3(
    council, member, place_officer
):
    declared = api(member).post(
        "/api/declarations/",
        {
            "other_person": place_officer.pk,
            "kind": "friendship",
            "began_on": "2024-06-01",
            "description": "We play five-a-side every Thursday.",
        },
        format="json",
    )
    assert declared.status_code == 201, declared.json()
    body = declared.json()
    assert (body["view"], body["state"], body["reviewer"]["id"]) == ("full", "submitted", council.monitoring_officer.pk)
    url = f"/api/declarations/{body['id']}/"

    to_review = api(council.monitoring_officer).get("/api/declarations/to-review/").json()
    assert [row["id"] for row in to_review["results"]] == [body["id"]]
    reviewed = api(council.monitoring_officer).post(
        url + "review/",
        {
            "advice": "Declare the interest whenever the officer attends.",
            "action_agreed": "declare-at-meetings",
        },
        format="json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["state"] == "reviewed"

    acknowledged = api(member).post(url + "acknowledge/")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["state"] == "acknowledged" and acknowledged.json()["acknowledged_at"]
    declaration = Declaration.objects.get()
    assert [row.history_change_reason for row in declaration.history.order_by("history_id")] == [
        "Declared through the API",
        "Reviewed through the API",
        "Advice acknowledged through the API",
    ]


def test_the_other_person_sees_only_who_declared_and_its_kind_and_makes_their_own_which_links_them_B1(
    council, member, place_officer
):
    declaration = review(declare(member, place_officer))
    client = api(place_officer)
    narrow = client.get(f"/api/declarations/{declaration.pk}/").json()
    assert narrow["view"] == "named"
    assert (narrow["declarant"]["id"], narrow["kind"], narrow["state"]) == (member.pk, "friendship", "current")
    assert not {"description", "advice", "action_agreed", "reviewer"} & set(narrow)
    assert [row["id"] for row in client.get("/api/declarations/naming-me/").json()["results"]] == [declaration.pk]

    own = client.post(
        "/api/declarations/",
        {
            "other_person": member.pk,
            "kind": "friendship",
            "began_on": "2024-06-01",
            "description": "Football.",
            "reviewer": council.directorates[0].director.pk,
        },
        format="json",
    ).json()
    assert own["counterpart"] == declaration.pk and own["reviewer"]["id"] == council.directorates[0].director.pk
    assert client.get("/api/declarations/naming-me/").json()["results"][0]["your_declaration"] == own["id"]


def test_a_declaration_is_not_found_for_anyone_who_may_not_see_it(council, member, place_officer):
    declaration = declare(member, place_officer)
    for person in [council.chief_executive, council.groups[0].leader, council.directorates[0].director]:
        response = api(person).get(f"/api/declarations/{declaration.pk}/")
        assert response.status_code == 404, person
        assert response["Content-Type"] == "application/problem+json"
    listed = api(council.chief_executive).get("/api/declarations/").json()
    assert listed["count"] == 0


def test_a_rule_refusing_a_declaration_is_a_400_naming_the_rule_and_the_field_and_nothing_is_saved_B1(council, member):
    response = api(member).post(
        "/api/declarations/",
        {
            "other_person": council.groups[1].members[0].pk,
            "kind": "friendship",
            "began_on": "2024-06-01",
            "description": "We sit on the same committee.",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["type"].rsplit("/", 1)[1], body["rule"]) == ("rule-violation", "B1")
    assert "other_person" in body["errors"]
    assert not Declaration.objects.exists()


def test_a_request_of_the_wrong_shape_is_a_400_naming_each_field(member):
    response = api(member).post("/api/declarations/", {"kind": "acquaintance", "began_on": "yesterday"}, format="json")
    assert response.status_code == 400
    assert {"other_person", "kind", "began_on", "description"} <= set(response.json()["errors"])


def test_only_the_reviewer_reviews_and_only_the_declarant_acknowledges_ends_or_withdraws(
    council, member, place_officer
):
    declaration = declare(member, place_officer)
    url = f"/api/declarations/{declaration.pk}/"
    refused = api(council.auditor).post(url + "review/", {"advice": "x", "action_agreed": "no-action"}, format="json")
    assert refused.status_code == 403 and "for review, not to you" in refused.json()["detail"]
    assert api(council.chief_executive).post(url + "withdraw/").status_code == 404
    assert api(council.monitoring_officer).post(url + "withdraw/").status_code == 403
    assert api(member).post(url + "acknowledge/").status_code == 409  # no advice yet
    declaration.refresh_from_db()
    assert declaration.state == State.SUBMITTED


def test_ending_and_withdrawing_keep_the_declaration_C3(member, place_officer, council):
    ended = declare(member, place_officer)
    too_early = api(member).post(f"/api/declarations/{ended.pk}/end/", {"ended_on": "2020-01-01"}, format="json")
    assert too_early.status_code == 400 and "ended_on" in too_early.json()["errors"]
    today = selectors.today().isoformat()
    response = api(member).post(f"/api/declarations/{ended.pk}/end/", {"ended_on": today}, format="json")
    assert (response.json()["state"], response.json()["ended_on"]) == ("ended", today)

    withdrawn = declare(member, council.directorates[1].officers[0])
    assert api(member).post(f"/api/declarations/{withdrawn.pk}/withdraw/").json()["state"] == "withdrawn"
    assert Declaration.objects.count() == 2


def test_the_caller_re_confirms_or_returns_nothing_to_declare_B6(council, member, place_officer):
    client = api(member)
    status = client.get("/api/declarations/confirmation/").json()
    assert status["last_confirmed_on"] is None and status["open_declarations"] == 0

    declaration = declare(member, place_officer)
    refused = client.post("/api/declarations/nothing-to-declare/")
    assert refused.status_code == 400 and refused.json()["rule"] == "B6"
    confirmed = client.post("/api/declarations/confirm/")
    assert confirmed.status_code == 201
    today = selectors.today()
    assert confirmed.json()["next_due_on"] == (today + datetime.timedelta(days=365)).isoformat()
    assert client.get("/api/declarations/confirmation/").json()["last_confirmed_on"] == today.isoformat()

    client.post(f"/api/declarations/{declaration.pk}/withdraw/")
    assert client.post("/api/declarations/nothing-to-declare/").status_code == 201
    assert DeclarationConfirmation.objects.filter(person=member).count() == 2


def test_the_non_confirmation_list_is_for_those_who_oversee_it_B6(council):
    late = make_person(Person.Kind.MEMBER)
    late.date_joined -= datetime.timedelta(days=60)
    save_with_history(late, actor=system_user(), reason="Test data: joined earlier", update_fields=["date_joined"])
    rows = api(council.monitoring_officer).get("/api/declarations/not-confirmed/").json()["results"]
    assert [(row["id"], row["last_confirmed_on"]) for row in rows] == [(late.pk, None)]
    assert api(council.directorates[0].assistant_director).get("/api/declarations/not-confirmed/").status_code == 404


# --- Lists cost the same at 5 and at 50 rows ----------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200, response.json()
    assert len(response.json()["results"]) in (5, 50)
    return len(captured)


def declarations_by_new_members(how_many, officer, reviewed_every=2):
    for number in range(how_many):
        declaration = declare(make_person(Person.Kind.MEMBER), officer)
        if number % reviewed_every:
            review(declaration)


LISTS = {
    # url: (who reads it, how to make a row for them)
    "/api/declarations/": (
        "auditor",
        lambda council: declarations_by_new_members(1, council.directorates[0].officers[0]),
    ),
    "/api/declarations/to-review/": (
        "monitoring_officer",
        lambda council: declarations_by_new_members(1, council.directorates[0].officers[0]),
    ),
    "/api/declarations/naming-me/": (
        "member",
        lambda council: declare(make_person(Person.Kind.OFFICER), council.groups[0].members[0]),
    ),
    "/api/declarations/not-confirmed/": (
        "monitoring_officer",
        lambda council: joined_long_ago(make_person(Person.Kind.MEMBER)),
    ),
}


def joined_long_ago(person):
    person.date_joined -= datetime.timedelta(days=60)
    save_with_history(person, actor=system_user(), reason="Test data: joined earlier", update_fields=["date_joined"])


@pytest.mark.parametrize("url", list(LISTS))
def test_each_declaration_list_costs_the_same_queries_at_5_and_at_50_rows(council, url):
    reader, add_row = LISTS[url]
    person = {
        "auditor": council.auditor,
        "monitoring_officer": council.monitoring_officer,
        "member": council.groups[0].members[0],
    }[reader]
    if url.endswith("not-confirmed/"):
        for group in council.groups:
            for member in [group.leader, group.deputy, *group.members]:
                declarations_nothing_to_declare(actor=member, reason="Annual return")
        declarations_nothing_to_declare(actor=council.chief_executive, reason="Annual return")
    client = api(person)
    for _ in range(5):
        add_row(council)
    at_5 = queries_for(client, url)
    for _ in range(45):
        add_row(council)
    assert queries_for(client, url) == at_5
