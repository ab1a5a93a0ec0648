"""Issue 19's complaint journey in a real Chromium (D4): a member of the public's complaint entered by the
Monitoring Officer goes through the Independent Person's consultation to a decision. The Monitoring Officer
records it and consults; no decision is offered before the view; the Independent Person signs in, sees the
complaint (not the complainant's contact details) and gives their view; the Monitoring Officer decides.
axe-core finds nothing serious on any page, and no page scrolls sideways."""

import pytest
from django.core.management import call_command

from register.models import Organization, Person, Post
from register.models.conduct import Complaint
from register.services import people
from register.services.system import system_user
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCRIPT = "<script>window.hacked = true</script>"


def an_independent_person() -> Person:
    """An Independent Person in post on the demo council, who signs in with the demo password."""
    actor = system_user()
    demo = Person.objects.get(username="monitoring-officer")
    person = people.person_create(
        actor=actor,
        reason="Journey: appointed by Council",
        username="journey-independent",
        first_name="Ruth",
        last_name="Okonjo",
        email="ruth.okonjo@demoshire.example",
        kind=Person.Kind.INDEPENDENT,
        password_hash=demo.password,
    )
    council = Organization.objects.get(classification=Organization.Classification.COUNCIL)
    post = people.post_create(
        actor=actor,
        reason="Journey",
        organization=council,
        role=Post.Role.INDEPENDENT_PERSON,
        label="Independent Person (journey)",
    )
    people.post_appoint(actor=actor, reason="Journey", person=person, post=post, start_date=demo.date_joined.date())
    return person


def test_a_member_of_the_publics_complaint_goes_through_the_independent_persons_consultation_to_a_decision(
    live_server, page
):
    call_command("seed_demo")
    independent = an_independent_person()
    councillor = Person.objects.get(username="member-1")
    journey = Journey(page, live_server.url)

    # The Monitoring Officer records the complaint.
    journey.sign_in("monitoring-officer")
    page.goto(f"{live_server.url}/complaints/")
    assert_reads_well(page)
    journey.follow("Record a complaint", role="button")
    assert journey.heading() == "Record a complaint"
    page.get_by_label("Case reference").fill("1411")
    page.get_by_role("group", name="When was the complaint received?").get_by_label("Day").fill("23")
    page.get_by_role("group", name="When was the complaint received?").get_by_label("Month").fill("10")
    page.get_by_role("group", name="When was the complaint received?").get_by_label("Year").fill("2025")
    page.get_by_label("This council").check()
    page.get_by_label("Which councillor is the complaint about?").select_option(str(councillor.pk))
    page.get_by_label("Member of the public").check()
    page.get_by_label("The complainant's name").fill("Pat Resident")
    page.get_by_label("The complainant's contact details (optional)").fill("pat.resident@example.org")
    page.get_by_label("What kind of conduct is it about?").select_option(Complaint.NatureKind.MEETING)
    page.get_by_label("The nature of the complaint").fill(f"Behaviour during a planning committee {SCRIPT}")
    page.get_by_label("Details (optional)", exact=True).fill("Spoke over residents and refused to let them finish.")
    assert_reads_well(page)
    journey.submit("Record the complaint")
    assert journey.heading() == "Complaint 1411"
    assert page.evaluate("() => window.hacked === undefined")
    assert page.get_by_text(SCRIPT).count() >= 1  # shown as text, never run
    assert page.get_by_role("button", name="Record the decision").count() == 0

    # ... and consults the Independent Person.
    journey.follow("Consult an Independent Person", role="button")
    page.get_by_label(independent.name).check()
    page.get_by_label("What would you like their view on? (optional)").fill("Is this within the Code?")
    assert_reads_well(page)
    journey.submit("Ask for their view")
    assert "Independent Person consulted" in page.content()
    assert page.get_by_role("button", name="Record the decision").count() == 0
    journey.sign_out()

    # The Independent Person signs in, finds the complaint and gives their view.
    journey.sign_in("journey-independent")
    page.goto(f"{live_server.url}/complaints/")
    assert_reads_well(page)
    journey.follow("1411")
    assert "pat.resident@example.org" not in page.content() and "Pat Resident" not in page.content()
    journey.follow("Give your view", role="button")
    assert journey.heading() == "Give your view"
    journey.submit("Give your view")  # empty: the error summary says what to do
    assert page.get_by_role("alert").get_by_text("Enter your view").count() == 1
    assert_reads_well(page)
    page.get_by_label("Your view").fill("Within the Code; an informal resolution would be proportionate.")
    journey.submit("Give your view")
    assert "an informal resolution would be proportionate" in page.content()
    journey.sign_out()

    # The Monitoring Officer decides, having read the view.
    journey.sign_in("monitoring-officer")
    page.goto(f"{live_server.url}/complaints/")
    journey.follow("1411")
    assert "pat.resident@example.org" in page.content()
    journey.follow("Record the decision", role="button")
    page.get_by_label("Resolved informally").check()
    complaint = Complaint.objects.get(reference="1411")
    today = complaint.consultations.get().given_at.date()
    group = page.get_by_role("group", name="Date of the decision")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    assert_reads_well(page)
    journey.submit("Record the decision")
    assert journey.heading() == "Complaint 1411"
    assert_reads_well(page)
    complaint.refresh_from_db()
    assert (complaint.state, complaint.decision) == (Complaint.State.DECIDED, Complaint.Decision.INFORMAL_RESOLUTION)
