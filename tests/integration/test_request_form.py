"""The request form's server side (issue 16, points 2 and 6): the officer finder's options, questions
revealed by their answer, and over-long text refused naming the field with nothing typed lost."""

import datetime
import html
import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history

from register import selectors
from register.models import AttendanceRequest, Declaration, Membership, Person, Post
from register.selectors.attendance import officer_choices
from tests.factories import TERM_START

pytestmark = pytest.mark.usefixtures("clock")


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def next_week() -> datetime.date:
    return selectors.today() + datetime.timedelta(days=7)


def request_form(officers, **extra) -> dict:
    day = next_week()
    return {
        "subject": "Libraries budget",
        "scope": "The options for branch libraries",
        "officers": [officer.pk for officer in officers],
        "meeting_date_0": str(day.day),
        "meeting_date_1": str(day.month),
        "meeting_date_2": str(day.year),
        "starts_at": "18:00",
        "ends_at": "20:00",
        "place": "Committee Room 1",
        "others_present": "no",
        "needs_confidential_information": "no",
        **extra,
    }


def error_summary(response) -> str:
    page = response.content.decode()
    start = page.index("govuk-error-summary")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : page.index("</ul>", start)]))


def options(response) -> dict[str, str]:
    """The officer finder's options: value -> text."""
    page = response.content.decode()
    select = page[page.index('name="officers"') : page.index("</select>", page.index('name="officers"'))]
    return {value: html.unescape(text) for value, text in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)<', select)}


# --- Point 2: the officer finder ---------------------------------------------------------------------


def test_point_2_each_officer_option_shows_post_directorate_and_the_politically_restricted_mark_A1(council):
    place = council.directorates[0]
    restricted = council.appoint(
        place.officers[0], place.organization, Post.Role.OFFICER, "Head of Planning", politically_restricted=True
    )
    assert restricted.politically_restricted
    offered = options(signed_in(council.groups[0].leader).get("/attendance/new/"))
    assert (
        offered[str(place.officers[0].pk)]
        == f"{place.officers[0].name} — Head of Planning, Place (politically restricted)"
    )
    assert offered[str(place.director.pk)] == f"{place.director.name} — Director of Place, Place"
    assert offered[str(place.officers[1].pk)] == f"{place.officers[1].name} — Place"
    assert str(council.groups[0].members[0].pk) not in offered  # councillors are not officers to ask


def test_point_2_two_officers_of_the_same_name_are_told_apart(council):
    place, resources = council.directorates
    for officer in (place.officers[0], resources.officers[0], place.officers[1]):
        officer.first_name, officer.last_name = "Sam", "Lee"
        officer.save(update_fields=["first_name", "last_name"])  # test data only: names as a council might have
    labels = {choice.pk: choice.label for choice in officer_choices(selectors.today())}
    assert labels[place.officers[0].pk] != labels[resources.officers[0].pk]  # told apart by directorate
    assert labels[place.officers[0].pk] != labels[place.officers[1].pk]  # same directorate: by e-mail address
    assert place.officers[1].email in labels[place.officers[1].pk]
    assert len(set(labels.values())) == len(labels)


def test_point_2_an_officer_chosen_is_asked_and_one_not_offered_is_refused_A1(council):
    leader, officer = council.groups[0].leader, council.directorates[0].officers[0]
    response = signed_in(leader).post("/attendance/new/", request_form([officer]))
    assert response.status_code == 302
    assert [i.officer for i in AttendanceRequest.objects.get().invitations.all()] == [officer]
    confirmation = signed_in(leader).get(response["Location"]).content.decode()
    assert "Request sent to the Chief Executive" in confirmation and officer.name in confirmation
    refused = signed_in(leader).post("/attendance/new/", request_form([council.groups[1].leader]))
    assert refused.status_code == 400 and "Choose officers from the list" in error_summary(refused)


def make_officers(council, count: int) -> None:
    """``count`` more officers, spread over the two directorates, one in ten in a politically restricted post.

    Test data in bulk, as tests/bench/seed.py loads it: simple-history's ``bulk_create_with_history``
    writes a history row for each person and membership, linked into the hash chain (the chain wraps
    ``bulk_history_create``, register/services/audit/chain.py), so the history still verifies after the
    test. One person at a time through the services took minutes; the page under test is the same."""
    directorates = [directorate.organization for directorate in council.directorates]
    shared = council.appoint(
        council.directorates[0].director,
        directorates[0],
        Post.Role.OFFICER,
        "Planning Officer",
        single_holder=False,
        politically_restricted=True,
    )
    officers = []
    for _ in range(count):
        number = next(_officer_numbers)
        officer = Person(
            username=f"bulk-officer-{number}",
            first_name=f"Officer{number}",
            last_name="Testperson",
            email=f"bulk-officer-{number}@council.example",
            kind=Person.Kind.OFFICER,
        )
        officer.set_unusable_password()
        officers.append(officer)
    history = {"default_user": council.system, "default_change_reason": "Test data"}
    officers = bulk_create_with_history(officers, Person, **history)
    memberships = [
        Membership(person=officer, organization=directorates[number % 2], start_date=TERM_START)
        for number, officer in enumerate(officers)
    ]
    memberships += [
        Membership(person=officer, organization=shared.organization, post=shared, start_date=TERM_START)
        for number, officer in enumerate(officers)
        if number % 10 == 0
    ]
    bulk_create_with_history(memberships, Membership, **history)


_officer_numbers = itertools.count(1)


def queries_for(client, address) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    return len(captured), response


def test_point_2_the_form_costs_the_same_queries_with_2000_officers_and_stays_usable(
    council, django_assert_num_queries
):
    client = signed_in(council.groups[0].leader)
    client.get("/attendance/new/")  # sessions and caches warm
    few, _ = queries_for(client, "/attendance/new/")
    make_officers(council, 2000)
    with django_assert_num_queries(2):  # the officers, then their posts and directorates on the day
        choices = officer_choices(selectors.today())
    assert len(choices) >= 2000
    many, response = queries_for(client, "/attendance/new/")
    assert many == few
    offered = options(response)
    assert len(offered) == len(choices) and len(set(offered.values())) == len(offered)
    assert sum("(politically restricted)" in text for text in offered.values()) >= 200
    assert len(response.content) < 1_500_000, "the page grows by a line per officer, no more"


# --- Point 6: questions revealed by their answer; character counts ---------------------------------------


def test_point_6_who_else_will_be_present_is_asked_and_checked_only_when_the_answer_is_yes_A7(council):
    leader, officer = council.groups[0].leader, council.directorates[0].officers[0]
    missing = signed_in(leader).post("/attendance/new/", request_form([officer], others_present="yes"))
    assert "Say who will be present who is neither a councillor nor an officer" in error_summary(missing)
    too_long = signed_in(leader).post(
        "/attendance/new/", request_form([officer], others_present="yes", others_present_description="x" * 301)
    )
    assert "Say who they are in 300 characters or fewer" in error_summary(too_long)
    assert not AttendanceRequest.objects.exists()
    # Answered "no": whatever is in the revealed question (typed before changing the answer, or shown
    # without JavaScript) is neither checked nor kept.
    response = signed_in(leader).post(
        "/attendance/new/", request_form([officer], others_present="no", others_present_description="x" * 301)
    )
    assert response.status_code == 302
    meeting = AttendanceRequest.objects.get().meeting
    assert (meeting.others_present, meeting.others_present_description) == (False, "")


def test_point_6_the_revealed_question_sits_under_its_answer_without_aria_on_the_radios(council):
    page = signed_in(council.groups[0].leader).get("/attendance/new/").content.decode()
    yes = page.index('id="id_others_present_0"')
    reveal = page.index(
        'class="govuk-radios__conditional govuk-radios__conditional--hidden" id="conditional_others_present_0"'
    )
    assert yes < reveal < page.index('name="others_present_description"') < page.index('id="id_others_present_1"')
    assert 'data-app-reveals="conditional_others_present_0"' in page
    assert "aria-controls" not in page[yes:reveal]


def test_point_6_an_over_long_subject_is_refused_naming_the_field_and_nothing_typed_is_lost_A5(council):
    leader, officers = council.groups[0].leader, council.directorates[0].officers[:2]
    subject = "S" * 299 + "&é<"  # 302 characters, some needing escaping
    scope = "The options for branch libraries, line one.\nAnd line two."
    response = signed_in(leader).post(
        "/attendance/new/",
        request_form(
            officers, subject=subject, scope=scope, others_present="yes", others_present_description="A researcher"
        ),
    )
    assert response.status_code == 400 and not AttendanceRequest.objects.exists()
    summary = error_summary(response)
    assert "The subject of the briefing must be 300 characters or fewer; it has 302 characters" in summary
    page = response.content.decode()
    assert 'href="#id_subject"' in page
    assert html.escape(subject) in page and html.escape(scope) in page and "A researcher" in page
    chosen = re.findall(r'<option value="(\d+)" selected>', page)
    assert sorted(chosen) == sorted(str(officer.pk) for officer in officers)
    assert re.search(r'id="id_others_present_0"\s+value="yes"\s+checked="checked"', page)
    assert "maxlength" not in page[page.index('name="subject"') - 300 : page.index('name="subject"') + 300]
    assert 'data-module="govuk-character-count" data-maxlength="300"' in page


def test_point_6_an_over_long_scope_is_refused_naming_the_field(council):
    response = signed_in(council.groups[0].leader).post(
        "/attendance/new/", request_form([council.directorates[0].officers[0]], scope="x" * 5001)
    )
    assert "The scope of the brief must be 5,000 characters or fewer; it has 5001 characters" in error_summary(response)


def test_point_6_how_you_are_related_is_asked_and_checked_only_for_a_family_relationship_B1(council):
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    began = {"began_on_0": "3", "began_on_1": "4", "began_on_2": "2019", "description": "We meet most weeks."}
    client = signed_in(member)
    page = client.get("/declarations/new/").content.decode()
    assert 'data-app-reveals="conditional_kind_' in page and "For family only" not in page
    missing = client.post("/declarations/new/", {"other_person": officer.pk, "kind": "family", **began})
    assert missing.status_code == 400 and not Declaration.objects.exists()
    assert 'href="#id_family_relation"' in missing.content.decode()
    # A friendship with a relation left in the (revealed, then hidden) question is declared without it.
    response = client.post(
        "/declarations/new/", {"other_person": officer.pk, "kind": "friendship", "family_relation": "cousin", **began}
    )
    assert response.status_code == 302
    assert Declaration.objects.get().family_relation == ""
