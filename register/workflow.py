"""The workflows of the register, as data: each table maps a state to its allowed moves and where
each move leads. Services ask these tables whether a move is allowed; the README's state diagrams
are drawn from the same tables (``mermaid``), so the picture cannot drift from the code.

Plain Python on purpose: no Django imports, so the diagrams render without settings.
"""

from register.errors import InvalidTransition

# Where a record is before its first move. Never stored.
NEW = "new"

# --- An attendance request (A1-A13) -----------------------------------------------------------

SUBMITTED = "submitted"
APPROVED = "approved"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
CANCELLED = "cancelled"
HELD = "held"
CLOSED = "closed"

REQUEST_STATE_LABELS = {
    SUBMITTED: "Awaiting the Chief Executive's decision",
    APPROVED: "Approved",
    REFUSED: "Refused",
    WITHDRAWN: "Withdrawn by the group",
    CANCELLED: "Cancelled by the Chief Executive",
    HELD: "Held",
    CLOSED: "Closed",
}

# The moves. Each service names exactly one.
SUBMIT = "submit"
REFER = "refer"
TAKE_UP_EQUIVALENT = "take up equivalent"
APPROVE = "approve"
REFUSE = "refuse"
WITHDRAW = "withdraw"
CANCEL = "cancel"
AMEND_BRIEF = "amend brief"
RECORD_ATTENDANCE = "record attendance"
RECORD_INFORMATION = "record information"
CLOSE = "close"

REQUEST_MOVES: dict[str, dict[str, str]] = {
    # A1: the group's leader (or deputy) submits; an officer asked directly refers it instead;
    # A3: another group takes up an equivalent of an approved briefing in one step.
    NEW: {SUBMIT: SUBMITTED, REFER: SUBMITTED, TAKE_UP_EQUIVALENT: SUBMITTED},
    # A2: only the acting Chief Executive decides. Amending before the decision restarts the clock.
    SUBMITTED: {APPROVE: APPROVED, REFUSE: REFUSED, WITHDRAW: WITHDRAWN, AMEND_BRIEF: SUBMITTED},
    # A5: the brief is fixed once approved; changing it sends the request back for a decision.
    # Closing an approved request is for a meeting that took place with no officer attending.
    APPROVED: {
        AMEND_BRIEF: SUBMITTED,
        WITHDRAW: WITHDRAWN,
        CANCEL: CANCELLED,
        RECORD_ATTENDANCE: HELD,
        RECORD_INFORMATION: APPROVED,
        CLOSE: CLOSED,
    },
    # A6/A13: each attending officer records attendance and attests or reports; A10: information.
    HELD: {RECORD_ATTENDANCE: HELD, RECORD_INFORMATION: HELD, CLOSE: CLOSED},
    # A10: information can still be recorded (and later marked likely to be cited) after closing.
    CLOSED: {RECORD_INFORMATION: CLOSED},
    # Nothing is deleted (C3): refusal, withdrawal and cancellation are final states.
    REFUSED: {},
    WITHDRAWN: {},
    CANCELLED: {},
}

# Requests still waiting for something to happen.
OPEN_REQUEST_STATES = frozenset({SUBMITTED, APPROVED, HELD})
# Requests whose briefing was agreed (what other groups learn of: A8/A9).
AGREED_REQUEST_STATES = frozenset({APPROVED, HELD, CLOSED})

# --- Each officer's invitation (A4) ---------------------------------------------------------

INVITED = "invited"
ACCEPTED = "accepted"
DECLINED = "declined"

INVITATION_STATE_LABELS = {INVITED: "Invited", ACCEPTED: "Accepted", DECLINED: "Declined"}

NAME_IN_REQUEST = "named in a request"
ACCEPT = "accept"
DECLINE = "decline"
BRIEF_AMENDED = "brief amended"

INVITATION_MOVES: dict[str, dict[str, str]] = {
    NEW: {NAME_IN_REQUEST: INVITED},
    # A4: attendance is voluntary, before or after approval, and no reason is needed to decline.
    INVITED: {ACCEPT: ACCEPTED, DECLINE: DECLINED},
    ACCEPTED: {DECLINE: DECLINED, BRIEF_AMENDED: INVITED},
    DECLINED: {ACCEPT: ACCEPTED},
}


def next_state(table: dict[str, dict[str, str]], state: str, move: str, *, labels: dict[str, str] | None = None) -> str:
    """Where ``move`` leads from ``state``; refused when the table does not allow it."""
    allowed = table.get(state, {})
    if move not in allowed:
        label = (labels or {}).get(state, state)
        raise InvalidTransition(
            f"This cannot be done now: you cannot {move} when it is {label.lower()}.", field="state"
        )
    return allowed[move]


def next_request_state(state: str, move: str) -> str:
    return next_state(REQUEST_MOVES, state, move, labels=REQUEST_STATE_LABELS)


def next_invitation_state(state: str, move: str) -> str:
    return next_state(INVITATION_MOVES, state, move, labels=INVITATION_STATE_LABELS)


def allows(table: dict[str, dict[str, str]], state: str, move: str) -> bool:
    return move in table.get(state, {})


def allowed_next_states(table: dict[str, dict[str, str]], state: str) -> set[str]:
    return set(table.get(state, {}).values())


def final_states(table: dict[str, dict[str, str]]) -> list[str]:
    """States that lead nowhere else (a self-loop does not count)."""
    return [state for state, moves in table.items() if state != NEW and set(moves.values()) <= {state}]


def mermaid(table: dict[str, dict[str, str]]) -> str:
    """The table as a Mermaid state diagram: one arrow per (from, to), labelled with its moves."""
    edges: dict[tuple[str, str], list[str]] = {}
    for state, moves in table.items():
        for move, target in moves.items():
            edges.setdefault((state, target), []).append(move)
    lines = ["stateDiagram-v2"]
    for (state, target), moves in edges.items():
        source = "[*]" if state == NEW else state
        lines.append(f"    {source} --> {target} : {' / '.join(moves)}")
    for state in final_states(table):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


def readme_diagrams() -> str:
    """The README's diagrams section body, exactly as the README holds it (a test compares them)."""
    return (
        "An attendance request:\n\n```mermaid\n" + mermaid(REQUEST_MOVES) + "\n```\n\n"
        "Each officer's invitation:\n\n```mermaid\n" + mermaid(INVITATION_MOVES) + "\n```\n"
    )


if __name__ == "__main__":  # python -m register.workflow prints the diagrams for the README
    print(readme_diagrams())


def check_transition(
    table: dict[str, frozenset[str]], current: str, wanted: str, *, labels: dict | None = None
) -> None:
    """Refuse a move the table does not allow, saying where the record stands."""
    if wanted not in table.get(current, frozenset()):
        name = (labels or {}).get(current, current)
        raise InvalidTransition(f"This cannot be done now: it is {str(name).lower()}.", field="state")


# --- Relationship declarations (B1-B7) ---------------------------------------------------------
# A reviewer may revise their advice after it was acknowledged (circumstances change): the
# declarant then acknowledges the new advice. Ended and withdrawn are final (C3: nothing deleted).
DECLARATION_TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"reviewed", "ended", "withdrawn"}),
    "reviewed": frozenset({"reviewed", "acknowledged", "ended", "withdrawn"}),
    "acknowledged": frozenset({"reviewed", "ended", "withdrawn"}),
    "ended": frozenset(),
    "withdrawn": frozenset(),
}


# --- Notices in the outbox -----------------------------------------------------------------------
NOTIFICATION_TRANSITIONS: dict[str, set[str]] = {
    # pending: written with its cause, waiting for (another) attempt.
    "pending": {"sending", "sent", "failed"},
    # sending: an e-mail attempt is claimed; it ends sent, back to pending for a retry, or failed.
    # sending -> sending is another attempt taking over from one that died part-way.
    "sending": {"sending", "sent", "pending", "failed"},
    "sent": set(),
    # failed: after the last attempt, or at once when it can never succeed (no e-mail address);
    # an administrator may retry it by hand.
    "failed": {"pending"},
}


def allowed(table: dict[str, set[str]], current: str, new: str) -> bool:
    return new in table.get(current, set())
