"""The declaration pages (B1-B7): who gets each page, who gets "not found", what each does, and
how refusals read. Each goes through the real views, selectors and services."""

import datetime

import pytest
from django.test import Client
from django.utils.html import escape

from register import selectors
from register.models import Declaration, DeclarationConfirmation, Person
from register.models.declarations import WHAT_COUNTS, WHAT_DOES_NOT_COUNT
from register.services.history import save_with_history
from register.services.system import system_user
from tests.factories import PersonFactory
from tests.integration.declaration_helpers import BEGAN, declare, review

State = Declaration.State


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def member(council):
    return council.groups[0].members[0]


@pytest.fixture
def place_officer(council):
    return council.directorates[0].officers[0]


@pytest.fixture
def declared(member, place_officer):
    """A councillor's declaration of a friendship with an officer, routed to the Monitoring Officer."""
    return declare(member, place_officer)


def test_a_councillor_declares_a_relationship_with_the_B2_guidance_on_the_form_B1_B2(council, member, place_officer):
    client = signed_in(member)
    form = client.get("/declarations/new/")
    text = page_text(form)
    assert form.status_code == 200
    assert escape(WHAT_COUNTS[1]) in text and escape(WHAT_DOES_NOT_COUNT[1]) in text
    assert "Social media connections alone" in text
    assert f"goes to <strong>{council.monitoring_officer}</strong>" in text
    assert f">{place_officer}</option>" in text
    assert f">{council.groups[1].members[0]}</option>" not in text  # councillors declare officers only

    response = client.post(
        "/declarations/new/",
        {
            "other_person": place_officer.pk,
            "kind": "friendship",
            "began_on_0": "1",
            "began_on_1": "6",
            "began_on_2": "2024",
            "description": "We play five-a-side every Thursday.",
        },
    )

    declaration = Declaration.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/declarations/{declaration.pk}/"
    assert (declaration.declarant, declaration.other_person, declaration.reviewer) == (
        member,
        place_officer,
        council.monitoring_officer,
    )
    assert declaration.began_on == datetime.date(2024, 6, 1)
    assert declaration.history.get().history_user == member
    detail = page_text(client.get(response["Location"]))
    assert "Your declaration has gone to" in detail and "Awaiting review" in detail


def test_an_officer_chooses_their_assistant_director_or_director_B4(council, place_officer, member):
    place = council.directorates[0]
    client = signed_in(place_officer)
    text = page_text(client.get("/declarations/new/"))
    assert "Who should review it?" in text
    assert f"{place.assistant_director} (Assistant Director of Place)" in text
    assert f"{place.director} (Director of Place)" in text

    client.post(
        "/declarations/new/",
        {
            "other_person": member.pk,
            "kind": "family",
            "family_relation": "cousin",
            "began_on_0": "3",
            "began_on_1": "4",
            "began_on_2": "1990",
            "description": "My cousin.",
            "reviewer": place.director.pk,
        },
    )
    declaration = Declaration.objects.get()
    assert (declaration.reviewer, declaration.kind_text) == (place.director, "Family (cousin)")


def test_a_form_with_errors_says_so_in_the_title_and_the_error_summary_with_status_400(member, place_officer):
    response = signed_in(member).post("/declarations/new/", {"other_person": place_officer.pk, "kind": "friendship"})
    text = page_text(response)
    assert response.status_code == 400
    assert "<title>Error: Declare a relationship" in text
    assert 'class="govuk-error-summary"' in text
    assert "Describe the relationship in a few words" in text
    assert "Enter the date the relationship began" in text
    assert not Declaration.objects.exists()


def test_a_refusal_by_the_service_is_shown_on_the_field_it_names(member, place_officer):
    future = selectors.today() + datetime.timedelta(days=40)
    response = signed_in(member).post(
        "/declarations/new/",
        {
            "other_person": place_officer.pk,
            "kind": "friendship",
            "family_relation": "",
            "description": "Friends.",
            "began_on_0": future.day,
            "began_on_1": future.month,
            "began_on_2": future.year,
        },
    )
    text = page_text(response)
    assert "<title>Error:" in text
    assert 'href="#id_began_on"' in text and "The relationship cannot begin in the future" in text
    assert not Declaration.objects.exists()


def test_a_date_that_does_not_exist_is_refused_in_plain_words(member, place_officer):
    response = signed_in(member).post(
        "/declarations/new/",
        {
            "other_person": place_officer.pk,
            "kind": "friendship",
            "description": "Friends.",
            "began_on_0": "31",
            "began_on_1": "2",
            "began_on_2": "2024",
        },
    )
    assert "The date the relationship began must be a real date" in page_text(response)


def test_only_councillors_and_officers_have_declaration_pages(db):
    system = signed_in(PersonFactory(kind=Person.Kind.SYSTEM, username="register-robot"))
    for url in ["/declarations/", "/declarations/naming-you/", "/declarations/confirm/"]:
        assert system.get(url).status_code == 404, url
    # Declaring is a move: refused naming the rule, as the API refuses it (B1).
    refused = system.get("/declarations/new/")
    assert refused.status_code == 403 and "(protocol rule B1)" in page_text(refused)


def test_signing_in_comes_first(db):
    response = Client().get("/declarations/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_the_declarant_sees_their_declarations_with_status_tags(member, place_officer, council, declared):
    review(declared)
    declare(member, council.directorates[1].officers[0], kind=Declaration.Kind.BUSINESS)
    text = page_text(signed_in(member).get("/declarations/"))
    assert 'govuk-tag govuk-tag--yellow">Advice given, awaiting acknowledgement' in text
    assert 'govuk-tag govuk-tag--blue">Awaiting review' in text
    assert "Read the advice" in text


def test_who_sees_a_declaration_in_full_and_who_finds_nothing(council, member, place_officer, declared):
    url = f"/declarations/{declared.pk}/"
    for person in [member, council.monitoring_officer, council.auditor]:
        text = page_text(signed_in(person).get(url))
        assert declared.description in text, person
    named = signed_in(place_officer).get(url)
    assert named.status_code == 200
    assert declared.description not in page_text(named) and "A declaration that names you" in page_text(named)
    for person in [
        council.chief_executive,
        council.groups[0].leader,
        council.directorates[0].director,
        council.groups[1].members[0],
    ]:
        response = signed_in(person).get(url)
        assert response.status_code == 404, person
        assert "Page not found" in page_text(response)
    assert signed_in(council.monitoring_officer).get(f"/declarations/{declared.pk + 1000}/").status_code == 404


def test_the_monitoring_officer_records_advice_and_the_member_acknowledges_it_B3(council, member, declared):
    monitoring = signed_in(council.monitoring_officer)
    queue = page_text(monitoring.get("/declarations/to-review/"))
    assert f'href="/declarations/{declared.pk}/review/"' in queue

    response = monitoring.post(
        f"/declarations/{declared.pk}/review/",
        {
            "advice": "Declare the interest whenever the officer attends.",
            "action_agreed": "declare-at-meetings",
            "action_detail": "",
        },
    )
    assert response.status_code == 302
    declared.refresh_from_db()
    assert (declared.state, declared.reviewed_by) == (State.REVIEWED, council.monitoring_officer)

    client = signed_in(member)
    detail = page_text(client.get(f"/declarations/{declared.pk}/"))
    assert "Declare the interest whenever the officer attends." in detail
    assert "Acknowledge the advice" in detail
    assert client.post(f"/declarations/{declared.pk}/acknowledge/").status_code == 302
    declared.refresh_from_db()
    assert declared.state == State.ACKNOWLEDGED
    assert "You have acknowledged the advice" in page_text(client.get(f"/declarations/{declared.pk}/"))


def test_a_review_refused_by_the_service_names_the_field(council, declared):
    response = signed_in(council.monitoring_officer).post(
        f"/declarations/{declared.pk}/review/",
        {
            "advice": "Fine.",
            "action_agreed": "no-action",
            "action_detail": "Something else",
        },
    )
    text = page_text(response)
    assert "<title>Error:" in text and 'href="#id_action_detail"' in text
    assert "Only an &#x27;other&#x27; action is described in words" in text
    declared.refresh_from_db()
    assert declared.state == State.SUBMITTED


def test_someone_who_may_see_a_declaration_but_not_review_it_is_told_why(council, member, place_officer, declared):
    refused = signed_in(member).get(f"/declarations/{declared.pk}/review/")
    assert refused.status_code == 403
    assert f"goes to {council.monitoring_officer} (Monitoring Officer) for review, not to you" in page_text(refused)
    assert signed_in(place_officer).get(f"/declarations/{declared.pk}/review/").status_code == 403
    assert signed_in(council.chief_executive).get(f"/declarations/{declared.pk}/review/").status_code == 404
    assert (
        signed_in(council.auditor)
        .post(f"/declarations/{declared.pk}/review/", {"advice": "x", "action_agreed": "no-action"})
        .status_code
        == 403
    )
    declared.refresh_from_db()
    assert declared.state == State.SUBMITTED


def test_only_the_declarant_acknowledges_ends_or_withdraws(council, place_officer, declared):
    review(declared)
    for url in ["acknowledge", "end", "withdraw"]:
        assert signed_in(council.monitoring_officer).post(f"/declarations/{declared.pk}/{url}/").status_code == 403
        assert signed_in(place_officer).post(f"/declarations/{declared.pk}/{url}/").status_code == 403
        assert signed_in(council.groups[0].leader).post(f"/declarations/{declared.pk}/{url}/").status_code == 404
    declared.refresh_from_db()
    assert declared.state == State.REVIEWED


def test_acknowledging_twice_is_explained_not_repeated(member, declared):
    review(declared)
    client = signed_in(member)
    client.post(f"/declarations/{declared.pk}/acknowledge/")
    again = client.post(f"/declarations/{declared.pk}/acknowledge/")
    assert again.status_code == 409
    assert "This cannot be done now: it is advice acknowledged." in page_text(again)


def test_the_declarant_records_that_the_relationship_ended(member, declared):
    client = signed_in(member)
    too_early = BEGAN - datetime.timedelta(days=1)
    refused = client.post(
        f"/declarations/{declared.pk}/end/",
        {"ended_on_0": too_early.day, "ended_on_1": too_early.month, "ended_on_2": too_early.year},
    )
    assert "cannot end" in page_text(refused) and 'href="#id_ended_on"' in page_text(refused)
    today = selectors.today()
    response = client.post(
        f"/declarations/{declared.pk}/end/",
        {"ended_on_0": today.day, "ended_on_1": today.month, "ended_on_2": today.year},
    )
    assert response.status_code == 302
    declared.refresh_from_db()
    assert (declared.state, declared.ended_on) == (State.ENDED, today)
    assert signed_in(member).get(f"/declarations/{declared.pk}/end/").status_code == 409  # ended is final


def test_the_declarant_withdraws_a_declaration_made_in_error_and_nothing_is_deleted_C3(member, declared):
    client = signed_in(member)
    assert "Nothing is deleted" in page_text(client.get(f"/declarations/{declared.pk}/withdraw/"))
    assert client.post(f"/declarations/{declared.pk}/withdraw/").status_code == 302
    declared.refresh_from_db()
    assert declared.state == State.WITHDRAWN
    assert 'govuk-tag--grey">Withdrawn (made in error)' in page_text(client.get("/declarations/"))


def test_the_other_person_makes_their_own_declaration_in_one_step_and_the_two_are_linked_B1(
    council, member, place_officer, declared
):
    client = signed_in(place_officer)
    naming = page_text(client.get("/declarations/naming-you/"))
    assert f"/declarations/new/?in-reply-to={declared.pk}" in naming
    assert declared.description not in naming

    form = page_text(client.get(f"/declarations/new/?in-reply-to={declared.pk}"))
    assert f"{member} has declared a relationship with you (friendship)" in form
    assert f'<option value="{member.pk}" selected>' in form
    response = client.post(
        f"/declarations/new/?in-reply-to={declared.pk}",
        {
            "other_person": member.pk,
            "kind": "friendship",
            "began_on_0": "1",
            "began_on_1": "6",
            "began_on_2": "2024",
            "description": "Five-a-side on Thursdays.",
            "reviewer": council.directorates[0].assistant_director.pk,
        },
    )
    assert response.status_code == 302
    own = Declaration.objects.get(declarant=place_officer)
    declared.refresh_from_db()
    assert (own.counterpart, declared.counterpart) == (declared, own)
    assert "Linked" in page_text(client.get("/declarations/naming-you/"))


def test_answering_a_declaration_that_does_not_name_you_is_not_found(council, declared):
    other_officer = council.directorates[1].officers[0]
    assert signed_in(other_officer).get(f"/declarations/new/?in-reply-to={declared.pk}").status_code == 404
    assert signed_in(other_officer).get("/declarations/new/?in-reply-to=banana").status_code == 404


def test_re_confirmation_shows_when_it_is_next_due_and_refuses_nothing_to_declare_with_open_declarations_B6(
    member, declared
):
    client = signed_in(member)
    page = page_text(client.get("/declarations/"))
    assert "Your yearly confirmation" in page and "Next due by" in page

    refused = client.post("/declarations/confirm/", {"answer": "nothing"})
    text = page_text(refused)
    assert "<title>Error:" in text and "(protocol rule B6)" in text and 'href="#id_answer"' in text
    assert not DeclarationConfirmation.objects.exists()

    response = client.post("/declarations/confirm/", {"answer": "current"})
    assert response.status_code == 302 and response["Location"] == "/declarations/"
    confirmation = DeclarationConfirmation.objects.get()
    assert (confirmation.person, confirmation.nothing_to_declare) == (member, False)
    next_due = confirmation.confirmed_on + datetime.timedelta(days=365)
    assert f"The next is due by {next_due:%-d %B %Y}" in page_text(client.get("/declarations/"))


def test_nothing_to_declare_counts_as_a_confirmation_B6(council):
    officer = council.directorates[1].officers[2]
    response = signed_in(officer).post("/declarations/confirm/", {"answer": "nothing"})
    assert response.status_code == 302
    assert DeclarationConfirmation.objects.get().nothing_to_declare


@pytest.mark.parametrize(
    "role, status",
    [
        ("monitoring_officer", 200),
        ("deputy_monitoring_officer", 200),
        ("chief_executive", 200),
        ("director", 200),
        ("assistant_director", 200),
        ("member", 404),
        ("group_leader", 404),
        ("officer", 404),
        ("auditor", 404),
    ],
)
def test_the_review_list_is_for_reviewers_only_B3_B4(council, role, status):
    assert signed_in(person_in(council, role)).get("/declarations/to-review/").status_code == status


@pytest.mark.parametrize(
    "role, status",
    [
        ("monitoring_officer", 200),
        ("director", 200),
        ("chief_executive", 200),
        ("auditor", 200),
        ("assistant_director", 404),
        ("deputy_monitoring_officer", 404),
        ("member", 404),
        ("officer", 404),
    ],
)
def test_who_has_not_re_confirmed_is_for_those_who_oversee_it_B6(council, role, status):
    assert signed_in(person_in(council, role)).get("/declarations/not-confirmed/").status_code == status


@pytest.mark.parametrize(
    "role, status",
    [
        ("monitoring_officer", 200),
        ("auditor", 200),
        ("chief_executive", 404),
        ("director", 404),
        ("member", 404),
    ],
)
def test_every_declaration_is_listed_for_the_monitoring_officer_and_auditors_only(council, role, status):
    assert signed_in(person_in(council, role)).get("/declarations/all/").status_code == status


def test_a_director_sees_their_own_officers_who_have_not_re_confirmed_B6(council):
    place, resources = council.directorates
    for person in [*place.officers, *resources.officers]:
        joined_long_ago(person)
    text = page_text(signed_in(place.director).get("/declarations/not-confirmed/"))
    assert str(place.officers[0]) in text and "Never" in text
    assert str(resources.officers[0]) not in text


def joined_long_ago(person):
    """Past a newcomer's first allowance, so that not having confirmed is overdue."""
    person.date_joined -= datetime.timedelta(days=60)
    save_with_history(person, actor=system_user(), reason="Test data: joined earlier", update_fields=["date_joined"])


def person_in(council, role):
    return {
        "monitoring_officer": council.monitoring_officer,
        "deputy_monitoring_officer": council.deputy_monitoring_officer,
        "chief_executive": council.chief_executive,
        "director": council.directorates[0].director,
        "assistant_director": council.directorates[0].assistant_director,
        "member": council.groups[0].members[0],
        "group_leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
        "auditor": council.auditor,
    }[role]


@pytest.mark.parametrize("path", ["", "review/", "end/", "withdraw/"])
def test_an_id_beyond_any_record_is_page_not_found(council, path):
    response = signed_in(council.monitoring_officer).get(f"/declarations/{10**30}/{path}")
    assert response.status_code == 404
