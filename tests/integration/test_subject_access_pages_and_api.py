"""Who answers a subject access request, and bad input (issue 21, item 3): the Monitoring Officer and the Data
Protection Officer, on the pages and the API; everyone else is told there is no such page; a person the
register does not hold is "not found" in words; an export without a reason is refused and nothing recorded."""

import pytest
from rest_framework.test import APIClient

from register import policies
from register.models import Person, Post, SubjectAccessExport
from register.policies import Standing
from tests.integration.page_actions import signed_in
from tests.integration.subject_access_helpers import (
    OTHERS_DESCRIPTION,
    data_protection_officer,
    member_with_records,
    read_zip,
    section,
)

Role = Post.Role


def standing(*roles, active=True) -> Standing:
    import datetime

    now = datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC)
    return Standing(person_id=1, kind="officer", at=now, on=now.date(), is_active=active, roles=frozenset(roles))


@pytest.mark.parametrize(
    "roles, active, answers",
    [
        ((Role.MONITORING_OFFICER,), True, True),
        ((Role.DATA_PROTECTION_OFFICER,), True, True),
        ((Role.DEPUTY_MONITORING_OFFICER,), True, False),
        ((Role.AUDITOR,), True, False),
        ((Role.CHIEF_EXECUTIVE,), True, False),
        ((Role.DEMOCRATIC_SERVICES,), True, False),
        ((), True, False),
        ((Role.MONITORING_OFFICER,), False, False),
    ],
)
def test_the_monitoring_officer_and_the_data_protection_officer_answer_subject_access(roles, active, answers):
    """Only the Monitoring Officer and the Data Protection Officer, while in post, produce an export."""
    assert policies.answers_subject_access(standing(*roles, active=active)) is answers


def test_the_monitoring_officer_sees_a_summary_with_where_each_record_is_corrected(council):
    made = member_with_records(council)
    response = signed_in(council.monitoring_officer).get(f"/people/{made.member.pk}/subject-access/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Everything the register holds about {made.member.name}" in html
    assert f'href="/declarations/{made.own.pk}/"' in html
    assert f'href="/people/{made.member.pk}/change/"' in html
    assert "What is withheld, and why" in html
    assert OTHERS_DESCRIPTION not in html
    assert not SubjectAccessExport.objects.exists()  # looking is not exporting


def test_the_data_protection_officer_downloads_an_export_recorded_in_their_capacity(council):
    made = member_with_records(council)
    officer = data_protection_officer(council)
    response = signed_in(officer).post(
        f"/people/{made.member.pk}/subject-access/", {"reason": "Request of 3 March", "form": "zip"}
    )
    assert response.status_code == 200
    assert section(read_zip(response.content), "declarations-made")["records"]
    export = SubjectAccessExport.objects.get()
    assert (export.asked_by, export.asked_by_capacity) == (officer, "Data Protection Officer")


@pytest.mark.parametrize("who", ["deputy_monitoring_officer", "auditor", "chief_executive", "member"])
def test_anyone_else_is_told_there_is_no_such_page(council, who):
    person = {
        "deputy_monitoring_officer": council.deputy_monitoring_officer,
        "auditor": council.auditor,
        "chief_executive": council.chief_executive,
        "member": council.groups[0].members[0],
    }[who]
    client = signed_in(person)
    subject = council.groups[0].leader
    assert client.get("/people/subject-access/").status_code == 404
    assert client.get(f"/people/{subject.pk}/subject-access/").status_code == 404
    posted = client.post(f"/people/{subject.pk}/subject-access/", {"reason": "Curious", "form": "zip"})
    assert posted.status_code == 404
    assert not SubjectAccessExport.objects.exists()


def test_a_person_the_register_does_not_hold_is_not_found_in_words(council):
    """Bad input (issue 21): a subject access request for a person who does not exist."""
    client = signed_in(council.monitoring_officer)
    missing = Person.objects.order_by("-pk").first().pk + 1000
    for response in (
        client.get(f"/people/{missing}/subject-access/"),
        client.post(f"/people/{missing}/subject-access/", {"reason": "Request of 3 March", "form": "zip"}),
    ):
        assert response.status_code == 404
        assert (
            f"The register holds no person numbered {missing}: there is nothing to export." in response.content.decode()
        )
    chosen = client.get("/people/subject-access/", {"person": missing})
    assert chosen.status_code == 400
    assert "The register holds no such person: choose one from the list" in chosen.content.decode()
    assert not SubjectAccessExport.objects.exists()


def test_choosing_a_person_leads_to_their_summary(council):
    member = council.groups[0].members[0]
    response = signed_in(council.monitoring_officer).get("/people/subject-access/", {"person": member.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/people/{member.pk}/subject-access/"


def test_an_export_without_a_reason_is_refused_and_nothing_recorded(council):
    member = council.groups[0].members[0]
    response = signed_in(council.monitoring_officer).post(
        f"/people/{member.pk}/subject-access/", {"reason": "  ", "form": "zip"}
    )
    assert response.status_code == 400
    assert "Say which subject access request this export answers" in response.content.decode()
    assert not SubjectAccessExport.objects.exists()


def test_the_api_produces_the_same_zip_for_the_monitoring_officer_and_records_it(council):
    made = member_with_records(council)
    client = APIClient()
    client.force_authenticate(council.monitoring_officer)
    response = client.post(
        f"/api/people/{made.member.pk}/subject-access/", {"reason": "Request of 3 March"}, format="json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = read_zip(response.content)
    assert OTHERS_DESCRIPTION.encode() not in b"".join(files.values())
    (others,) = section(files, "declarations-naming-them")["records"]
    assert others["id"] == made.others.pk
    export = SubjectAccessExport.objects.get()
    assert export.via.startswith("api POST")


def test_the_api_refuses_a_missing_reason_and_an_unknown_person(council):
    client = APIClient()
    client.force_authenticate(council.monitoring_officer)
    member = council.groups[0].members[0]
    refused = client.post(f"/api/people/{member.pk}/subject-access/", {}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.content.decode()
    missing = Person.objects.order_by("-pk").first().pk + 1000
    unknown = client.post(f"/api/people/{missing}/subject-access/", {"reason": "Request"}, format="json")
    assert unknown.status_code == 404
    assert "no person numbered" in unknown.content.decode()
    assert not SubjectAccessExport.objects.exists()


def test_the_api_is_not_found_for_anyone_else(council):
    client = APIClient()
    client.force_authenticate(council.deputy_monitoring_officer)
    member = council.groups[0].members[0]
    response = client.post(f"/api/people/{member.pk}/subject-access/", {"reason": "Request"}, format="json")
    assert response.status_code == 404
    assert not SubjectAccessExport.objects.exists()
