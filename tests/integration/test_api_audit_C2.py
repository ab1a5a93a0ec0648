"""The audit history API (C2): the timeline by cursor with the pages' filters, for auditors; each
record's history field by field, for auditors and those who may see the record; 404 for the rest.
Costs that do not grow with the rows; keyset pages, never OFFSET."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register.models import HistoryLink, Person
from register.services.history import save_with_history
from tests.factories import make_person
from tests.integration.declaration_helpers import declare, review

SIZES = [5, 50]


def client_for(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def rename(organization, actor, times: int, reason: str = "Renamed through the API test"):
    for number in range(times):
        organization.name = f"{organization.name.split(' #')[0]} #{number}"
        save_with_history(organization, actor=actor, reason=f"{reason} {number}", update_fields=["name"])


def test_the_auditor_reads_the_timeline_newest_first_with_who_what_when_why_C2(council, auditor):
    leader = council.groups[0].leader
    organization = council.groups[0].organization
    rename(organization, leader, 2)
    body = client_for(auditor).get("/api/history/", {"record_type": "organization", "person": leader.pk}).json()
    first, second = body["results"][:2]
    assert first["position"] > second["position"]
    assert first["who"] == {"id": leader.pk, "username": leader.username, "name": leader.name}
    assert first["record_type"] == "organization" and first["record_id"] == str(organization.pk)
    assert first["change"] == "changed" and first["reason"] == "Renamed through the API test 1"
    assert len(body["results"]) == 2


@pytest.mark.parametrize("role", ["member", "group_leader", "officer", "chief_executive", "monitoring_officer"])
def test_nobody_but_auditors_finds_the_timeline_C2(council, role):
    people = {
        "member": council.groups[0].members[0],
        "group_leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
        "chief_executive": council.chief_executive,
        "monitoring_officer": council.monitoring_officer,
    }
    assert client_for(people[role]).get("/api/history/").status_code == 404


def test_a_timeline_filter_it_cannot_use_is_refused_naming_it(council, auditor):
    response = client_for(auditor).get("/api/history/", {"record_type": "no-such-kind"})
    assert response.status_code == 400 and "record_type" in response.json()["errors"]


def test_the_timeline_follows_its_cursor_by_keyset_not_offset_C2(council, auditor):
    rename(council.groups[0].organization, council.groups[0].leader, 30)
    client = client_for(auditor)
    first = client.get("/api/history/", {"page_size": 10}).json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(first["next"]).json()
    sql = [q["sql"] for q in queries.captured_queries if 'FROM "register_historylink"' in q["sql"]]
    assert sql and all("OFFSET" not in statement.upper() for statement in sql)
    expected = list(HistoryLink.objects.order_by("-position").values_list("position", flat=True)[10:20])
    assert [entry["position"] for entry in second["results"]] == expected


def test_a_declarations_history_through_the_api_is_for_those_who_read_it_in_full_C2(council, auditor):
    member = council.groups[0].members[0]
    other = make_person(Person.Kind.OFFICER)
    declaration = review(declare(member, other))
    url = f"/api/history/declaration/{declaration.pk}/"
    body = client_for(member).get(url).json()
    assert [version["change"] for version in body["versions"]] == ["changed", "created"]
    advice = {c["field"]: c for c in body["versions"][0]["changes"]}["advice"]
    assert advice["old"] == "" and advice["new"].startswith("Declare the interest")
    assert client_for(auditor).get(url).status_code == 200
    assert client_for(other).get(url).status_code == 404
    assert client_for(council.groups[1].leader).get(url).status_code == 404


def test_an_id_beyond_any_record_is_not_found(council, auditor):
    assert client_for(auditor).get("/api/history/organization/99999999999999999999/").status_code == 404


@pytest.mark.parametrize("how_many", SIZES)
def test_the_timeline_costs_the_same_queries_at_5_and_50_rows(council, auditor, how_many, django_assert_num_queries):
    leader = council.groups[0].leader
    rename(council.groups[0].organization, leader, how_many)
    client = client_for(auditor)
    # The caller's roles, the page of links with their people, the history rows in one UNION.
    with django_assert_num_queries(3):
        response = client.get("/api/history/", {"record_type": "organization", "person": leader.pk, "page_size": 200})
    assert len(response.json()["results"]) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_a_records_history_costs_the_same_queries_at_5_and_50_versions(
    council, auditor, how_many, django_assert_num_queries
):
    organization = council.groups[0].organization
    rename(organization, council.groups[0].leader, how_many - 1)
    client = client_for(auditor)
    with django_assert_num_queries(2):  # the caller's roles, then every version with its author
        response = client.get(f"/api/history/organization/{organization.pk}/")
    assert len(response.json()["versions"]) == how_many
