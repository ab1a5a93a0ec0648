"""The declaration workflow table, and the README's state diagram drawn from it."""

import re
from pathlib import Path

import pytest

from register.errors import InvalidTransition
from register.models import Declaration
from register.workflow import DECLARATION_TRANSITIONS, check_transition

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_declaration_state_has_a_row_and_every_move_leads_to_a_state():
    states = set(Declaration.State.values)
    assert set(DECLARATION_TRANSITIONS) == states
    assert set().union(*DECLARATION_TRANSITIONS.values()) <= states


def test_the_readme_state_diagram_is_the_table():
    after = README.read_text().split("`DECLARATION_TRANSITIONS`", 1)[1]
    diagram = after.split("```", 2)[1]  # the first code block after the table's name
    lines = re.findall(r"^(\w+)\s+--> (.+)$", diagram, flags=re.MULTILINE)
    drawn = {
        state: frozenset() if "final" in moves else frozenset(m.strip() for m in moves.split(","))
        for state, moves in lines
    }
    assert drawn == DECLARATION_TRANSITIONS


def test_a_move_the_table_does_not_allow_is_refused_saying_where_the_record_stands():
    check_transition(DECLARATION_TRANSITIONS, "submitted", "reviewed")
    with pytest.raises(InvalidTransition) as refused:
        check_transition(DECLARATION_TRANSITIONS, "ended", "reviewed", labels=dict(Declaration.State.choices))
    assert refused.value.field == "state"
    assert "ended" in refused.value.message
