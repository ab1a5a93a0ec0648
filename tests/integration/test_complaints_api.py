"""The complaints API (D4), with the pages' rules: the Independent Person must be consulted and give a
view before any decision; who sees a complaint, and what of it (the complainant's contact the Monitoring
Officer's alone; the handling never the member's); bad input refused naming the field, nothing saved."""

import pytest
from rest_framework.test import APIClient

from register import selectors
from register.models.conduct import Complaint
from register.services.conduct import complaints
from tests.factories import make_person, row_counts
from tests.integration.complaint_helpers import consult, decided, give_view, record


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def body(council, **overrides) -> dict:
    values = {
        "reference": "1393",
        "received_on": "2025-10-03",
        "member": council.groups[0].members[0].pk,
        "complainant_type": "borough-councillor",
        "complainant_name": "Cllr Complainant",
        "complainant_contact": "complainant@council.example",
        "nature_kind": "social-media",
        "nature": "Behaviour not in accordance with the code of conduct on social media",
    }
    values.update(overrides)
    return values


def test_a_complaint_goes_through_the_independent_persons_view_to_a_decision_through_the_api_D4(
    council, independent_person
):
    mo = api(council.monitoring_officer)
    created = mo.post("/api/complaints/", body(council), format="json")
    assert created.status_code == 201, created.json()
    complaint = created.json()
    assert complaint["reference"] == "1393" and complaint["actions"][0] == "consult the Independent Person"
    path = f"/api/complaints/{complaint['id']}/"
    early = mo.post(path + "decide/", {"decision": "informal-resolution", "decided_on": "2025-11-19"}, format="json")
    assert early.status_code == 409
    assert (
        "The Independent Person must be consulted, and give their view, before any decision" in early.json()["detail"]
    )
    assert mo.post(path + "consult/", {"independent_person": independent_person.pk}, format="json").status_code == 200
    ip = api(independent_person)
    seen = ip.get(path).json()
    assert seen["actions"] == ["give a view"]
    assert "complainant_name" not in seen and "complainant_contact" not in seen
    assert ip.post(path + "view/", {"view": "An informal resolution fits."}, format="json").status_code == 200
    decided_now = mo.post(
        path + "decide/",
        {"decision": "informal-resolution", "decided_on": selectors.today().isoformat()},
        format="json",
    )
    assert decided_now.status_code == 200, decided_now.json()
    assert decided_now.json()["decision"] == "informal-resolution"
    assert decided_now.json()["consultations"][0]["view"] == "An informal resolution fits."


def test_after_an_investigation_the_api_asks_for_a_new_consultation_before_the_next_decision_D4(council):
    complaint = record(council)
    consult(council, complaint)
    give_view(council, complaint)
    mo = api(council.monitoring_officer)
    path = f"/api/complaints/{complaint.pk}/"
    today = selectors.today().isoformat()
    assert (
        mo.post(path + "decide/", {"decision": "investigation", "decided_on": today}, format="json").status_code == 200
    )
    assert "consult the Independent Person" in mo.get(path).json()["actions"]
    again = mo.post(path + "decide/", {"decision": "no-further-action", "decided_on": today}, format="json")
    assert again.status_code == 409


def test_the_independent_person_sees_only_the_complaints_they_are_consulted_on_D4(council, independent_person):
    consulted = record(council, reference="1")
    record(council, reference="2")
    consult(council, consulted)
    other = make_person("independent")
    council.appoint(other, council.organization, "independent-person", "Second Independent Person")
    assert [row["reference"] for row in api(independent_person).get("/api/complaints/").json()["results"]] == ["1"]
    assert api(other).get("/api/complaints/").json()["results"] == []
    assert api(other).get(f"/api/complaints/{consulted.pk}/").status_code == 404


def test_the_independent_person_sees_nothing_else_in_the_register_D4(council, independent_person):
    client = api(independent_person)
    for path in ("/api/declarations/", "/api/attendance-requests/", "/api/history/"):
        response = client.get(path)
        assert response.status_code in (403, 404) or response.json().get("results") == [], path


def test_the_complainants_contact_is_the_monitoring_officers_alone_D4(council, auditor):
    complaint = record(council)
    path = f"/api/complaints/{complaint.pk}/"
    assert api(council.monitoring_officer).get(path).json()["complainant_contact"] == "pat@example.org, 01234 567890"
    for reader in (council.deputy_monitoring_officer, auditor):
        seen = api(reader).get(path).json()
        assert "complainant_name" not in seen and "complainant_contact" not in seen
        assert seen["complainant_type"] == "member-of-the-public"


def test_the_member_sees_the_complaint_only_once_told_and_never_its_handling_D4(council):
    complaint = decided(council)
    member = api(complaint.member)
    path = f"/api/complaints/{complaint.pk}/"
    assert member.get(path).status_code == 404
    assert member.get("/api/complaints/").json()["results"] == []
    complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Test", complaint=complaint)
    seen = member.get(path).json()
    assert seen["decision"] == "no-further-action" and seen["nature"] == complaint.nature
    for hidden in ("complainant_type", "complainant_name", "consultations", "state", "training_needs", "recorded_by"):
        assert hidden not in seen
    assert seen["actions"] == []


def test_a_complaint_about_someone_who_is_not_a_councillor_is_refused_naming_the_member_D4(council, officer):
    before = row_counts()
    response = api(council.monitoring_officer).post("/api/complaints/", body(council, member=officer.pk), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["member"] == [
        f"{officer} is not a councillor: a Code of Conduct complaint is about a member."
    ]
    assert row_counts() == before


def test_a_10000_character_details_is_refused_naming_the_field_and_its_limit(council):
    before = row_counts()
    response = api(council.monitoring_officer).post(
        "/api/complaints/", body(council, details="x" * 10_000), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["details"] == ["The details of the complaint must be 5,000 characters or fewer."]
    assert row_counts() == before


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"reference": "13/25"}, "reference", "A case reference is a number"),
        ({"reported_with": "999"}, "reported_with", "There is no complaint 999"),
        ({"received_on": "2099-01-01"}, "received_on", "cannot be in the future"),
        ({"member": None}, "member", "Choose the councillor"),
        ({"member": None, "local_council": "parish"}, "councillor_name", "Enter the name of the Newton Parish Council"),
        ({"member": None, "local_council": "group"}, "local_council", "is not a parish or town council"),
        ({"nature": "   "}, "nature", "Enter the nature of the complaint"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(council, overrides, field, words):
    local = {"parish": council.parish_council.pk, "group": council.groups[0].organization.pk}
    if "local_council" in overrides:
        overrides = {**overrides, "local_council": local[overrides["local_council"]]}
    before = row_counts()
    response = api(council.monitoring_officer).post("/api/complaints/", body(council, **overrides), format="json")
    assert response.status_code == 400, response.json()
    assert words in response.json()["errors"][field][0]
    assert row_counts() == before


def test_a_duplicate_reference_and_a_link_to_a_linked_case_are_refused(council):
    first = record(council, reference="1452")
    record(council, reference="1453", reported_with="1452")
    mo = api(council.monitoring_officer)
    duplicate = mo.post("/api/complaints/", body(council, reference="1452"), format="json")
    assert duplicate.json()["errors"]["reference"] == ["There is already a complaint with the reference 1452."]
    chained = mo.post("/api/complaints/", body(council, reference="1454", reported_with="1453"), format="json")
    assert "link this one to 1452" in chained.json()["errors"]["reported_with"][0]
    linked = mo.post("/api/complaints/", body(council, reference="1454", reported_with="1452"), format="json")
    assert linked.status_code == 201 and linked.json()["linked_to"] == "1452"
    assert sorted(c.reference for c in Complaint.objects.get(pk=first.pk).linked_cases.all()) == ["1453", "1454"]


def test_script_is_returned_as_data_and_escaped_in_the_page(council):
    script = "<script>alert(1)</script>"
    created = api(council.monitoring_officer).post("/api/complaints/", body(council, nature=script), format="json")
    assert created.json()["nature"] == script
    from django.test import Client

    client = Client()
    client.force_login(council.monitoring_officer)
    page = client.get(f"/complaints/{created.json()['id']}/").content.decode()
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_linked_cases_are_named_only_to_those_who_see_every_complaint_D4(council, independent_person, auditor):
    """An Independent Person consulted on 1453 alone is not told that 1452 exists."""
    record(council, reference="1452")
    second = record(council, reference="1453", reported_with="1452")
    consult(council, second)
    path = f"/api/complaints/{second.pk}/"
    assert api(council.monitoring_officer).get(path).json()["linked_to"] == "1452"
    assert api(auditor).get(path).json()["linked_to"] == "1452"
    assert "linked_to" not in api(independent_person).get(path).json()
    from django.test import Client

    client = Client()
    client.force_login(independent_person)
    assert "1452" not in client.get(f"/complaints/{second.pk}/").content.decode()
    assert "1452" not in client.get("/complaints/").content.decode()
