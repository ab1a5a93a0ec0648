"""Every attendance page costs the same number of queries at 5 and at 50 rows: the selectors load
what the page shows in one go (A1-A13)."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from register.services import attendance
from tests.factories import approved_request, submit_request
from tests.integration.declaration_helpers import declare, review

pytestmark = pytest.mark.usefixtures("clock")


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def rows_shown(response) -> int:
    return response.content.decode().count('<tr class="govuk-table__row">')


def queries_for(client, address) -> tuple[int, int]:
    """How many queries the page costs, and how many table rows it shows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(captured), rows_shown(response)


def same_queries_at_5_and_50(client, address, add_rows, *, rows_grow=True):
    """Add 5 rows, count; add 45 more, count again: the page shows more rows for the same queries."""
    add_rows(5)
    at_5, rows_at_5 = queries_for(client, address)
    add_rows(45)
    at_50, rows_at_50 = queries_for(client, address)
    assert at_5 == at_50, f"{address}: {at_5} queries at 5 rows, {at_50} at 50"
    assert rows_at_50 > rows_at_5 or not rows_grow
    return at_50


def requests_by_the_first_group(council):
    officers = council.directorates[0].officers
    return lambda count: [submit_request(council, officers=[officers[0], officers[1]]) for _ in range(count)]


def test_the_groups_list_A1(council):
    same_queries_at_5_and_50(signed_in(council.groups[0].leader), "/attendance/", requests_by_the_first_group(council))


def test_the_decision_queue_with_precedents_and_warnings_A2_A3_B7(council):
    review(declare(council.groups[0].members[0], council.directorates[0].officers[0]))

    def add(count):
        for number in range(count):
            if number % 5 == 0:
                original = approved_request(council, group=1)
                attendance.attendance_request_take_up_equivalent(
                    actor=council.groups[0].leader,
                    original=original,
                    meeting=attendance.MeetingDetails(starts_at=original.meeting.starts_at, place="Room 2"),
                )
            else:
                submit_request(council)

    same_queries_at_5_and_50(signed_in(council.chief_executive), "/attendance/queue/", add)


def test_the_briefings_given_to_other_groups_A3_A8(council):
    same_queries_at_5_and_50(
        signed_in(council.groups[1].leader),
        "/attendance/other-groups/",
        lambda count: [approved_request(council) for _ in range(count)],
    )


def test_the_officers_invitations_A4(council):
    same_queries_at_5_and_50(
        signed_in(council.directorates[0].officers[0]), "/attendance/invitations/", requests_by_the_first_group(council)
    )


def test_the_information_shared_with_all_groups_A10(council):
    request = approved_request(council)
    officer = council.directorates[0].officers[0]

    def add(count):
        for number in range(count):
            attendance.attendance_information_record(
                request=request,
                actor=officer,
                title=f"Figures {number}",
                summary="A table of figures.",
                likely_to_be_cited=True,
                cited_at="council",
            )

    same_queries_at_5_and_50(signed_in(council.groups[1].leader), "/attendance/shared/", add)


def test_the_parity_report_A11(council):
    # One row per group, whatever the number of requests: the counts grow instead (3 + 23 for the first).
    same_queries_at_5_and_50(
        signed_in(council.chief_executive),
        "/attendance/parity/",
        lambda count: [approved_request(council, group=n % 2) for n in range(count)],
        rows_grow=False,
    )
    assert 'numeric">26</td>' in signed_in(council.chief_executive).get("/attendance/parity/").content.decode()


def test_the_published_register_A8(council, clock):
    officer = council.directorates[0].officers[0]

    def add(count):
        start = clock.now()
        requests = [approved_request(council) for _ in range(count)]
        for request in requests:
            attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
        clock.advance(days=8)
        for request in requests:
            arrived = request.meeting.starts_at
            attendance.attendance_record_attendance(
                request=request,
                actor=officer,
                arrived_at=arrived,
                left_at=arrived + datetime.timedelta(minutes=20),
                attested=True,
            )
        clock.set(start)

    same_queries_at_5_and_50(Client(), "/register-of-attendance/", add)


@pytest.mark.parametrize("who", ["chief_executive", "leader", "officer"])
def test_the_home_page_counts_cost_the_same_at_5_and_50_requests(council, who):
    person = {
        "chief_executive": council.chief_executive,
        "leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
    }[who]
    client = signed_in(person)
    add = requests_by_the_first_group(council)
    add(5)
    with CaptureQueriesContext(connection) as at_5:
        first = client.get("/").content.decode()
    add(45)
    with CaptureQueriesContext(connection) as at_50:
        second = client.get("/").content.decode()
    assert len(at_5) == len(at_50)
    assert ">5</strong>" in first and ">50</strong>" in second
