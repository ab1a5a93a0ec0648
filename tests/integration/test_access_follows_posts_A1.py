"""Access follows the posts held on the day of viewing (DOMAIN.md, "Who sees what"; A1): a group's
request is its leader's and deputy's while they hold those posts. After the leadership changes, the
former leader finds the group's requests "not found" (page and API) and can make no move on them; the
new leader sees them and acts. What the former leader did stays in the history, not in their access.

Runs on PostgreSQL and again on SQLite (make test runs the ``sqlite_too`` tests with DATABASE_URL unset).
"""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register import workflow
from register.errors import NotFound
from register.models import AttendanceRequest, Membership, Post
from register.services import attendance, people
from tests.factories import meeting, submit_request

pytestmark = pytest.mark.sqlite_too


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


@pytest.fixture
def handed_over(council, clock):
    """A request the leader of the first group made; then their leadership ends, and one of the
    group's members leads it from the next day. The clock moves on a week."""
    group = council.groups[0]
    request = submit_request(council, actor=group.leader)
    ended_on = clock.today + datetime.timedelta(days=1)
    holding = Membership.objects.get(person=group.leader, post__role=Post.Role.GROUP_LEADER)
    people.membership_end(actor=council.system, reason="Stood down as leader", membership=holding, end_date=ended_on)
    successor = group.members[0]
    people.post_appoint(
        actor=council.system,
        reason="Elected leader by the group",
        person=successor,
        post=holding.post,
        start_date=ended_on + datetime.timedelta(days=1),
    )
    clock.advance(days=3)  # still days before the meeting, a week after the request
    return request, group.leader, successor


def test_a_former_leader_finds_the_groups_request_not_found_on_the_page_and_in_the_api_A1(handed_over):
    request, former, _successor = handed_over
    assert signed_in(former).get(f"/attendance/{request.pk}/").status_code == 404
    assert api(former).get(f"/api/attendance-requests/{request.pk}/").status_code == 404
    listed = api(former).get("/api/attendance-requests/").json()
    assert request.pk not in [row["id"] for row in listed["results"]]


@pytest.mark.parametrize("path", ["withdraw", "amend"])
def test_a_former_leader_gets_not_found_from_the_groups_request_pages_A1(handed_over, path):
    request, former, _successor = handed_over
    client = signed_in(former)
    assert client.get(f"/attendance/{request.pk}/{path}/").status_code == 404
    assert client.post(f"/attendance/{request.pk}/{path}/", {"reason": "Changed my mind"}).status_code == 404


def test_a_former_leader_can_make_no_move_on_the_groups_request_A1(handed_over):
    request, former, _successor = handed_over
    with pytest.raises(NotFound):
        attendance.attendance_request_withdraw(request=request, actor=former, reason="Changed my mind")
    with pytest.raises(NotFound):
        attendance.attendance_request_amend_brief(request=request, actor=former, reason="More", scope="Wider")
    refused = api(former).post(f"/api/attendance-requests/{request.pk}/withdraw/", {"reason": "x"}, format="json")
    assert refused.status_code == 404
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.SUBMITTED


def test_the_new_leader_sees_the_groups_request_and_acts_on_it_A1(handed_over):
    request, _former, successor = handed_over
    assert signed_in(successor).get(f"/attendance/{request.pk}/").status_code == 200
    assert api(successor).get(f"/api/attendance-requests/{request.pk}/").status_code == 200
    attendance.attendance_request_amend_brief(
        request=request, actor=successor, reason="The new leader widens the brief", scope="Every route in the county"
    )
    withdrawn = api(successor).post(
        f"/api/attendance-requests/{request.pk}/withdraw/", {"reason": "No longer needed"}, format="json"
    )
    assert withdrawn.status_code == 200
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.WITHDRAWN


def test_what_the_former_leader_did_stays_in_the_history_A1_C1(handed_over):
    request, former, _successor = handed_over
    first = AttendanceRequest.history.filter(id=request.pk).order_by("history_date").first()
    assert first.history_user_id == former.pk and first.requested_by_id == former.pk


def test_a_request_referred_by_an_officer_belongs_to_the_group_and_its_leader_is_told_A1(council, clock):
    from register.models import Notification

    group, officer = council.groups[0], council.directorates[0].officers[0]
    asked_by = group.members[0]
    request = attendance.attendance_request_refer(
        actor=officer,
        reason="Asked in the corridor",
        asked_by=asked_by,
        meeting=meeting(),
        officers=[officer],
        subject="Bus routes",
        scope="Rural bus routes",
    )
    told = set(
        Notification.objects.filter(kind="attendance-request-referred", channel="email").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {group.leader.pk, group.deputy.pk}
    # The member who asked does not lead the group, so the request is not theirs to see.
    assert signed_in(asked_by).get(f"/attendance/{request.pk}/").status_code == 404
    assert signed_in(group.leader).get(f"/attendance/{request.pk}/").status_code == 200
    assert signed_in(officer).get(f"/attendance/{request.pk}/").status_code == 200
