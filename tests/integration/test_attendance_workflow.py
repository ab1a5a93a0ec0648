"""The workflow table is the one source of the moves, the README's diagram is drawn from it, and
the conflict check (B7) is called at submission and decision."""

from pathlib import Path

import pytest

from register import conflicts, workflow
from register.errors import InvalidTransition
from register.models import Notification
from register.services import attendance
from tests.factories import submit_request

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_the_state_diagrams_drawn_from_the_workflow_tables():
    assert workflow.readme_diagrams() in README.read_text()


def test_the_diagram_has_one_arrow_per_allowed_move():
    diagram = workflow.mermaid(workflow.ATTENDANCE_REQUEST)
    assert "    [*] --> submitted : submit / refer / take up equivalent" in diagram
    assert "    approved --> submitted : amend brief" in diagram
    assert "    refused --> [*]" in diagram
    assert "refused --> held" not in diagram


def test_refused_withdrawn_and_cancelled_requests_lead_nowhere():
    after = workflow.states_after(workflow.ATTENDANCE_REQUEST)
    for state in (workflow.REFUSED, workflow.WITHDRAWN, workflow.CANCELLED):
        assert after[state] == frozenset()
    assert workflow.HELD not in after[workflow.SUBMITTED]


def test_a_move_the_table_does_not_allow_is_an_invalid_transition():
    request = workflow.ATTENDANCE_REQUEST
    assert workflow.next_state(request, workflow.SUBMITTED, workflow.APPROVE) == workflow.APPROVED
    with pytest.raises(InvalidTransition) as refused:
        workflow.next_state(request, workflow.REFUSED, workflow.APPROVE)
    assert refused.value.field == "state"


def test_the_conflict_check_finds_nothing_until_declarations_fill_it_B7(council, clock):
    request = submit_request(council)
    assert conflicts.warnings_for(request) == []


def test_conflict_warnings_reach_the_decision_maker_and_the_officer_B7(council, clock, officer, monkeypatch):
    """The seam: whatever warnings_for returns is shown at submission and on approval."""
    member = council.groups[0].members[0]
    calls = []

    def warnings_for(attendance_request):
        calls.append(attendance_request.pk)
        return [
            conflicts.ConflictWarning(
                relationship_kind="close friendship",
                action_agreed="declare at meetings",
                member=member,
                officer=officer,
                declared_by=(member,),
            )
        ]

    monkeypatch.setattr(conflicts, "warnings_for", warnings_for)
    request = submit_request(council, officers=[officer])
    attendance.attendance_request_approve(request=request, actor=council.chief_executive)

    assert calls == [request.pk, request.pk]
    to_decide = Notification.objects.get(kind="attendance-decision-needed", channel="email")
    invitation = Notification.objects.get(kind="attendance-invitation", channel="email")
    for notice in (to_decide, invitation):
        assert "close friendship" in notice.body_text
        assert f"{member} should declare the interest" in notice.body_text
