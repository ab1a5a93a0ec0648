"""The Chief Executive's queue and a group's list cost the same number of queries at 5 and at 50
requests: they are scoped and joined up front."""

import pytest

from register import selectors
from register.services import attendance
from tests.factories import approved_request, meeting, submit_request

# The requests are joined to their own group, meeting and people; the originals they are equivalents
# of (A3) come in one query of their own, with their group, meeting and decider, rather than as five
# more joins on every row (a ten-table join that PostgreSQL took 10 ms to plan, against 1 ms to run).
# The viewer's standing (their posts read with the holders of the Chief Executive's and Deputy's posts
# and any absence recorded for them, in one statement); the requests with their joins; their
# originals; the invitations with officers.
QUEUE_QUERIES = 4
GROUP_LIST_QUERIES = 4  # the groups the viewer leads; the requests; their originals; the invitations


def make_requests(council, count):
    """``count`` requests awaiting a decision: one in five an equivalent of another group's approved
    briefing (so each row has a precedent to show), the others the first group's own."""
    red = council.groups[0]
    place = council.directorates[0]
    for number in range(count):
        if number % 5 == 0:
            original = approved_request(council, group=1, officers=[place.officers[1]])
            attendance.attendance_request_take_up_equivalent(actor=red.leader, original=original, meeting=meeting())
        else:
            submit_request(council, actor=red.deputy, officers=[place.officers[0], place.officers[2]])


def read_like_a_page(requests):
    """Everything a list page shows for each request."""
    return [
        (
            request.group.name,
            request.meeting.starts_at,
            request.meeting.where,
            str(request.requested_by),
            request.requested_capacity,
            request.referred_by,
            request.subject,
            request.due_on,
            request.decision_overdue,
            request.state_label,
            [(str(i.officer), i.state) for i in request.invitations.all()],
            request.equivalent_of
            and (
                request.equivalent_of.group.name,
                str(request.equivalent_of.decided_by),
                request.equivalent_of.meeting.starts_at,
            ),
        )
        for request in requests
    ]


@pytest.mark.parametrize("count", [5, 50])
def test_the_chief_executives_queue_costs_the_same_queries_at_5_and_50_requests(
    council, clock, django_assert_num_queries, count
):
    make_requests(council, count)
    with django_assert_num_queries(QUEUE_QUERIES):
        rows = read_like_a_page(selectors.attendance_decision_queue(viewer=council.chief_executive))
    assert len(rows) == count
    assert sum(1 for row in rows if row[-1]) == count // 5


@pytest.mark.parametrize("count", [5, 50])
def test_a_groups_list_costs_the_same_queries_at_5_and_50_requests(council, clock, django_assert_num_queries, count):
    make_requests(council, count)
    with django_assert_num_queries(GROUP_LIST_QUERIES):
        rows = read_like_a_page(selectors.group_attendance_requests(viewer=council.groups[0].leader))
    assert len(rows) == count
