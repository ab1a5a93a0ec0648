"""What a signed-in API list costs (issue 23): the viewer's standing is read with the person, in the
statement that signs them in for the request (a session or a token), and a page is read with its
count in one statement; the checks are the same ones, made from the same rows."""

import datetime

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register import selectors
from register.backends import CurrentPeopleBackend
from register.models import Membership, Person, Post
from register.services import people
from register.services.sign_in.tokens import issue_token
from register.sso import SingleSignOnBackend
from tests.factories import submit_request

pytestmark = pytest.mark.usefixtures("clock")

ROLES = ["chief_executive", "deputy_chief_executive", "group_leader", "officer", "monitoring_officer", "auditor"]


def signed_in_for_a_request(person) -> Person:
    """``person`` as the session's backend loads them at the start of a request."""
    return CurrentPeopleBackend().get_user(person.pk)


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("role", ROLES)
def test_the_standing_loaded_with_the_person_is_the_standing_read_on_its_own(request, role, django_assert_num_queries):
    person = request.getfixturevalue(role)
    loaded = signed_in_for_a_request(person)
    with django_assert_num_queries(0):
        standing = selectors.standing_for_request(request_of(loaded))
    assert standing == selectors.standing_of(person)


@pytest.mark.parametrize("role", ["chief_executive", "group_leader"])
def test_a_single_sign_on_session_loads_the_standing_with_the_person_too(request, role, django_assert_num_queries):
    person = request.getfixturevalue(role)
    loaded = SingleSignOnBackend().get_user(person.pk)
    with django_assert_num_queries(0):
        standing = selectors.standing_for_request(request_of(loaded))
    assert standing == selectors.standing_of(person)


@pytest.mark.sqlite_too
@pytest.mark.parametrize("role", ROLES)
def test_the_standing_of_a_request_is_the_standing_of_its_person_on_every_database(council, request, role):
    """On SQLite too (``make run``), where the rows are read on their own: JSON dates and booleans
    read back as the same standing."""
    person = request.getfixturevalue(role)
    assert selectors.standing_for_request(request_of(signed_in_for_a_request(person))) == selectors.standing_of(person)


def test_the_deputy_acting_in_a_recorded_absence_has_it_from_the_loaded_rows_too_A2(
    council, clock, django_assert_num_queries
):
    people.absence_record(actor=council.chief_executive, start_date=clock.today, end_date=clock.today, reason="Leave")
    loaded = signed_in_for_a_request(council.deputy_chief_executive)
    with django_assert_num_queries(0):
        standing = selectors.standing_for_request(request_of(loaded))
    assert standing.acting_chief_executive
    assert standing == selectors.standing_of(council.deputy_chief_executive)
    assert not selectors.standing_of(council.chief_executive).acting_chief_executive


def test_a_standing_loaded_the_day_before_is_read_again_for_the_day_of_the_request(
    council, clock, django_assert_num_queries
):
    leader = council.groups[0].leader
    holding = Membership.objects.get(person=leader, post__role=Post.Role.GROUP_LEADER)
    people.membership_end(actor=council.system, reason="Stood down", membership=holding, end_date=clock.today)
    loaded = signed_in_for_a_request(leader)
    clock.advance(days=1)
    with django_assert_num_queries(1):
        standing = selectors.standing_for_request(request_of(loaded))
    assert standing.on == clock.today
    assert not standing.groups_led


def test_posts_changed_after_the_person_was_loaded_are_read_fresh_by_the_services(council, clock):
    leader = council.groups[0].leader
    loaded = signed_in_for_a_request(leader)
    holding = Membership.objects.get(person=leader, post__role=Post.Role.GROUP_LEADER)
    people.membership_end(
        actor=council.system, reason="Stood down", membership=holding, end_date=clock.today - datetime.timedelta(days=1)
    )
    assert not selectors.standing_of(loaded).groups_led


def test_the_standing_loaded_with_the_person_is_used_once(council, django_assert_num_queries):
    loaded = signed_in_for_a_request(council.groups[0].leader)
    selectors.standing_for_request(request_of(loaded))
    with django_assert_num_queries(1):
        selectors.standing_for_request(request_of(loaded))


def test_the_api_token_loads_the_standing_with_the_person(council, django_assert_num_queries):
    from api.authentication import ExpiringTokenAuthentication

    leader = council.groups[0].leader
    token = issue_token(actor=leader, person=leader).token
    http = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    ExpiringTokenAuthentication().authenticate(http)  # notes the token's first use
    with django_assert_num_queries(1):
        person, _record = ExpiringTokenAuthentication().authenticate(http)
        standing = selectors.standing_for_request(request_of(person))
    assert standing == selectors.standing_of(leader)


# --- The API's attendance list ------------------------------------------------------------------


def requests_of_the_first_group(council, count):
    officers = council.directorates[0].officers
    for _ in range(count):
        submit_request(council, officers=[officers[0], officers[1]])


def statements(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("count", [5, 50])
def test_the_attendance_list_costs_four_statements_with_a_session_at_5_and_50_rows(council, count):
    """The session; the person with their standing; the page with its count; the page's invitations
    with their officers."""
    requests_of_the_first_group(council, count)
    client = Client()
    client.force_login(council.groups[0].leader)
    assert statements(client, "/api/attendance-requests/") == 4
    assert statements(client, "/api/attendance-requests/?page_size=2&page=2") == 4


@pytest.mark.parametrize("count", [5, 50])
def test_the_attendance_list_costs_three_statements_with_a_token_at_5_and_50_rows(council, count):
    """The token with its person and their standing; the page with its count; the invitations."""
    requests_of_the_first_group(council, count)
    leader = council.groups[0].leader
    client = APIClient()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(actor=leader, person=leader).token}"}
    client.get("/api/attendance-requests/", **bearer)  # notes the token's first use
    assert statements(client, "/api/attendance-requests/", **bearer) == 3
