"""The register's workflows as data: for each state, the states a record may move to next.

Services ask ``check_transition`` before they change a state; the README's state diagrams are
drawn from these tables.
"""
from register.errors import InvalidTransition


def check_transition(table: dict[str, frozenset[str]], current: str, wanted: str, *, labels: dict | None = None) -> None:
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
