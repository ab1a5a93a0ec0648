"""The conflict check (B7): the query the attendance flow calls for a briefing request, and the
reminder to the member. Wiring it into the attendance flow is the lead's, after both branches merge."""

import dataclasses
import datetime

import pytest
from django.db import transaction

from register import conflicts, selectors
from register.models import Declaration, Notification
from register.selectors.declarations import ActiveRelationship, active_relationships
from register.services import declarations
from tests.integration.declaration_helpers import DESCRIPTION, declare, review

Action = Declaration.Action


@pytest.fixture
def red(council):
    return council.groups[0]


@pytest.fixture
def blue(council):
    return council.groups[1]


@pytest.fixture
def officer(council):
    return council.directorates[0].officers[0]


def group_members(group):
    return [group.leader, group.deputy, *group.members]


def test_a_relationship_declared_by_the_officer_with_a_member_of_the_requesting_group_is_found_B7(
    council, red, officer
):
    declaration = review(declare(officer, red.members[1]), action=Action.NO_SOLE_BRIEFING)

    found = active_relationships([officer], group_members(red), selectors.today())
    assert found == [
        ActiveRelationship(
            declaration_id=declaration.pk,
            officer=officer,
            member=red.members[1],
            declared_by=officer,
            kind="friendship",
            kind_text="Friendship",
            action_agreed=Action.NO_SOLE_BRIEFING,
            action_text="The officer does not brief that member's group alone",
        )
    ]
    [warning] = conflicts.warnings_from(found)
    assert str(warning) == (
        f"{officer} has declared a relationship with Councillor {red.members[1]}, a member of the requesting "
        "group: Friendship. Action agreed: The officer does not brief that member's group alone. "
        f"Councillor {red.members[1]} should declare the interest at the meeting."
    )


def test_a_relationship_declared_by_the_member_is_found_too_and_unreviewed_ones_say_so_B7(council, red, officer):
    declare(red.leader, officer, kind=Declaration.Kind.FAMILY, family_relation="brother")
    [found] = active_relationships([officer], group_members(red), selectors.today())
    assert (found.officer, found.member, found.declared_by) == (officer, red.leader, red.leader)
    assert (found.kind_text, found.action_text) == ("Family (brother)", "Not yet reviewed")


def test_no_warning_for_another_groups_request_B7(council, red, blue, officer):
    declare(officer, red.members[0])
    assert active_relationships([officer], group_members(blue), selectors.today()) == []
    assert active_relationships([council.directorates[1].officers[0]], group_members(red), selectors.today()) == []


def test_withdrawn_declarations_and_relationships_not_current_on_the_day_are_left_out_B7(council, red, officer):
    today = selectors.today()
    withdrawn = declare(officer, red.members[0])
    declarations.declaration_withdraw(actor=officer, reason="Made in error", declaration=withdrawn)
    ended = declare(officer, red.members[1], began_on=datetime.date(2024, 1, 1))
    declarations.declaration_end(actor=officer, reason="Ended", declaration=ended, ended_on=datetime.date(2025, 6, 30))
    declare(officer, red.members[2], began_on=today)

    members = group_members(red)
    assert [r.member for r in active_relationships([officer], members, today)] == [red.members[2]]
    # A meeting while the ended relationship lasted, and before the newest began.
    assert [r.member for r in active_relationships([officer], members, datetime.date(2025, 6, 30))] == [red.members[1]]


def test_both_sides_declarations_of_one_relationship_are_both_returned_naming_who_declared_B7(council, red, officer):
    declare(officer, red.members[0])
    declare(red.members[0], officer)
    found = active_relationships([officer], group_members(red), selectors.today())
    assert {r.declared_by for r in found} == {officer, red.members[0]}


def test_the_check_never_carries_the_description_or_the_advice_B7(council, red, officer):
    review(declare(officer, red.members[0]), advice="Confidential advice about the two of them.")
    [found] = active_relationships([officer], group_members(red), selectors.today())
    names = {field.name for field in dataclasses.fields(found)}
    assert not names & {"description", "advice", "began_on"}
    [warning] = conflicts.warnings_from([found])
    assert DESCRIPTION not in str(warning) and "Confidential" not in str(warning)


@pytest.mark.parametrize("how_many", [5, 50])
def test_the_check_costs_one_query_whatever_the_number_of_declarations_B7(
    council, red, how_many, django_assert_num_queries
):
    officers = [p for d in council.directorates for p in (d.director, d.assistant_director, *d.officers)]
    members = group_members(red)
    pairs = [(o, m) for o in officers for m in members][:how_many]
    for officer, member in pairs:
        declare(officer, member)
    with django_assert_num_queries(1):
        found = active_relationships(officers, members, selectors.today())
        warnings = [str(warning) for warning in conflicts.warnings_from(found)]
    assert len(warnings) == how_many


def test_nothing_to_check_costs_no_query_B7(council, red, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert active_relationships([], group_members(red), selectors.today()) == []


def test_the_member_is_reminded_to_declare_the_interest_at_that_meeting_B7(council, red, officer):
    declare(officer, red.members[0])
    declare(red.members[0], officer)  # both sides: one line in the reminder
    meeting_on = selectors.today() + datetime.timedelta(days=10)
    found = active_relationships([officer], group_members(red), selectors.today())
    with transaction.atomic():
        declarations.declare_at_meeting_remind(
            relationships=found,
            about=red.organization,
            meeting_on=meeting_on,
            actor=red.leader,
            cause="attendance-request:1:declared-relationship",
        )
    notice = Notification.objects.get(recipient=red.members[0], kind="declaration-declare-at-meeting", channel="email")
    assert "declare the interest at that meeting" in notice.body_text
    assert notice.body_text.count(str(officer)) == 1
    assert DESCRIPTION not in notice.body_text
    assert f"{meeting_on:%-d %B %Y}" in notice.subject
    assert (
        not Notification.objects.filter(kind="declaration-declare-at-meeting")
        .exclude(recipient=red.members[0])
        .exists()
    )
