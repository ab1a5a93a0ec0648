"""The concern pages (D1-D3, D6): raising one through the form (where it goes, the choice 002 offers,
the whistleblowing policy beside it), bad input on the form, the handler's moves from the concern's
page, and every list's cost in queries, on the pages and in the API."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register import selectors
from register.models import Concern, Notification, Person
from register.services.conduct import concerns as services
from tests.factories import approved_request, make_person, row_counts
from tests.integration.concern_helpers import raise_concern


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def form(**values):
    day = selectors.today() - datetime.timedelta(days=1)
    data = {
        "about": "conduct",
        "what_happened": "The officer spoke to the press about our group's budget amendment.",
        "happened_on_0": day.day,
        "happened_on_1": day.month,
        "happened_on_2": day.year,
    }
    data.update(values)
    return data


# --- Raising a concern ---------------------------------------------------------------------------------


def test_the_form_says_where_a_concern_goes_and_offers_the_whistleblowing_policy_D1(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    settings.WHISTLEBLOWING_POLICY_URL = "https://www.testshire.example/whistleblowing"
    text = signed_in(council.groups[0].members[0]).get("/concerns/raise/").content.decode()
    assert f"Your concern goes to {council.monitoring_officer} (Monitoring Officer)" in text
    assert 'href="https://www.testshire.example/whistleblowing"' in text
    assert "follow the Council&#x27;s whistleblowing policy and procedure" in text
    assert "Do not tell them who raised this" in text
    assert "always knows who raised it" in text
    assert "Who should handle it?" not in text, "004 offers no choice"


def test_under_002_a_councillor_chooses_the_officers_chief_officer_and_sees_where_it_went_D1(council, settings):
    settings.CONCERNS_PROTOCOL = "redress"
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    client = signed_in(member)
    assert "Who should handle it?" in client.get("/concerns/raise/").content.decode()
    response = client.post(
        "/concerns/raise/", form(concerned_person=officer.pk, route="chief-officer", raiser_withheld="on")
    )
    concern = Concern.objects.get()
    assert response.status_code == 302 and response.url == f"/concerns/{concern.pk}/raised/"
    assert (concern.handler, concern.raiser_withheld, concern.rule) == (council.directorates[0].director, True, "D1")
    confirmation = client.get(response.url).content.decode()
    assert concern.reference in confirmation
    assert str(council.directorates[0].director) in confirmation


def test_an_officer_raises_a_concern_about_a_councillor_D2(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    officer, member = council.directorates[1].officers[0], council.groups[1].members[0]
    client = signed_in(officer)
    text = client.get("/concerns/raise/").content.decode()
    assert "Which councillor is it about?" in text and "What is your concern about?" not in text
    assert client.post("/concerns/raise/", form(concerned_person=member.pk)).status_code == 302
    assert Concern.objects.get().handler == council.directorates[1].assistant_director


def test_a_councillors_information_concern_needs_nobody_named_D3(council, settings):
    member = council.groups[0].members[0]
    response = signed_in(member).post("/concerns/raise/", form(about="information"))
    assert response.status_code == 302
    assert Concern.objects.get().kind == Concern.Kind.INFORMATION


def test_a_concern_about_this_briefing_is_offered_from_the_briefings_page(council):
    leader = council.groups[0].leader
    briefing = approved_request(council)
    client = signed_in(leader)
    text = client.get(f"/attendance/{briefing.pk}/").content.decode()
    assert f'href="/concerns/raise/?briefing={briefing.pk}"' in text
    raise_form = client.get(f"/concerns/raise/?briefing={briefing.pk}").content.decode()
    assert f'<option value="{briefing.pk}" selected>' in raise_form


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"what_happened": "x" * 10_000}, "what_happened", "5,000 characters or fewer"),
        ({"what_happened": ""}, "what_happened", "Say what happened"),
        ({"concerned_person": ""}, "concerned_person", "Choose the officer"),
        ({"happened_on_2": "2099"}, "happened_on", "cannot be in the future"),
    ],
    ids=["ten-thousand-characters", "empty", "nobody-named", "future"],
)
def test_bad_input_on_the_form_is_shown_on_its_field_and_nothing_is_saved(council, values, field, words):
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    before = row_counts()
    response = signed_in(member).post("/concerns/raise/", form(**{"concerned_person": officer.pk, **values}))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert f'href="#id_{field}' in response.content.decode(), "the error summary leads to the field"
    assert row_counts() == before


def test_a_concern_about_oneself_is_not_offered_and_is_refused_if_posted(council):
    officer = council.directorates[0].officers[0]
    colleague = council.directorates[0].officers[1]
    response = signed_in(officer).post("/concerns/raise/", form(concerned_person=colleague.pk))
    assert response.status_code == 400, "an officer is not on the list of councillors"
    assert not Concern.objects.exists()


def test_script_typed_into_a_concern_is_escaped_on_every_page(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    member = council.groups[0].members[0]
    concern = raise_concern(member, None, what_happened="<script>alert('concern')</script>")
    for person in (member, council.monitoring_officer):
        text = signed_in(person).get(f"/concerns/{concern.pk}/").content.decode()
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(&#x27;concern&#x27;)&lt;/script&gt;" in text
    email = Notification.objects.get(kind="concern-received", channel="email")
    assert "<script>alert" not in email.body_html


# --- The handler's moves on the concern's page ---------------------------------------------------------


def test_the_handler_acknowledges_tells_and_closes_from_the_concerns_page(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    concern = raise_concern(member, officer)
    client = signed_in(council.monitoring_officer)
    text = client.get(f"/concerns/{concern.pk}/").content.decode()
    assert "Acknowledge the concern" in text and "Close with this outcome" not in text
    assert client.post(f"/concerns/{concern.pk}/acknowledge/").status_code == 302
    refused = client.post(f"/concerns/{concern.pk}/tell/", {"tell-reason": ""})
    assert refused.status_code == 400 and "Write a note" in refused.content.decode()
    assert client.post(f"/concerns/{concern.pk}/tell/", {"tell-reason": "So they can answer"}).status_code == 302
    closed = client.post(
        f"/concerns/{concern.pk}/close/", {"close-outcome": "not-upheld", "close-outcome_detail": "No breach found."}
    )
    assert closed.status_code == 302
    concern.refresh_from_db()
    assert (concern.state, concern.outcome) == (Concern.State.CLOSED, "not-upheld")
    assert concern.concerned_person_told_at is not None


def test_a_move_the_viewer_may_not_make_is_refused_and_an_unseen_concern_is_not_found(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    member = council.groups[0].members[0]
    concern = raise_concern(member, None)
    assert signed_in(member).post(f"/concerns/{concern.pk}/acknowledge/").status_code == 403
    assert signed_in(council.auditor).post(f"/concerns/{concern.pk}/close/", {}).status_code == 403
    assert signed_in(council.groups[1].leader).post(f"/concerns/{concern.pk}/withdraw/").status_code == 404
    assert signed_in(member).post(f"/concerns/{concern.pk}/no-such-move/").status_code == 404
    assert signed_in(member).post(f"/concerns/{concern.pk}/withdraw/", {"withdraw-reason": ""}).status_code == 302


# --- Every list costs a fixed number of queries ----------------------------------------------------------


def many_concerns(council, how_many):
    """``how_many`` concerns raised by one councillor about officers, and the same number by officers
    about that councillor that were told to them; all under 004, so the Monitoring Officer handles
    the councillor's and the officers' Assistant Directors handle theirs."""
    member = council.groups[0].members[0]
    for _ in range(how_many):
        officer = make_person(Person.Kind.OFFICER)
        council.join(officer, council.directorates[0].organization)
        raise_concern(member, officer)
        about_member = raise_concern(officer, member)
        handler = about_member.handler
        about_member = services.concern_acknowledge(concern=about_member, actor=handler)
        services.concern_tell_concerned_person(concern=about_member, actor=handler, reason="To hear them")
    return member


# Every signed-in page: the session; the person with their posts today (for the navigation), in one
# statement.
SIGNED_IN = 2


@pytest.mark.parametrize("how_many", [2, 12])
def test_the_concerns_page_costs_the_same_whatever_the_number_of_rows_D1_D2(
    council, settings, how_many, django_assert_num_queries
):
    settings.CONCERNS_PROTOCOL = "complaints"
    member = many_concerns(council, how_many)
    client = signed_in(member)
    # Raised by them, to handle, about them (each one statement, joined).
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get("/concerns/")
    assert response.content.decode().count("Not named, at their request") == 0
    assert response.content.decode().count('<tr class="govuk-table__row">') == 2 * how_many + 2


@pytest.mark.parametrize("how_many", [2, 12])
def test_the_monitoring_officers_concerns_page_costs_the_same_whatever_the_number_of_rows_D1_D2(
    council, settings, how_many, django_assert_num_queries
):
    settings.CONCERNS_PROTOCOL = "complaints"
    many_concerns(council, how_many)
    client = signed_in(council.monitoring_officer)
    # Raised, to handle, about them; all concerns: the paginator's count and the page.
    with django_assert_num_queries(SIGNED_IN + 5):
        response = client.get("/concerns/")
    assert "All concerns" in response.content.decode()


@pytest.mark.parametrize("how_many", [2, 12])
def test_the_concerns_api_list_costs_the_same_whatever_the_number_of_rows_D1_D2(
    council, settings, how_many, django_assert_num_queries
):
    settings.CONCERNS_PROTOCOL = "complaints"
    many_concerns(council, how_many)
    client = APIClient()
    client.force_authenticate(council.monitoring_officer)
    # The caller's standing; the page of concerns, joined, with the count in the same statement.
    with django_assert_num_queries(2):
        response = client.get("/api/concerns/")
    assert response.json()["count"] == 2 * how_many
    assert all("actions" in row for row in response.json()["results"])
