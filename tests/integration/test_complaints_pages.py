"""The complaint pages (D4): the Monitoring Officer records a complaint and consults an Independent Person,
who signs in and gives a view; a decision before that view is refused with a clear message; the member
told reads the complaint and its decision, not its handling; the complainant's contact is the Monitoring
Officer's alone; each action is offered exactly when the workflow allows it."""

import datetime

import pytest
from django.test import Client

from register import selectors
from register.models import Notification
from register.models.conduct import Complaint
from register.services.conduct import complaints
from tests.factories import row_counts
from tests.integration.complaint_helpers import consult, decided, give_view, record


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def form_data(the_council, **overrides) -> dict:
    data = {
        "reference": "1411",
        "reported_with": "",
        "received_on_0": "23",
        "received_on_1": "10",
        "received_on_2": "2025",
        "council": "borough",
        "member": str(the_council.groups[0].members[0].pk),
        "local_council": "",
        "councillor_name": "",
        "complainant_type": Complaint.ComplainantType.PUBLIC,
        "complainant_name": "Pat Complainant",
        "complainant_contact": "pat@example.org",
        "nature_kind": Complaint.NatureKind.MEETING,
        "nature": "Behaviour not in accordance with the code of conduct during a meeting",
        "details": "At the planning committee.",
    }
    data.update(overrides)
    return data


def test_the_monitoring_officer_records_a_complaint_through_the_page_D4(council):
    client = signed_in(council.monitoring_officer)
    assert client.get("/complaints/new/").status_code == 200
    response = client.post("/complaints/new/", form_data(council))
    complaint = Complaint.objects.get(reference="1411")
    assert response.status_code == 302 and response.url == f"/complaints/{complaint.pk}/"
    assert complaint.received_on == datetime.date(2025, 10, 23)
    assert complaint.member == council.groups[0].members[0]
    page = client.get(response.url).content.decode()
    assert "Complaint 1411" in page and "Consult an Independent Person" in page


def test_a_parish_councillor_is_recorded_by_name_and_council_D4(council):
    client = signed_in(council.monitoring_officer)
    response = client.post(
        "/complaints/new/",
        form_data(
            council,
            council="local",
            member="",
            local_council=str(council.parish_council.pk),
            councillor_name="Cllr Ada Parish",
            complainant_type=Complaint.ComplainantType.PARISH_COUNCILLOR,
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(reference="1411")
    assert (complaint.local_council, complaint.councillor_name, complaint.member) == (
        council.parish_council,
        "Cllr Ada Parish",
        None,
    )


def test_the_form_refuses_a_10000_character_details_naming_the_field_and_its_limit_and_saves_nothing(council):
    client = signed_in(council.monitoring_officer)
    before = row_counts()
    response = client.post("/complaints/new/", form_data(council, details="x" * 10_000))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The details of the complaint must be 5,000 characters or fewer" in page
    assert 'href="#id_details"' in page  # the error summary leads to the field
    assert row_counts() == before


def test_the_form_refuses_a_complaint_about_someone_who_is_not_a_councillor_D4(council, officer):
    client = signed_in(council.monitoring_officer)
    before = row_counts()
    response = client.post("/complaints/new/", form_data(council, member=str(officer.pk)))
    assert response.status_code == 400
    assert row_counts() == before


def test_a_bad_and_a_duplicate_reference_are_refused_on_the_reference_field(council):
    record(council, reference="1411")
    client = signed_in(council.monitoring_officer)
    bad = client.post("/complaints/new/", form_data(council, reference="14-11")).content.decode()
    assert "A case reference is a number of up to 8 digits" in bad
    duplicate = client.post("/complaints/new/", form_data(council, reference="1411"))
    assert duplicate.status_code == 400
    assert "There is already a complaint with the reference 1411" in duplicate.content.decode()


def test_script_in_any_field_is_shown_as_text_on_the_page_and_in_the_e_mail(council, independent_person):
    script = "<script>alert('x')</script>"
    complaint = record(council, nature=f"Nature {script}", details=f"Details {script}", complainant_name=script)
    consult(council, complaint)
    give_view(council, complaint, view=f"View {script}")
    page = signed_in(council.monitoring_officer).get(f"/complaints/{complaint.pk}/").content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    mail = Notification.objects.get(
        kind="complaint-consultation", recipient=independent_person, channel=Notification.Channel.EMAIL
    )
    assert script not in mail.body_html and "&lt;script&gt;" in mail.body_html


def test_a_decision_before_the_independent_persons_view_is_refused_with_a_clear_message_on_the_page_D4(council):
    complaint = record(council)
    client = signed_in(council.monitoring_officer)
    assert "Record the decision" not in client.get(f"/complaints/{complaint.pk}/").content.decode()
    for response in (
        client.get(f"/complaints/{complaint.pk}/decide/"),
        client.post(
            f"/complaints/{complaint.pk}/decide/",
            {"decision": "no-further-action", "decided_on_0": "1", "decided_on_1": "3", "decided_on_2": "2026"},
        ),
    ):
        assert response.status_code == 409
        assert "The Independent Person must be consulted, and give their view, before any decision" in (
            response.content.decode()
        )
    assert Complaint.objects.get(pk=complaint.pk).decision == ""


def test_the_independent_person_gives_a_view_on_the_page_and_the_monitoring_officer_then_decides_D4(
    council, independent_person
):
    complaint = record(council)
    mo = signed_in(council.monitoring_officer)
    response = mo.post(f"/complaints/{complaint.pk}/consult/", {"independent_person": str(independent_person.pk)})
    assert response.status_code == 302
    ip = signed_in(independent_person)
    assert "Give your view" in ip.get(f"/complaints/{complaint.pk}/").content.decode()
    empty = ip.post(f"/complaints/{complaint.pk}/view/", {"view": ""})
    assert empty.status_code == 400 and "Enter your view" in empty.content.decode()
    assert ip.post(f"/complaints/{complaint.pk}/view/", {"view": "Within the Code."}).status_code == 302
    today = selectors.today()
    response = mo.post(
        f"/complaints/{complaint.pk}/decide/",
        {
            "decision": "not-accepted",
            "decision_reason": "",
            "decided_on_0": str(today.day),
            "decided_on_1": str(today.month),
            "decided_on_2": str(today.year),
        },
    )
    assert response.status_code == 400
    assert "Give the reason the complaint is not accepted" in response.content.decode()
    response = mo.post(
        f"/complaints/{complaint.pk}/decide/",
        {
            "decision": "not-accepted",
            "decision_reason": "Not acting in an official capacity",
            "decided_on_0": str(today.day),
            "decided_on_1": str(today.month),
            "decided_on_2": str(today.year),
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.decision == "not-accepted" and complaint.decided_on == today


def test_the_member_told_sees_the_complaint_and_decision_but_not_its_handling_or_the_complainant_D4(council):
    complaint = decided(council, complainant_name="Pat Complainant")
    member = signed_in(complaint.member)
    assert member.get(f"/complaints/{complaint.pk}/").status_code == 404
    assert member.get("/complaints/").status_code == 404
    complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Test", complaint=complaint)
    page = member.get(f"/complaints/{complaint.pk}/").content.decode()
    assert complaint.nature in page and "No further action" in page
    for hidden in ("Pat Complainant", "pat@example.org", "The conduct falls within the Code", "Member of the public"):
        assert hidden not in page
    assert complaint.reference in member.get("/complaints/").content.decode()


def test_actions_close_tell_and_withdraw_are_offered_exactly_when_the_workflow_allows_them(council):
    open_complaint = record(council, reference="1500")
    page = signed_in(council.monitoring_officer).get(f"/complaints/{open_complaint.pk}/").content.decode()
    assert (
        "Record that it was withdrawn" in page and "Tell the councillor" in page and "Close the complaint" not in page
    )
    complaint = decided(council, reference="1501")
    client = signed_in(council.monitoring_officer)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "Close the complaint" in page and "Record that it was withdrawn" not in page
    assert client.post(f"/complaints/{complaint.pk}/close/").status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).state == Complaint.State.CLOSED
    response = client.post(f"/complaints/{open_complaint.pk}/withdraw/", {"reason": "Withdrawn by letter"})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=open_complaint.pk).state == Complaint.State.WITHDRAWN


@pytest.mark.parametrize("who", ["officer", "chief_executive", "group_leader", "democratic_services"])
def test_others_get_not_found_on_the_complaint_pages(council, who):
    complaint = record(council)
    person = (
        getattr(council, who, None)
        or {
            "officer": council.directorates[0].officers[0],
            "group_leader": council.groups[0].leader,
        }[who]
    )
    client = signed_in(person)
    for path in ("/complaints/", f"/complaints/{complaint.pk}/", f"/complaints/{complaint.pk}/consult/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/complaints/new/").status_code == 403


def test_after_an_investigation_the_page_offers_a_new_consultation_and_no_decision_until_the_view_D4(
    council, independent_person
):
    complaint = record(council)
    consult(council, complaint)
    give_view(council, complaint)
    complaints.complaint_decide(
        actor=council.monitoring_officer,
        reason="Test",
        complaint=complaint,
        decision=Complaint.Decision.INVESTIGATION,
        decided_on=selectors.today(),
    )
    mo = signed_in(council.monitoring_officer)
    page = mo.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "Consult an Independent Person" in page and "Record the decision" not in page
    assert (
        mo.post(f"/complaints/{complaint.pk}/consult/", {"independent_person": independent_person.pk}).status_code
        == 302
    )
    assert mo.get(f"/complaints/{complaint.pk}/decide/").status_code == 409
    give_view(council, complaint, view="The investigation found no breach.")
    assert "Record the decision" in mo.get(f"/complaints/{complaint.pk}/").content.decode()


def test_script_in_the_nature_is_escaped_in_the_e_mail_telling_the_member(council):
    script = "<script>alert('x')</script>"
    complaint = record(council, nature=f"Nature {script}")
    complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Test", complaint=complaint)
    mail = Notification.objects.get(kind="complaint-told", channel=Notification.Channel.EMAIL)
    assert script not in mail.body_html and "&lt;script&gt;" in mail.body_html
    assert mail.link_path == f"/complaints/{complaint.pk}/"
