"""The workflows of the register, as data, in one style: every workflow is a table of moves, and each
move says from which states, to which state, who may make it (a pure policy of ``register.policies``),
what must hold of the time (before or after the meeting), and which rules it serves.

Services ask ``require(workflow, move, record, standing)``, which answers with the state the move
leads to or raises the one right domain error; pages and the API show a record's actions from
``allowed_moves(workflow, record, standing)``, so what a person is shown is exactly what they may do.
Moves the register makes itself, on a timer or an event, are rows too, with the actor ``SYSTEM``.
The README's state diagrams are drawn from the same tables (``python manage.py workflows``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from register import policies
from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models.conduct import Complaint, Concern
from register.models.declarations import Declaration
from register.models.notifications import Notification
from register.models.people import Absence
from register.policies import Standing
from register.states import (  # noqa: F401 -- the states are named here too, for the services' convenience
    ACCEPTED,
    AGREED_REQUEST_STATES,
    APPROVED,
    CANCELLED,
    CLOSED,
    DECLINED,
    HELD,
    INVITATION_STATE_LABELS,
    INVITED,
    LAPSED,
    NEW,
    NOT_ATTENDING_INVITATION_STATES,
    OPEN_REQUEST_STATES,
    REFUSED,
    REQUEST_STATE_LABELS,
    SUBMITTED,
    WITHDRAWN,
)

# Who makes a move: a person through a page, the API, the admin or a command; or the register itself.
PERSON = "person"
SYSTEM = "system"

# What must hold of the time, against the meeting's start (``record.meeting_starts_at``).
ANY_TIME = "any time"
BEFORE_MEETING = "before the meeting begins"
AFTER_MEETING_BEGINS = "once the meeting has begun"

# A move that leaves the record in the state it was in (recording information, re-routing ...).
SAME = "same"

Policy = Callable[[Standing, Any], bool]


@dataclass(frozen=True)
class Move:
    """One row of a workflow's table."""

    name: str
    sources: frozenset[str]
    target: str
    who: Policy
    rules: tuple[str, ...]
    refusal: str = ""
    # How the move reads in "You cannot ___ this request", where its name will not do.
    phrase: str = ""
    # When ``who`` says no: the sentence and rule, where they depend on who is asking.
    explain: Callable[[Standing, Any], tuple[str, str]] | None = None
    refusal_field: str | None = None
    when: str = ANY_TIME
    timing_refusal: str = ""
    timing_field: str = "meeting"
    # The sentence when the record's state does not allow the move, if the generic one will not do.
    state_refusal: str = ""
    state_field: str = "state"
    # A further condition of state (an invitation's request still open; attendance not yet
    # recorded by this officer): the sentence when it fails, refused as a state conflict.
    guard: Callable[[Standing, Any], str | None] | None = None
    actor: str = PERSON
    # For the register's own moves: the timer or event that makes them (C1), as the history says it.
    cause: str = ""

    def leads_to(self, state: str) -> str:
        return state if self.target == SAME else self.target


@dataclass(frozen=True)
class Workflow:
    """A record's states and moves, and who may know the record exists (else "not found")."""

    name: str
    labels: dict[str, str]
    moves: tuple[Move, ...]
    sees: Policy
    not_found: str
    # What a refusal by state says: {move} and {state} are filled in.
    state_refusal: str = "You cannot {move} this {record} now: it is {state}."
    # The record's state, where it is not its ``state`` field.
    state_of: Callable[[Any], str] | None = None

    def rows(self, move: str) -> list[Move]:
        rows = [row for row in self.moves if row.name == move]
        if not rows:
            raise KeyError(f"The {self.name} workflow has no move {move!r}.")
        return rows

    def row_from(self, move: str, state: str) -> Move | None:
        return next((row for row in self.rows(move) if state in row.sources), None)

    def label(self, state: str) -> str:
        label = self.labels.get(state, state)
        return label[:1].lower() + label[1:]

    def move_names(self) -> list[str]:
        return list(dict.fromkeys(row.name for row in self.moves))

    def person_rows_from(self, state: str) -> list[tuple[str, Move | None]]:
        """Each move a person makes, in the table's order, with its row from ``state`` (None when the
        table has none). Worked out once per workflow and state: the tables never change."""
        return _person_rows_from(self, state)


_PERSON_ROWS: dict[tuple[str, str], list[tuple[str, Move | None]]] = {}


def _person_rows_from(workflow: Workflow, state: str) -> list[tuple[str, Move | None]]:
    key = (workflow.name, state)
    if key not in _PERSON_ROWS:
        _PERSON_ROWS[key] = [
            (move, workflow.row_from(move, state))
            for move in workflow.move_names()
            if any(row.actor == PERSON for row in workflow.rows(move))
        ]
    return _PERSON_ROWS[key]


def state_of(workflow: Workflow, record: Any) -> str:
    if record is None:
        return NEW
    if workflow.state_of is not None:
        return workflow.state_of(record)
    return getattr(record, "state", None) or getattr(record, "status", NEW)


def require(workflow: Workflow, move: str, record: Any, standing: Standing, *, state: str | None = None) -> str:
    """The state ``move`` leads ``record`` to, for the actor of ``standing``; else the one right
    refusal: NotFound when they may not know the record exists, NotPermitted naming the rule when
    they may see it but not do this, InvalidTransition when its state does not allow the move, and
    RuleViolation naming the field when the time does not (the meeting has, or has not, begun).

    ``state`` stands in for the record's own for moves that create a record from another (taking up
    an equivalent of a briefing is a new request, judged against the original)."""
    state = state_of(workflow, record) if state is None else state
    if state != NEW and not workflow.sees(standing, record):
        raise NotFound(workflow.not_found)
    rows = workflow.rows(move)
    exact = workflow.row_from(move, state)
    if exact is None and record is None:  # a move on a record, asked of no record
        raise InvalidTransition(refusal_by_state(workflow, rows[0], state), field=rows[0].state_field)
    row = exact or rows[0]
    if not row.who(standing, record):
        message, rule = row.explain(standing, record) if row.explain else (row.refusal, row.rules[0])
        raise NotPermitted(message, rule=rule, field=row.refusal_field)
    if exact is None:
        raise InvalidTransition(refusal_by_state(workflow, row, state), field=row.state_field)
    if row.guard is not None:
        problem = row.guard(standing, record)
        if problem:
            raise InvalidTransition(problem, field=row.state_field)
    _check_time(row, record, standing.at)
    return row.leads_to(state)


def refusal_by_state(workflow: Workflow, row: Move, state: str) -> str:
    template = row.state_refusal or workflow.state_refusal
    return template.format(move=row.phrase or row.name, record=workflow.name, state=workflow.label(state))


def _check_time(row: Move, record: Any, at: datetime.datetime) -> None:
    if not _in_time(row, record, at):
        raise RuleViolation(row.timing_refusal, field=row.timing_field)


def _in_time(row: Move, record: Any, at: datetime.datetime) -> bool:
    if row.when == ANY_TIME:
        return True
    begun = record.meeting_starts_at <= at
    return not ((row.when == BEFORE_MEETING and begun) or (row.when == AFTER_MEETING_BEGINS and not begun))


def is_allowed(workflow: Workflow, move: str, record: Any, standing: Standing) -> bool:
    """Whether ``require`` would let the actor make ``move`` now."""
    try:
        require(workflow, move, record, standing)
    except (NotFound, NotPermitted, InvalidTransition, RuleViolation):
        return False
    return True


def allowed_moves(workflow: Workflow, record: Any, standing: Standing) -> list[str]:
    """The moves a person may make on ``record`` now: what pages and the API offer them.

    Exactly the moves ``require`` would allow (``tests/unit/test_workflow.py`` checks every move, state,
    time and kind of person), asked in the cheap order: who may see the record once, not once a move;
    the table's row for the record's state before any policy; no refusal built. A list page asks this
    of every record it shows."""
    state = state_of(workflow, record)
    if state != NEW and not workflow.sees(standing, record):
        return []
    allowed = []
    for move, row in workflow.person_rows_from(state):
        if row is None or not row.who(standing, record):
            continue
        if row.guard is not None and row.guard(standing, record):
            continue
        if not _in_time(row, record, standing.at):
            continue
        allowed.append(move)
    return allowed


def next_state(workflow: Workflow, state: str, move: str) -> str:
    """Where ``move`` leads from ``state``, for the register's own moves (no person to judge)."""
    row = workflow.row_from(move, state)
    if row is None:
        raise InvalidTransition(refusal_by_state(workflow, workflow.rows(move)[0], state), field="state")
    return row.leads_to(state)


def allows(workflow: Workflow, state: str, move: str) -> bool:
    """Whether the table has ``move`` from ``state``, whoever asks."""
    return workflow.row_from(move, state) is not None


def states_after(workflow: Workflow) -> dict[str, frozenset[str]]:
    """Each state and the states its moves lead to (a self-loop included)."""
    result: dict[str, set[str]] = {state: set() for state in workflow.labels}
    for row in workflow.moves:
        for source in row.sources:
            if source != NEW:
                result.setdefault(source, set()).add(row.leads_to(source))
    return {state: frozenset(targets) for state, targets in result.items()}


# --- An attendance request (A1-A13) -----------------------------------------------------------

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
LAPSE = "lapse"

_DECIDABLE = frozenset({SUBMITTED})
_AFTER_APPROVAL = frozenset({APPROVED, HELD, CLOSED})


def _why_not_decider(standing: Standing, request: Any) -> tuple[str, str]:
    """A2's refusal in words that fit who asked: an officer named in the request is told A1."""
    if request is not None and policies.is_named_officer(standing, request):
        return "An officer asked to attend refers the request to the Chief Executive and does not decide it.", "A1"
    if standing.holds(policies.attendance.Role.DEPUTY_CHIEF_EXECUTIVE):
        return (
            "The Deputy Chief Executive decides only while the Chief Executive's absence is recorded, "
            f"and none is recorded for {standing.on:%d %B %Y}.",
            "A2",
        )
    return "Only the Chief Executive, or the Deputy during a recorded absence, can decide on officer attendance.", "A2"


def _why_not_canceller(standing: Standing, request: Any) -> tuple[str, str]:
    return "Only the Chief Executive, or the Deputy during a recorded absence, can cancel an agreed briefing.", "A2"


def _why_not_taking_up(standing: Standing, original: Any) -> tuple[str, str]:
    if original is not None and standing.leads(original.group_id):
        return "This is your own group's briefing; an equivalent is for the other groups.", "A3"
    return (
        "An equivalent briefing is taken up by the leader (or deputy leader) of a group other than the one it "
        "was agreed for.",
        "A1",
    )


def _not_yet_recorded(standing: Standing, request: Any) -> str | None:
    if standing.person_id in request.attended_officer_ids:
        return "You have already recorded your attendance at this briefing."
    return None


def _why_not_attending(standing: Standing, request: Any) -> tuple[str, str]:
    if policies.is_named_officer(standing, request):
        return "You declined this invitation, so you cannot record attendance at the briefing.", "A4"
    return "You were not invited to this briefing, so you cannot record attendance at it or attest about it.", "A6"


_FOR_THE_GROUP = "Only the group's leader or its deputy leader can {}."
_LEFT_THE_MEETING = "The meeting has already begun; {}."

ATTENDANCE_REQUEST = Workflow(
    name="attendance request",
    labels=REQUEST_STATE_LABELS,
    sees=policies.sees_attendance_request,
    not_found="There is no such attendance request.",
    state_refusal="You cannot {move} this request: it is {state}.",
    moves=(
        # A1: the group's leader (or deputy) submits; an officer asked directly refers it instead;
        # A3: another group takes up an equivalent of an approved briefing in one step.
        Move(
            SUBMIT,
            frozenset({NEW}),
            SUBMITTED,
            policies.asks_for_briefings,
            ("A1",),
            refusal="You lead no political group, and are not a deputy leader acting for one, so you cannot ask "
            "for officers to attend a group meeting. Ask your group leader.",
        ),
        Move(
            REFER,
            frozenset({NEW}),
            SUBMITTED,
            policies.refers_requests,
            ("A1",),
            refusal="Only an officer who was asked directly refers a request to the Chief Executive.",
        ),
        Move(
            TAKE_UP_EQUIVALENT,
            frozenset({NEW}),
            SUBMITTED,
            policies.takes_up_equivalent,
            ("A1", "A3"),
            explain=_why_not_taking_up,
        ),
        # A2: only the acting Chief Executive decides, before the meeting.
        Move(
            APPROVE,
            _DECIDABLE,
            APPROVED,
            policies.decides_attendance,
            ("A2", "A3", "A8"),
            explain=_why_not_decider,
            when=BEFORE_MEETING,
            timing_refusal="The meeting has already begun, so officers can no longer be agreed to attend it.",
        ),
        Move(REFUSE, _DECIDABLE, REFUSED, policies.decides_attendance, ("A2", "A3"), explain=_why_not_decider),
        # The group changes its mind: before a decision at any time; once agreed, before the meeting.
        Move(
            WITHDRAW,
            frozenset({SUBMITTED}),
            WITHDRAWN,
            policies.acts_for_requesting_group,
            ("A1",),
            refusal=_FOR_THE_GROUP.format("withdraw it"),
        ),
        Move(
            WITHDRAW,
            frozenset({APPROVED}),
            WITHDRAWN,
            policies.acts_for_requesting_group,
            ("A1",),
            refusal=_FOR_THE_GROUP.format("withdraw it"),
            when=BEFORE_MEETING,
            timing_refusal=_LEFT_THE_MEETING.format("close it instead"),
        ),
        # A5: the brief is agreed in advance; changing it sends the request back for a decision.
        Move(
            AMEND_BRIEF,
            frozenset({SUBMITTED, APPROVED}),
            SUBMITTED,
            policies.acts_for_requesting_group,
            ("A5", "A7"),
            refusal=_FOR_THE_GROUP.format("amend its brief"),
            phrase="amend the brief of",
            when=BEFORE_MEETING,
            timing_refusal=_LEFT_THE_MEETING.format("it can no longer be amended"),
        ),
        # A2: the acting Chief Executive calls off an agreed briefing before the meeting.
        Move(
            CANCEL,
            frozenset({APPROVED}),
            CANCELLED,
            policies.decides_attendance,
            ("A2",),
            explain=_why_not_canceller,
            when=BEFORE_MEETING,
            timing_refusal=_LEFT_THE_MEETING.format("close it instead"),
        ),
        # A6/A13: each attending officer records attendance and attests or reports, once it has begun.
        Move(
            RECORD_ATTENDANCE,
            frozenset({APPROVED, HELD}),
            HELD,
            policies.is_attending_officer,
            ("A6", "A13"),
            explain=_why_not_attending,
            when=AFTER_MEETING_BEGINS,
            guard=_not_yet_recorded,
            timing_refusal="The meeting has not begun yet; record your attendance after it.",
            timing_field="arrived_at",
        ),
        # A10: information can be recorded (and later marked likely to be cited) after closing too.
        Move(
            RECORD_INFORMATION,
            _AFTER_APPROVAL,
            SAME,
            policies.is_attending_officer,
            ("A7", "A10"),
            refusal="Only an officer named in the request, who has not declined, records information given to the group.",
        ),
        # Closing an approved request is for a meeting that took place with no officer attending.
        Move(
            CLOSE,
            frozenset({APPROVED}),
            CLOSED,
            policies.closes_attendance_record,
            ("A2",),
            refusal="Only the acting Chief Executive or the requesting group closes the record of a briefing.",
            when=AFTER_MEETING_BEGINS,
            timing_refusal="The meeting has not taken place yet: withdraw or cancel the request instead.",
        ),
        Move(
            CLOSE,
            frozenset({HELD}),
            CLOSED,
            policies.closes_attendance_record,
            ("A2",),
            refusal="Only the acting Chief Executive or the requesting group closes the record of a briefing.",
        ),
        # A12, C3: a request still awaiting a decision when its meeting begins lapses, a final state of its own.
        Move(
            LAPSE,
            _DECIDABLE,
            LAPSED,
            policies.is_system,
            ("A12", "C3"),
            actor=SYSTEM,
            cause="the meeting of a request still awaiting a decision begins (the lapse task, every few minutes)",
            when=AFTER_MEETING_BEGINS,
            timing_refusal="The meeting has not begun yet, so the request has not lapsed.",
        ),
        # Nothing is deleted (C3): refusal, withdrawal, cancellation and lapse are final states.
    ),
)


# --- Each officer's invitation (A4) ---------------------------------------------------------

NAME_IN_REQUEST = "named in a request"
ACCEPT = "accept"
DECLINE = "decline"
BRIEF_AMENDED = "brief amended"
OFFICER_LEFT = "officer left"


def _request_still_open(standing: Standing, invitation: Any) -> str | None:
    request = invitation.request
    if request.state in (SUBMITTED, APPROVED):
        return None
    return f"You cannot respond to this request: it is {ATTENDANCE_REQUEST.label(request.state)}."


def _invitation_seen(standing: Standing, invitation: Any) -> bool:
    return policies.answers_invitation(standing, invitation) or policies.sees_attendance_request(
        standing, invitation.request
    )


_ONLY_THE_OFFICER = "Only the officers named in the request accept or decline it."
_ANSWERED_BEFORE_THE_MEETING = "The meeting has already begun."

ATTENDANCE_INVITATION = Workflow(
    name="invitation",
    labels=INVITATION_STATE_LABELS,
    state_refusal="You have already {state} this invitation.",
    sees=_invitation_seen,
    not_found="There is no such attendance request.",
    moves=(
        Move(
            NAME_IN_REQUEST,
            frozenset({NEW}),
            INVITED,
            policies.is_system,
            ("A1",),
            actor=SYSTEM,
            cause="a request naming the officer is made (submitted, referred or taken up)",
        ),
        # A4: attendance is voluntary, before or after approval, and no reason is needed to decline.
        Move(
            ACCEPT,
            frozenset({INVITED, DECLINED}),
            ACCEPTED,
            policies.answers_invitation,
            ("A4",),
            refusal=_ONLY_THE_OFFICER,
            when=BEFORE_MEETING,
            timing_refusal=_ANSWERED_BEFORE_THE_MEETING,
            guard=_request_still_open,
        ),
        Move(
            DECLINE,
            frozenset({INVITED, ACCEPTED}),
            DECLINED,
            policies.answers_invitation,
            ("A4",),
            refusal=_ONLY_THE_OFFICER,
            when=BEFORE_MEETING,
            timing_refusal=_ANSWERED_BEFORE_THE_MEETING,
            guard=_request_still_open,
        ),
        # A5: on the event "the brief was amended", officers who had accepted are asked again.
        Move(
            BRIEF_AMENDED,
            frozenset({ACCEPTED}),
            INVITED,
            policies.is_system,
            ("A5",),
            actor=SYSTEM,
            cause="the group amends the brief of the request",
        ),
        # A4, C3: an officer who leaves the council before the meeting will not attend: their open
        # invitation lapses, a final state (the request stays with the group).
        Move(
            OFFICER_LEFT,
            frozenset({INVITED, ACCEPTED}),
            LAPSED,
            policies.is_system,
            ("A4", "C3"),
            actor=SYSTEM,
            cause="Democratic Services records that the officer has left the council before the meeting",
        ),
    ),
)


# --- A relationship declaration (B1-B7) -------------------------------------------------------
# A reviewer may revise their advice after it was acknowledged (circumstances change): the
# declarant then acknowledges the new advice. Ended and withdrawn are final (C3: nothing deleted).

DeclarationState = Declaration.State

DECLARE = "declare"
REVIEW = "review"
ACKNOWLEDGE = "acknowledge"
END = "end"
WITHDRAW_DECLARATION = "withdraw"
REROUTE = "send to today's reviewer"
END_PERSON_LEFT = "end: a person it names left"
REROUTE_REVIEWER_LEFT = "send on: its reviewer left"

_OPEN_DECLARATION = frozenset(Declaration.OPEN_STATES)


def _reviewer_rule(declaration: Any) -> str:
    """B3 for a member's declaration (the Monitoring Officer), B4 for an officer's (their managers)."""
    return "B3" if declaration.declarant.is_member else "B4"


def _not_the_reviewer(standing: Standing, declaration: Any) -> tuple[str, str]:
    return (
        f"This declaration goes to {declaration.reviewer} ({declaration.reviewer_capacity}) for review, not to you.",
        _reviewer_rule(declaration),
    )


def _only_the_declarant(doing: str) -> Callable[[Standing, Any], tuple[str, str]]:
    def explain(standing: Standing, declaration: Any) -> tuple[str, str]:
        return f"Only {declaration.declarant}, who made the declaration, can {doing} it.", "B1"

    return explain


DECLARATION = Workflow(
    name="declaration",
    labels=dict(DeclarationState.choices),
    sees=policies.knows_of_declaration,
    not_found="There is no such declaration.",
    state_refusal="This cannot be done now: it is {state}.",
    moves=(
        Move(
            DECLARE,
            frozenset({NEW}),
            DeclarationState.SUBMITTED,
            policies.declares,
            ("B1", "B6"),
            refusal="Only councillors and officers declare relationships under the protocol.",
        ),
        Move(
            REVIEW,
            _OPEN_DECLARATION,
            DeclarationState.REVIEWED,
            policies.reviews_declaration,
            ("B3", "B4"),
            explain=_not_the_reviewer,
            refusal_field="reviewer",
        ),
        Move(
            ACKNOWLEDGE,
            frozenset({DeclarationState.REVIEWED}),
            DeclarationState.ACKNOWLEDGED,
            policies.is_declarant,
            ("B3", "B4"),
            explain=_only_the_declarant("acknowledge the advice on"),
            refusal_field="declarant",
        ),
        Move(
            END,
            _OPEN_DECLARATION,
            DeclarationState.ENDED,
            policies.is_declarant,
            ("B1",),
            explain=_only_the_declarant("end"),
            refusal_field="declarant",
        ),
        Move(
            WITHDRAW_DECLARATION,
            _OPEN_DECLARATION,
            DeclarationState.WITHDRAWN,
            policies.is_declarant,
            ("B1", "C3"),
            explain=_only_the_declarant("withdraw"),
            refusal_field="declarant",
        ),
        Move(
            REROUTE,
            _OPEN_DECLARATION,
            SAME,
            policies.reroutes_declaration,
            ("B3", "B4"),
            refusal="Only the declarant or the Monitoring Officer can send a declaration to another reviewer.",
            refusal_field="reviewer",
            state_refusal="An ended or withdrawn declaration is not reviewed again.",
        ),
        # A relationship with someone who has left the council ends on the day they left (B1, C3);
        # a declaration whose reviewer left goes to whoever holds the reviewing post now (B3, B4).
        Move(
            END_PERSON_LEFT,
            _OPEN_DECLARATION,
            DeclarationState.ENDED,
            policies.is_system,
            ("B1", "C3"),
            actor=SYSTEM,
            cause="Democratic Services records that its declarant or the other person has left the council",
        ),
        Move(
            REROUTE_REVIEWER_LEFT,
            _OPEN_DECLARATION,
            SAME,
            policies.is_system,
            ("B3", "B4"),
            actor=SYSTEM,
            cause="Democratic Services records that its reviewer has left the council",
        ),
    ),
)


# --- A notice in the outbox (C1) --------------------------------------------------------------

Status = Notification.Status

WRITE_NOTICE = "write"
WRITE_IN_REGISTER = "write in the register"
CLAIM = "claim an attempt"
DELIVER = "deliver"
RETRY_LATER = "retry later"
GIVE_UP = "give up"
SEND_AGAIN = "send again"
SEND_AGAIN_AFTER_TECHNICAL_FAILURE = "send again after Notify's technical failure"

NOTICE = Workflow(
    name="notice",
    labels=dict(Status.choices),
    # The register itself sees every notice, to make its own moves on it (sending one again).
    sees=lambda standing, notice: (
        policies.is_recipient(standing, notice)
        or policies.looks_after_deliveries(standing)
        or policies.is_system(standing)
    ),
    not_found="There is no such notice in your inbox.",
    moves=(
        # Written with its cause in the transaction of the move that caused it (the outbox).
        Move(
            WRITE_NOTICE,
            frozenset({NEW}),
            Status.PENDING,
            policies.is_system,
            ("C1",),
            actor=SYSTEM,
            cause="a move that others must hear of by e-mail, in its own transaction (the outbox)",
        ),
        # An in-app notice needs no broker and no worker: it is written delivered, in the same
        # transaction, and is in its reader's inbox as soon as that commits (issue 22).
        Move(
            WRITE_IN_REGISTER,
            frozenset({NEW}),
            Status.SENT,
            policies.is_system,
            ("C1",),
            actor=SYSTEM,
            cause="a move that others must hear of in the register, in its own transaction",
        ),
        # An e-mail attempt is claimed; sending -> sending is another attempt taking over from one that died.
        Move(
            CLAIM,
            frozenset({Status.PENDING, Status.SENDING}),
            Status.SENDING,
            policies.is_system,
            ("C1",),
            actor=SYSTEM,
            cause="the delivery task, or the sweep, takes up an e-mail (again, if an attempt died part-way)",
        ),
        # An e-mail is delivered once the server took it; an in-app notice written pending (before
        # issue 22 wrote them delivered) as soon as its task runs.
        Move(
            DELIVER,
            frozenset({Status.PENDING, Status.SENDING}),
            Status.SENT,
            policies.is_system,
            ("C1",),
            actor=SYSTEM,
            cause="the mail server took the e-mail, or the delivery task ran (an in-app notice written pending)",
        ),
        Move(
            RETRY_LATER,
            frozenset({Status.SENDING}),
            Status.PENDING,
            policies.is_system,
            ("C1",),
            actor=SYSTEM,
            cause="an e-mail attempt failed with attempts left (retried after a back-off)",
        ),
        # After the last attempt, or at once when it can never succeed (no e-mail address).
        Move(
            GIVE_UP,
            frozenset({Status.PENDING, Status.SENDING}),
            Status.FAILED,
            policies.is_system,
            ("C1",),
            actor=SYSTEM,
            cause="the last attempt failed, or the e-mail can never be sent (no address)",
        ),
        # Democratic Services (or an administrator) send again, with a reason, an e-mail that did not
        # arrive: one that failed, or one sent whose receipt says it failed, once the address is right.
        # Each send again is a new send, with its own reference (Notification.sends).
        Move(
            SEND_AGAIN,
            frozenset({Status.FAILED}),
            Status.PENDING,
            policies.looks_after_deliveries,
            ("C1",),
            refusal="Only Democratic Services or an administrator of the register can send a notice again.",
            state_refusal="Only a failed notice, or an e-mail whose receipt says it failed, can be sent again; "
            "this one is {state}.",
            state_field="status",
        ),
        Move(
            SEND_AGAIN,
            frozenset({Status.SENT}),
            Status.PENDING,
            policies.looks_after_deliveries,
            ("C1",),
            refusal="Only Democratic Services or an administrator of the register can send a notice again.",
            guard=policies.receipt_says_not_delivered,
            state_field="receipt",
        ),
        # Notify's technical failure means it could not send the e-mail and the sender should try again:
        # the register does, once. A temporary failure (a full inbox, a mail server out of reach) is not
        # sent again by itself: the provider kept trying before Notify reported it, and a full inbox is not
        # emptied by sending again at once; Democratic Services see it on their page and decide when.
        Move(
            SEND_AGAIN_AFTER_TECHNICAL_FAILURE,
            frozenset({Status.SENT}),
            Status.PENDING,
            policies.is_system,
            ("C1",),
            guard=policies.first_send_failed_technically,
            state_field="receipt",
            actor=SYSTEM,
            cause="GOV.UK Notify's receipt says a technical failure on the e-mail's first send",
        ),
    ),
)

# --- Information given at a briefing (A10) ----------------------------------------------------

RECORDED = "recorded"
LIKELY_TO_BE_CITED = "likely to be cited"
MARK_LIKELY_TO_BE_CITED = "mark likely to be cited"

INFORMATION = Workflow(
    name="information",
    labels={RECORDED: "Recorded", LIKELY_TO_BE_CITED: "Likely to be cited, copied to every group"},
    sees=lambda standing, information: policies.sees_attendance_request(standing, information.request),
    not_found="There is no such information.",
    state_of=lambda information: LIKELY_TO_BE_CITED if information.likely_to_be_cited else RECORDED,
    moves=(
        # Recorded by the request's move "record information"; likely to be cited then or later.
        Move(
            MARK_LIKELY_TO_BE_CITED,
            frozenset({RECORDED}),
            LIKELY_TO_BE_CITED,
            policies.marks_information_likely_cited,
            ("A10",),
            refusal="Only the officer who gave it, the acting Chief Executive or the Monitoring Officer marks "
            "information as likely to be cited.",
            state_refusal="This information is already marked as likely to be cited; every group has had a copy.",
            state_field="likely_to_be_cited",
        ),
    ),
)


# --- The Chief Executive's absence (A2) -------------------------------------------------------

AbsenceState = Absence.State

RECORD_ABSENCE = "record absence"
CANCEL_ABSENCE = "cancel absence"
END_ABSENCE = "end absence early"

ABSENCE = Workflow(
    name="absence",
    labels=dict(AbsenceState.choices),
    sees=lambda standing, absence: True,  # the Chief Executive's absence is no secret: the Deputy acts
    not_found="There is no such absence.",
    moves=(
        Move(
            RECORD_ABSENCE,
            frozenset({NEW}),
            AbsenceState.RECORDED,
            policies.records_absence,
            ("A2",),
            refusal="Only the officer, their deputy or Democratic Services can record a statutory officer's absence.",
        ),
        Move(
            CANCEL_ABSENCE,
            frozenset({AbsenceState.RECORDED}),
            AbsenceState.CANCELLED,
            policies.records_absence,
            ("A2",),
            refusal="Only the officer, their deputy or Democratic Services can cancel a recorded absence.",
            state_refusal="This absence is already cancelled.",
        ),
        Move(
            END_ABSENCE,
            frozenset({AbsenceState.RECORDED}),
            SAME,
            policies.records_absence,
            ("A2",),
            refusal="Only the officer, their deputy or Democratic Services can end a recorded absence early.",
            state_refusal="This absence is cancelled.",
        ),
    ),
)

# --- The council's records of people, groups and posts (kept by Democratic Services) -------------------

CURRENT = "current"
LEFT = "left"
ADD_PERSON = "add person"
CHANGE_PERSON = "change person"
RECORD_LEAVER = "record leaver"
INVITE_TO_SIGN_IN = "invite to sign in"

PERSON_RECORD = Workflow(
    name="person",
    labels={CURRENT: "Current", LEFT: "Left"},
    sees=policies.reads_people_records,
    not_found="There is no such person in the register.",
    state_of=lambda person: LEFT if person.left_on else CURRENT,
    moves=(
        Move(
            ADD_PERSON,
            frozenset({NEW}),
            CURRENT,
            policies.keeps_people_records,
            ("A1",),
            refusal="Only Democratic Services can add people to the register.",
        ),
        Move(
            CHANGE_PERSON,
            frozenset({CURRENT, LEFT}),
            SAME,
            policies.keeps_people_records,
            ("A1",),
            refusal="Only Democratic Services can change a person's record.",
        ),
        Move(
            RECORD_LEAVER,
            frozenset({CURRENT}),
            LEFT,
            policies.keeps_people_records,
            ("A1",),
            refusal="Only Democratic Services can record that someone has left.",
            state_refusal="This person is already recorded as having left.",
        ),
        Move(
            INVITE_TO_SIGN_IN,
            frozenset({CURRENT}),
            SAME,
            policies.keeps_people_records,
            ("A1",),
            refusal="Only Democratic Services can invite someone to set a password.",
            state_refusal="This person has left, so cannot be invited to sign in.",
        ),
    ),
)

KEPT = "kept"
CHANGE_COUNCIL_RECORDS = "change groups and posts"
HOLD_ELECTION = "record an election"
IMPORT_PEOPLE = "import people"

# Groups and directorates, posts, memberships and holdings, elections and imports: one record of the
# council, kept by Democratic Services, which every page of theirs reads.
COUNCIL_RECORDS = Workflow(
    name="council's records",
    labels={KEPT: "Kept"},
    sees=policies.reads_people_records,
    not_found="There is no such record of the council.",
    state_of=lambda record: KEPT,
    moves=(
        Move(
            CHANGE_COUNCIL_RECORDS,
            frozenset({NEW, KEPT}),
            KEPT,
            policies.keeps_people_records,
            ("A1",),
            refusal="Only Democratic Services can change the council's groups, directorates and posts.",
        ),
        Move(
            HOLD_ELECTION,
            frozenset({NEW, KEPT}),
            KEPT,
            policies.keeps_people_records,
            ("A1",),
            refusal="Only Democratic Services can record an election.",
        ),
        Move(
            IMPORT_PEOPLE,
            frozenset({NEW, KEPT}),
            KEPT,
            policies.keeps_people_records,
            ("A1",),
            refusal="Only Democratic Services can import people.",
        ),
    ),
)

# --- A concern under the protocol (D1-D3, D6) ----------------------------------------------------------

ConcernState = Concern.State

RAISE_CONCERN = "raise"
RAISE_FROM_REPORT = "raise from a report after a briefing"
ACKNOWLEDGE_CONCERN = "acknowledge"
LOOK_INTO = "look into"
TELL_CONCERNED_PERSON = "tell the person concerned"
RAISE_WITH_MEMBER = "raise with the member or group leader"
RESOLVE_INFORMALLY = "resolve informally"
REFER_ON = "refer on"
CLOSE_CONCERN = "close"
WITHDRAW_CONCERN = "withdraw"

_CONCERN_RULES = ("D1", "D2", "D3")
_BEING_HANDLED = frozenset(
    {ConcernState.ACKNOWLEDGED, ConcernState.LOOKING_INTO, ConcernState.RAISED, ConcernState.RESOLVED_INFORMALLY}
)


def _not_the_handler(standing: Standing, concern: Any) -> tuple[str, str]:
    return (
        f"This concern went to {concern.handler} ({concern.handler_capacity}), who handles it, not to you.",
        concern.rule if concern.rule != "D6" else "D2",
    )


def _not_yet_told(standing: Standing, concern: Any) -> str | None:
    if concern.concerned_person_id is None:
        return "This concern is about nobody in particular, so there is nobody to tell."
    if concern.concerned_person_told_at is not None:
        return f"{concern.concerned_person} has already been told of this concern."
    return None


def _about_a_member(standing: Standing, concern: Any) -> str | None:
    if concern.kind != Concern.Kind.ABOUT_MEMBER:
        return "Only a concern about a councillor is raised with the member or their group leader."
    return None


CONCERN = Workflow(
    name="concern",
    labels=dict(ConcernState.choices),
    sees=policies.sees_concern,
    not_found="There is no such concern.",
    state_refusal="You cannot {move} this concern: it is {state}.",
    moves=(
        # D1-D3: a councillor or officer raises it; it goes where the council's protocol routes it.
        Move(
            RAISE_CONCERN,
            frozenset({NEW}),
            ConcernState.RECEIVED,
            policies.raises_concern,
            _CONCERN_RULES,
            refusal="Only councillors and officers raise concerns under the protocol on member/officer relations.",
        ),
        # D6: an officer's report after a briefing is a concern of D2's kind, linked to the briefing.
        Move(
            RAISE_FROM_REPORT,
            frozenset({NEW}),
            ConcernState.RECEIVED,
            policies.is_system,
            ("D6",),
            actor=SYSTEM,
            cause="an officer who attended a briefing reports what happened instead of attesting (A13)",
        ),
        Move(
            ACKNOWLEDGE_CONCERN,
            frozenset({ConcernState.RECEIVED}),
            ConcernState.ACKNOWLEDGED,
            policies.handles_concern,
            _CONCERN_RULES,
            explain=_not_the_handler,
            refusal_field="handler",
            state_refusal="This concern has already been acknowledged.",
        ),
        Move(
            LOOK_INTO,
            frozenset({ConcernState.RECEIVED, ConcernState.ACKNOWLEDGED}),
            ConcernState.LOOKING_INTO,
            policies.handles_concern,
            _CONCERN_RULES,
            explain=_not_the_handler,
            refusal_field="handler",
        ),
        # Who it concerns sees it only once the handler decides to tell them.
        Move(
            TELL_CONCERNED_PERSON,
            _BEING_HANDLED | {ConcernState.REFERRED_ON, ConcernState.CLOSED},
            SAME,
            policies.handles_concern,
            ("D1", "D2"),
            explain=_not_the_handler,
            refusal_field="handler",
            phrase="tell the person concerned about",
            guard=_not_yet_told,
        ),
        # D2 (002 section 8.2): the Chief Officer may raise the matter with the member and/or group leader.
        Move(
            RAISE_WITH_MEMBER,
            frozenset({ConcernState.ACKNOWLEDGED, ConcernState.LOOKING_INTO}),
            ConcernState.RAISED,
            policies.handles_concern,
            ("D2",),
            explain=_not_the_handler,
            refusal_field="handler",
            phrase="raise with the member",
            guard=_about_a_member,
        ),
        Move(
            RESOLVE_INFORMALLY,
            frozenset({ConcernState.LOOKING_INTO, ConcernState.RAISED}),
            ConcernState.RESOLVED_INFORMALLY,
            policies.handles_concern,
            _CONCERN_RULES,
            explain=_not_the_handler,
            refusal_field="handler",
        ),
        Move(
            REFER_ON,
            frozenset({ConcernState.ACKNOWLEDGED, ConcernState.LOOKING_INTO, ConcernState.RAISED}),
            ConcernState.REFERRED_ON,
            policies.handles_concern,
            _CONCERN_RULES,
            explain=_not_the_handler,
            refusal_field="handler",
        ),
        Move(
            CLOSE_CONCERN,
            _BEING_HANDLED | {ConcernState.REFERRED_ON},
            ConcernState.CLOSED,
            policies.handles_concern,
            _CONCERN_RULES,
            explain=_not_the_handler,
            refusal_field="handler",
        ),
        Move(
            WITHDRAW_CONCERN,
            frozenset({ConcernState.RECEIVED, ConcernState.ACKNOWLEDGED, ConcernState.LOOKING_INTO}),
            ConcernState.WITHDRAWN,
            policies.is_concern_raiser,
            ("D1", "D2", "D3", "C3"),
            refusal="Only the person who raised a concern can withdraw it.",
            refusal_field="raised_by",
        ),
    ),
)


# --- A Code of Conduct complaint about a member (D4, D5) ---------------------------------------------

ComplaintState = Complaint.State

RECORD_COMPLAINT = "record"
CONSULT = "consult the Independent Person"
GIVE_VIEW = "give a view"
DECIDE_COMPLAINT = "decide"
TELL_MEMBER = "tell the member"
RECORD_ACTIONS = "record training needs and actions"
CLOSE_COMPLAINT = "close"
WITHDRAW_COMPLAINT = "record withdrawal"

_BEFORE_DECISION = frozenset({ComplaintState.RECEIVED, ComplaintState.CONSULTING, ComplaintState.CONSULTED})
_ONLY_MONITORING = "Only the Monitoring Officer or their deputy can {} a Code of Conduct complaint."


def _consulted_again_only_after_an_open_decision(standing: Standing, complaint: Any) -> str | None:
    if complaint.state == ComplaintState.DECIDED and complaint.decision in Complaint.DETERMINING:
        return "This complaint has been determined; the Independent Person is consulted again only after an investigation or a hearing."
    return None


def _determined_without_actions(standing: Standing, complaint: Any) -> str | None:
    if complaint.decision not in Complaint.DETERMINING:
        return "An investigated or referred complaint is closed only after a decision that determines it."
    if complaint.actions_outstanding.strip():
        return "Actions are outstanding on this complaint: record them as done before closing it."
    return None


def _member_not_told(standing: Standing, complaint: Any) -> str | None:
    if complaint.member_id is None:
        return "A parish or town councillor has no account in the register, so is told outside it."
    if complaint.member_told_at is not None:
        return f"{complaint.member} has already been told of this complaint."
    return None


COMPLAINT = Workflow(
    name="complaint",
    labels=dict(ComplaintState.choices),
    sees=policies.sees_complaint,
    not_found="There is no such complaint.",
    state_refusal="You cannot {move} this complaint: it is {state}.",
    moves=(
        Move(
            RECORD_COMPLAINT,
            frozenset({NEW}),
            ComplaintState.RECEIVED,
            policies.records_complaints,
            ("D4",),
            refusal=_ONLY_MONITORING.format("record"),
        ),
        # D4: an Independent Person must be consulted before any decision or finding, and may be again.
        Move(
            CONSULT,
            frozenset(
                {ComplaintState.RECEIVED, ComplaintState.CONSULTING, ComplaintState.CONSULTED, ComplaintState.DECIDED}
            ),
            ComplaintState.CONSULTING,
            policies.records_complaints,
            ("D4",),
            refusal=_ONLY_MONITORING.format("consult the Independent Person on"),
            phrase="consult the Independent Person on",
            guard=_consulted_again_only_after_an_open_decision,
        ),
        Move(
            GIVE_VIEW,
            frozenset({ComplaintState.CONSULTING}),
            ComplaintState.CONSULTED,
            policies.gives_view_on,
            ("D4",),
            refusal="Only the Independent Person consulted on this complaint gives their view on it.",
            refusal_field="independent_person",
            phrase="give a view on",
        ),
        Move(
            DECIDE_COMPLAINT,
            frozenset({ComplaintState.CONSULTED}),
            ComplaintState.DECIDED,
            policies.records_complaints,
            ("D4",),
            refusal=_ONLY_MONITORING.format("decide"),
            state_refusal="The Independent Person must be consulted, and give their view, before any decision on "
            "this complaint (it is {state}).",
            state_field="decision",
        ),
        Move(
            TELL_MEMBER,
            _BEFORE_DECISION | {ComplaintState.DECIDED, ComplaintState.CLOSED},
            SAME,
            policies.records_complaints,
            ("D4",),
            refusal=_ONLY_MONITORING.format("tell the member about"),
            phrase="tell the member about",
            guard=_member_not_told,
        ),
        Move(
            RECORD_ACTIONS,
            _BEFORE_DECISION | {ComplaintState.DECIDED},
            SAME,
            policies.records_complaints,
            ("D5",),
            refusal=_ONLY_MONITORING.format("record training needs and actions on"),
            phrase="record training needs and actions on",
        ),
        Move(
            CLOSE_COMPLAINT,
            frozenset({ComplaintState.DECIDED}),
            ComplaintState.CLOSED,
            policies.records_complaints,
            ("D4", "D5"),
            refusal=_ONLY_MONITORING.format("close"),
            guard=_determined_without_actions,
        ),
        Move(
            WITHDRAW_COMPLAINT,
            _BEFORE_DECISION,
            ComplaintState.WITHDRAWN,
            policies.records_complaints,
            ("D4", "C3"),
            refusal=_ONLY_MONITORING.format("record the withdrawal of"),
            phrase="record the withdrawal of",
        ),
    ),
)

WORKFLOWS = (
    ATTENDANCE_REQUEST,
    ATTENDANCE_INVITATION,
    DECLARATION,
    NOTICE,
    INFORMATION,
    ABSENCE,
    PERSON_RECORD,
    COUNCIL_RECORDS,
    CONCERN,
    COMPLAINT,
)


# --- The README's diagrams ----------------------------------------------------------------------


def final_states(workflow: Workflow) -> list[str]:
    """States that lead nowhere else (a self-loop does not count)."""
    after = states_after(workflow)
    return [state for state in workflow.labels if after.get(state, frozenset()) <= {state}]


def mermaid(workflow: Workflow) -> str:
    """The table as a Mermaid state diagram: one arrow per (from, to), labelled with its moves."""
    edges: dict[tuple[str, str], list[str]] = {}
    for row in workflow.moves:
        for source in sorted(row.sources, key=list(workflow.labels).index if NEW not in row.sources else str):
            target = row.leads_to(source)
            names = edges.setdefault((source, target), [])
            if row.name not in names:
                names.append(row.name)
    lines = ["stateDiagram-v2"]
    for (state, target), moves in edges.items():
        source = "[*]" if state == NEW else state
        lines.append(f"    {source} --> {target} : {' / '.join(moves)}")
    for state in final_states(workflow):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


def readme_diagrams() -> str:
    """The README's diagrams section body, exactly as the README holds it (a test compares them)."""
    return (
        "An attendance request:\n\n```mermaid\n" + mermaid(ATTENDANCE_REQUEST) + "\n```\n\n"
        "Each officer's invitation:\n\n```mermaid\n" + mermaid(ATTENDANCE_INVITATION) + "\n```\n"
    )


def _who(row: Move) -> str:
    return f"the register itself, when {row.cause}" if row.actor == SYSTEM else f"`{row.who.__name__}`"


def document() -> str:
    """docs/workflows.md: every workflow's diagram and its table of moves (a test compares them)."""
    parts = [
        "# The workflows\n\n"
        "Drawn from the tables in `register/workflow.py` by `python manage.py workflows --document`;\n"
        "a test fails when this page and the tables differ. Each move names the policy of\n"
        "`register/policies/` that says who may make it, what must hold of the time, and its rules.\n"
    ]
    for flow in WORKFLOWS:
        parts.append(f"\n## {flow.name[:1].upper() + flow.name[1:]}\n\n```mermaid\n{mermaid(flow)}\n```\n")
        parts.append("\n| move | from | to | who may make it | when | rules |\n|---|---|---|---|---|---|\n")
        for row in flow.moves:
            sources = ", ".join(sorted(row.sources))
            target = "(unchanged)" if row.target == SAME else row.target
            parts.append(f"| {row.name} | {sources} | {target} | {_who(row)} | {row.when} | {', '.join(row.rules)} |\n")
    return "".join(parts)
