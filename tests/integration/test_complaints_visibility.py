"""Who sees a Code of Conduct complaint, and what of it, on the pages and through the API alike
(DOMAIN.md "Who sees what"; D4): the Monitoring Officer and deputy, auditors and the Independent Person
consulted see it; an Independent Person not consulted does not; the member complained about sees it only
once told, and never its handling; everyone else gets "not found". The complainant's name and contact
details are the Monitoring Officer's alone."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register.services.conduct import complaints
from tests.factories import make_person
from tests.integration.complaint_helpers import consult, give_view, record

CONTACT = "pat@example.org, 01234 567890"
NAME = "Pat Complainant"
VIEW = "The conduct falls within the Code."


@pytest.fixture
def world(council):
    """A complaint about a councillor, consulted on and viewed; a second Independent Person not consulted."""
    complaint = record(council)
    consult(council, complaint)
    give_view(council, complaint, view=VIEW)
    other_ip = make_person("independent")
    council.appoint(other_ip, council.organization, "independent-person", "Second Independent Person")
    people = {
        "monitoring_officer": council.monitoring_officer,
        "deputy_monitoring_officer": council.deputy_monitoring_officer,
        "auditor": council.auditor,
        "independent_person_consulted": council.independent_person,
        "independent_person_not_consulted": other_ip,
        "member_complained_about": complaint.member,
        "another_member": council.groups[0].members[1],
        "group_leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
        "chief_executive": council.chief_executive,
        "democratic_services": council.democratic_services,
    }
    return council, complaint, people


# who: (sees it before the member is told, sees the handling, sees the complainant's name and contact)
MATRIX = {
    "monitoring_officer": (True, True, True),
    "deputy_monitoring_officer": (True, True, False),
    "auditor": (True, True, False),
    "independent_person_consulted": (True, True, False),
    "independent_person_not_consulted": (False, False, False),
    "member_complained_about": (False, False, False),
    "another_member": (False, False, False),
    "group_leader": (False, False, False),
    "officer": (False, False, False),
    "chief_executive": (False, False, False),
    "democratic_services": (False, False, False),
}


def page_for(person, complaint) -> tuple[int, str]:
    client = Client()
    client.force_login(person)
    response = client.get(f"/complaints/{complaint.pk}/")
    return response.status_code, response.content.decode()


def api_for(person, complaint) -> tuple[int, dict]:
    client = APIClient()
    client.force_authenticate(person)
    response = client.get(f"/api/complaints/{complaint.pk}/")
    return response.status_code, response.json()


def listed_through_the_api(person, complaint) -> bool:
    client = APIClient()
    client.force_authenticate(person)
    return complaint.pk in [row["id"] for row in client.get("/api/complaints/").json()["results"]]


@pytest.mark.parametrize("who", list(MATRIX))
def test_who_sees_a_complaint_and_what_of_it_on_the_page_D4(world, who):
    council, complaint, people = world
    sees, handling, contact = MATRIX[who]
    status, page = page_for(people[who], complaint)
    assert status == (200 if sees else 404)
    if sees:
        assert complaint.nature in page
        assert (VIEW in page) is handling
        assert (CONTACT in page) is contact and (NAME in page) is contact


@pytest.mark.parametrize("who", list(MATRIX))
def test_who_sees_a_complaint_and_what_of_it_through_the_api_D4(world, who):
    council, complaint, people = world
    sees, handling, contact = MATRIX[who]
    status, body = api_for(people[who], complaint)
    assert status == (200 if sees else 404)
    assert listed_through_the_api(people[who], complaint) is sees
    if sees:
        assert ("consultations" in body) is handling
        assert ("complainant_contact" in body) is contact and ("complainant_name" in body) is contact


def test_once_told_the_member_sees_the_complaint_and_its_decision_but_not_its_handling_page_and_api_D4(world):
    council, complaint, people = world
    complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Test", complaint=complaint)
    member = people["member_complained_about"]
    status, page = page_for(member, complaint)
    assert status == 200 and complaint.nature in page
    assert VIEW not in page and CONTACT not in page and NAME not in page and "Member of the public" not in page
    status, body = api_for(member, complaint)
    assert status == 200 and body["nature"] == complaint.nature
    assert not {"consultations", "complainant_type", "complainant_name", "complainant_contact"} & set(body)
    assert listed_through_the_api(member, complaint)
    for who in ("another_member", "group_leader", "independent_person_not_consulted"):
        assert page_for(people[who], complaint)[0] == 404
        assert api_for(people[who], complaint)[0] == 404
