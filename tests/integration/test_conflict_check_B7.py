"""B7: a briefing request that names an officer with an active declared relationship with a
member of the requesting group warns the decision-maker and the officer, and reminds the member."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from register import conflicts
from register.models import AttendanceRequest, Declaration, Notification
from register.services import declarations
from tests.factories import approved_request, submit_request

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
