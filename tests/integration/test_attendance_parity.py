"""The parity report (A11): per group and period, requests made, approved, refused, equivalents
taken up, and working days to decision."""

import datetime

import pytest

from register import selectors
from register.errors import NotFound
from register.services import attendance
from tests.factories import LONDON, approved_request, meeting, submit_request


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def test_the_parity_report_counts_each_groups_requests_and_days_to_decision_A11(council, clock):
    red, blue = council.groups[0], council.groups[1]
    # Red: one approved on the day it was asked, one refused two working days later (over a weekend).
    original = approved_request(council)
    clock.set(at(datetime.date(2026, 3, 5)))  # Thursday
    later = submit_request(council)
    clock.set(at(datetime.date(2026, 3, 9)))  # Monday: two working days after Thursday
    attendance.attendance_request_refuse(request=later, actor=council.chief_executive, reason="Covered at Cabinet")
    # Blue: takes up the equivalent, still awaiting a decision; and one withdrawn.
    attendance.attendance_request_take_up_equivalent(actor=blue.leader, original=original, meeting=meeting())
    withdrawn = submit_request(council, group=1)
    attendance.attendance_request_withdraw(request=withdrawn, actor=blue.deputy, reason="Not needed")

    rows = {
        row.group: row
        for row in selectors.attendance_parity_report(
            viewer=council.chief_executive, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)
        )
    }

    assert (rows[red.organization].made, rows[red.organization].approved, rows[red.organization].refused) == (2, 1, 1)
    assert rows[red.organization].average_working_days_to_decision == 1.0
    assert rows[red.organization].longest_working_days_to_decision == 2
    assert rows[red.organization].equivalents_offered == 0
    assert (rows[blue.organization].made, rows[blue.organization].pending, rows[blue.organization].withdrawn) == (
        2,
        1,
        1,
    )
    assert rows[blue.organization].equivalents_taken_up == 1
    assert rows[blue.organization].equivalents_offered == 1
    assert rows[blue.organization].decided == 0
    assert rows[blue.organization].average_working_days_to_decision is None


def test_the_parity_report_covers_only_the_period_asked_for_A11(council, clock):
    submit_request(council)
    rows = selectors.attendance_parity_report(
        viewer=council.auditor, start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 30)
    )
    assert [row.made for row in rows] == [0, 0]


@pytest.mark.parametrize("who", ["chief_executive", "deputy_chief_executive", "monitoring_officer", "auditor"])
def test_the_overseers_read_the_parity_report_A11(council, clock, who):
    rows = selectors.attendance_parity_report(viewer=getattr(council, who), start=clock.today, end=clock.today)
    assert {row.group for row in rows} == {g.organization for g in council.groups}


def test_a_group_leader_does_not_find_the_parity_report_A11(council, clock):
    with pytest.raises(NotFound):
        selectors.attendance_parity_report(viewer=council.groups[0].leader, start=clock.today, end=clock.today)
