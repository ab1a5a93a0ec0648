"""The workflow tables, without a database: what ``require`` answers for each kind of refusal, that
``allowed_moves`` offers exactly the moves ``require`` allows, and that the documents drawn from the
tables match them."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from register import workflow
from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from tests.unit.test_policies import (
    AT,
    AUDITOR,
    CHIEF,
    DEMOCRATIC_SERVICES,
    DEPUTY_NOT_ACTING,
    DIRECTOR,
    FORMER_LEADER,
    GROUP,
    LEADER,
    ME,
    MEMBER,
    MONITORING,
    OFFICER,
    ON,
    OTHER_LEADER,
    SOMEONE,
    SYSTEM,
)

ROOT = Path(__file__).resolve().parents[2]
BEFORE = AT + datetime.timedelta(days=1)  # a meeting still to come
AFTER = AT - datetime.timedelta(hours=2)  # a meeting that has begun


def a_request(state=workflow.SUBMITTED, *, starts_at=BEFORE, answers=None, attended=()):
    return SimpleNamespace(
        state=state,
        group_id=GROUP,
        answers=answers if answers is not None else {ME: workflow.INVITED},
        attended_officer_ids=set(attended),
        meeting_starts_at=starts_at,
    )


def test_every_move_leads_from_and_to_states_of_its_workflow():
    for flow in workflow.WORKFLOWS:
        states = set(flow.labels) | {workflow.NEW}
        for row in flow.moves:
            assert row.sources <= states, (flow.name, row.name)
            assert row.target == workflow.SAME or row.target in flow.labels, (flow.name, row.name)
            assert row.rules, f"{flow.name}: {row.name} names no rule"


def test_a_record_the_actor_may_not_see_is_not_found_A9():
    with pytest.raises(NotFound):
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.WITHDRAW, a_request(answers={}), MEMBER)


def test_a_former_leader_may_not_know_the_groups_request_exists_A1():
    with pytest.raises(NotFound):
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.AMEND_BRIEF, a_request(answers={}), FORMER_LEADER)


def test_the_deputy_without_a_recorded_absence_is_refused_naming_A2():
    with pytest.raises(NotPermitted) as refused:
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.APPROVE, a_request(answers={}), DEPUTY_NOT_ACTING)
    assert refused.value.rule == "A2" and "absence" in refused.value.message


def test_an_officer_named_in_a_request_is_told_to_refer_it_not_decide_it_A1():
    with pytest.raises(NotPermitted) as refused:
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.APPROVE, a_request(), OFFICER)
    assert refused.value.rule == "A1"


def test_a_move_the_state_does_not_allow_is_an_invalid_transition():
    with pytest.raises(InvalidTransition) as refused:
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.CANCEL, a_request(workflow.REFUSED), CHIEF)
    assert refused.value.field == "state"
    assert refused.value.message == "You cannot cancel this request: it is refused."


def test_approving_once_the_meeting_has_begun_is_refused_naming_the_meeting_A2():
    with pytest.raises(RuleViolation) as refused:
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.APPROVE, a_request(starts_at=AFTER), CHIEF)
    assert refused.value.field == "meeting"


def test_attendance_is_recorded_once_the_meeting_has_begun_and_once_only_A6():
    approved = workflow.APPROVED
    with pytest.raises(RuleViolation):
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.RECORD_ATTENDANCE, a_request(approved), OFFICER)
    begun = a_request(approved, starts_at=AFTER)
    assert workflow.require(workflow.ATTENDANCE_REQUEST, workflow.RECORD_ATTENDANCE, begun, OFFICER) == workflow.HELD
    recorded = a_request(workflow.HELD, starts_at=AFTER, attended={ME})
    with pytest.raises(InvalidTransition):
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.RECORD_ATTENDANCE, recorded, OFFICER)


def test_a_declined_officer_records_nothing_A4():
    declined = a_request(workflow.APPROVED, starts_at=AFTER, answers={ME: workflow.DECLINED})
    with pytest.raises(NotPermitted) as refused:
        workflow.require(workflow.ATTENDANCE_REQUEST, workflow.RECORD_ATTENDANCE, declined, OFFICER)
    assert refused.value.rule == "A4"


def test_an_auditor_is_offered_no_move_on_any_request_C2():
    for state in workflow.REQUEST_STATE_LABELS:
        for starts_at in (BEFORE, AFTER):
            assert (
                workflow.allowed_moves(workflow.ATTENDANCE_REQUEST, a_request(state, starts_at=starts_at), AUDITOR)
                == []
            )


def test_moves_the_register_makes_itself_are_offered_to_nobody_C1():
    invitation = SimpleNamespace(state=workflow.ACCEPTED, officer_id=ME, request=a_request(), meeting_starts_at=BEFORE)
    assert workflow.BRIEF_AMENDED not in workflow.allowed_moves(workflow.ATTENDANCE_INVITATION, invitation, SYSTEM)
    assert (
        workflow.next_state(workflow.ATTENDANCE_INVITATION, workflow.ACCEPTED, workflow.BRIEF_AMENDED)
        == workflow.INVITED
    )


STANDINGS = [
    LEADER,
    OTHER_LEADER,
    FORMER_LEADER,
    MEMBER,
    CHIEF,
    DEPUTY_NOT_ACTING,
    MONITORING,
    AUDITOR,
    OFFICER,
    DIRECTOR,
    DEMOCRATIC_SERVICES,
]


def _records_of(flow):
    """Records of every state of ``flow``, before and after their meeting, for the grid below."""
    for state in flow.labels:
        for starts_at in (BEFORE, AFTER):
            request = a_request(
                state if flow is workflow.ATTENDANCE_REQUEST else workflow.APPROVED, starts_at=starts_at
            )
            yield SimpleNamespace(
                state=state,
                status=state,
                group_id=GROUP,
                answers=request.answers,
                attended_officer_ids=set(),
                meeting_starts_at=starts_at,
                request=request,
                officer_id=ME,
                declarant_id=ME,
                other_person_id=SOMEONE,
                reviewer_id=SOMEONE,
                recipient_id=ME,
                provided_by_id=ME,
                likely_to_be_cited=state == workflow.LIKELY_TO_BE_CITED,
                declarant=SimpleNamespace(is_member=False),
                reviewer="the reviewer",
                reviewer_capacity="Director",
                left_on=ON if state == workflow.LEFT else None,
                post_id=None,
                post=None,
                # A concern raised by me and handled by the Monitoring Officer; a complaint about someone.
                kind="about-member",
                rule="D2",
                raised_by_id=ME,
                handler_id=MONITORING.person_id,
                handler="the Monitoring Officer",
                handler_capacity="Monitoring Officer",
                concerned_person_id=SOMEONE,
                concerned_person="the person concerned",
                concerned_person_told_at=None,
                raiser_withheld=False,
                reaches_chief_executive=False,
                member_id=SOMEONE,
                member="the member",
                member_told_at=None,
                consulted_person_ids=frozenset({ME}),
                view_awaited_from_ids=frozenset({ME}) if state == "consulting" else frozenset(),
                decision="investigation",
                actions_outstanding="",
                # A notice: an e-mail whose receipt says it failed on its first send.
                channel="email",
                receipt="technical-failure",
                sends=1,
            )


@pytest.mark.parametrize("flow", workflow.WORKFLOWS, ids=lambda flow: flow.name)
def test_a_person_is_offered_exactly_the_moves_the_workflow_lets_them_make(flow):
    """What pages and the API show (``allowed_moves``) is what ``require`` allows, for every move of
    every workflow, every state, before and after the meeting, and every kind of person."""
    for record in _records_of(flow):
        for who in STANDINGS:
            offered = set(workflow.allowed_moves(flow, record, who))
            for move in flow.move_names():
                if all(row.actor == workflow.SYSTEM for row in flow.rows(move)):
                    assert move not in offered
                    continue
                try:
                    workflow.require(flow, move, record, who)
                except (NotFound, NotPermitted, InvalidTransition, RuleViolation):
                    assert move not in offered, (flow.name, move, record.state, who)
                else:
                    assert move in offered, (flow.name, move, record.state, who)


def test_the_readme_shows_the_diagrams_drawn_from_the_tables():
    assert workflow.readme_diagrams() in (ROOT / "README.md").read_text()


def test_docs_workflows_is_drawn_from_the_tables():
    """docs/workflows.md: regenerate with `python manage.py workflows --document > docs/workflows.md`."""
    assert (ROOT / "docs" / "workflows.md").read_text() == workflow.document()


def test_every_move_the_register_makes_itself_names_its_cause_C1():
    for flow in workflow.WORKFLOWS:
        for row in flow.moves:
            assert (row.actor == workflow.SYSTEM) == bool(row.cause), (flow.name, row.name)
