"""B7: a briefing request that names an officer with an active declared relationship with a
member of the requesting group warns the decision-maker and the officer, and reminds the member."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register import conflicts
from register.models import AttendanceRequest, Declaration, Notification
from register.services import declarations
from register.services.attendance import attendance_request_approve
from tests.factories import approved_request, submit_request
from tests.integration.declaration_helpers import DESCRIPTION as DECLARED
from tests.integration.declaration_helpers import declare, review

DESCRIPTION = "We have been close friends since university and holiday together."


@pytest.fixture
def friendship(council, clock):
    """A member of the first group has declared a friendship with the first officer of Place,
    and the Monitoring Officer has agreed that the member declares it at meetings."""
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    declaration = declarations.declaration_submit(
        actor=member,
        reason="Declared",
        other_person=officer,
        kind=Declaration.Kind.FRIENDSHIP,
        began_on=datetime.date(2020, 1, 1),
        description=DESCRIPTION,
    )
    declarations.declaration_review(
        actor=council.monitoring_officer,
        reason="Reviewed",
        declaration=declaration,
        advice="Declare it whenever the officer briefs your group.",
        action_agreed=Declaration.Action.DECLARE_AT_MEETINGS,
    )
    return declaration


def test_a_request_naming_an_officer_with_a_declared_relationship_warns_by_kind_and_action_B7(council, friendship):
    request = submit_request(council, group=0, officers=[friendship.other_person])
    [warning] = conflicts.warnings_for(request)
    assert (warning.officer, warning.member) == (friendship.other_person, friendship.declarant)
    assert warning.relationship_kind == "Friendship"
    assert warning.action_agreed == "Declare the interest at meetings"
    assert DESCRIPTION not in str(warning)


def test_the_decision_maker_and_the_officer_are_warned_and_the_member_reminded_B7(council, friendship):
    request = approved_request(council, group=0, officers=[friendship.other_person])
    about = Notification.objects.filter(cause__startswith=f"attendance-request:{request.pk}:", channel="in-app")
    to_chief = about.get(recipient=council.chief_executive, kind="attendance-decision-needed")
    to_officer = about.get(recipient=friendship.other_person, kind="attendance-invitation")
    for notice in (to_chief, to_officer):
        assert "Friendship" in notice.body_text, notice.kind
        assert DESCRIPTION not in notice.body_text
    reminder = about.get(recipient=friendship.declarant, kind="declaration-declare-at-meeting")
    assert str(friendship.other_person) in reminder.body_text
    assert DESCRIPTION not in reminder.body_text


def test_another_groups_request_for_the_same_officer_is_not_warned_B7(council, friendship):
    request = submit_request(council, group=1, officers=[friendship.other_person])
    assert conflicts.warnings_for(request) == []
    approved = AttendanceRequest.objects.get(pk=request.pk)
    from register.services.attendance import attendance_request_approve

    attendance_request_approve(request=approved, actor=council.chief_executive, reason="Agreed")
    assert not Notification.objects.filter(kind="declaration-declare-at-meeting").exists()


def test_a_withdrawn_declaration_no_longer_warns_B7(council, friendship):
    declarations.declaration_withdraw(actor=friendship.declarant, reason="Made in error", declaration=friendship)
    request = submit_request(council, group=0, officers=[friendship.other_person])
    assert conflicts.warnings_for(request) == []


def test_the_warnings_of_a_list_cost_the_same_queries_at_5_and_at_50_requests_B7(council, friendship):
    def warnings_of_every_open_request():
        requests = list(AttendanceRequest.objects.prefetch_related("invitations__officer"))
        with CaptureQueriesContext(connection) as queries:
            found = conflicts.warnings_for_requests(requests)
        return found, len(queries)

    for _ in range(5):
        submit_request(council, group=0, officers=[friendship.other_person])
    found, at_five = warnings_of_every_open_request()
    assert all(len(warnings) == 1 for warnings in found.values())
    for _ in range(45):
        submit_request(council, group=1, officers=[friendship.other_person])
    found, at_fifty = warnings_of_every_open_request()
    assert at_fifty == at_five
    assert sum(1 for warnings in found.values() if warnings) == 5


# --- One wording, saying who declared it, on the pages, in the API and in the notices -------------

WHO_DECLARED = {
    "member": "Councillor {member}, a member of the requesting group, has declared a relationship with {officer}",
    "officer": "{officer} has declared a relationship with Councillor {member}, a member of the requesting group",
    "both": "{officer} and Councillor {member}, a member of the requesting group, have each declared their "
    "relationship",
}


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def page_text(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return re.sub(r"\s+", " ", response.content.decode())


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


@pytest.mark.parametrize("declarant", ["member", "officer", "both"])
def test_the_warning_says_who_declared_the_relationship_on_the_pages_in_the_api_and_in_the_notices_B7(
    council, clock, declarant
):
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    if declarant in ("member", "both"):
        review(declare(member, officer))
    if declarant in ("officer", "both"):
        review(declare(officer, member))
    request = submit_request(council, group=0, officers=[officer])
    said = {who: wording.format(member=member, officer=officer) for who, wording in WHO_DECLARED.items()}
    sentence = (
        f"{said[declarant]}: Friendship. Action agreed: Declare the interest at meetings. "
        f"Councillor {member} should declare the interest at the meeting."
    )
    not_said = [wording for who, wording in said.items() if who != declarant]

    chief = signed_in(council.chief_executive)
    for client, address in [
        (chief, "/attendance/queue/"),
        (chief, f"/attendance/{request.pk}/decide/"),
        (chief, f"/attendance/{request.pk}/"),
        (signed_in(officer), f"/attendance/{request.pk}/"),
    ]:
        shown = page_text(client, address)
        assert sentence in shown, address
        assert not any(wrong in shown for wrong in not_said), address

    declared_by = {"member": {member.pk}, "officer": {officer.pk}, "both": {member.pk, officer.pk}}[declarant]
    for person in (council.chief_executive, officer):
        [warning] = api(person).get(f"/api/attendance-requests/{request.pk}/").json()["conflict_warnings"]
        assert warning["text"] == sentence
        assert {person["id"] for person in warning["declared_by"]} == declared_by
        assert (warning["officer"]["id"], warning["member"]["id"]) == (officer.pk, member.pk)
        assert (warning["relationship"], warning["action_agreed"]) == ("Friendship", "Declare the interest at meetings")
    queue = api(council.chief_executive).get("/api/attendance-requests/queue/").json()["results"]
    assert [warning["text"] for row in queue for warning in row["conflict_warnings"]] == [sentence]

    to_decide = Notification.objects.get(
        kind="attendance-decision-needed", channel="email", recipient=council.chief_executive
    )
    assert sentence in to_decide.body_text
    assert not any(wrong in to_decide.body_text for wrong in not_said)
    approved = AttendanceRequest.objects.get(pk=request.pk)
    attendance_request_approve(request=approved, actor=council.chief_executive, reason="Agreed")
    invitation = Notification.objects.get(kind="attendance-invitation", channel="email", recipient=officer)
    assert sentence in invitation.body_text
    assert all(DECLARED not in notice.body_text for notice in (to_decide, invitation))


def test_only_the_decision_maker_and_the_officer_concerned_see_a_warning_B7(council, clock, friendship):
    officer, other_officer = friendship.other_person, council.directorates[0].officers[1]
    request = submit_request(council, group=0, officers=[officer, other_officer])
    address, endpoint = f"/attendance/{request.pk}/", f"/api/attendance-requests/{request.pk}/"

    for person, sees in [
        (council.chief_executive, 1),
        (council.auditor, 1),
        (officer, 1),
        (other_officer, 0),
        (council.groups[0].leader, 0),
    ]:
        assert len(api(person).get(endpoint).json()["conflict_warnings"]) == sees, person
        assert page_text(signed_in(person), address).count("(protocol rule B7)") == sees, person
    own_list = api(council.groups[0].leader).get("/api/attendance-requests/").json()["results"]
    assert [row["conflict_warnings"] for row in own_list] == [[]]
