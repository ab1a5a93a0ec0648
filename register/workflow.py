"""The register's workflows as data: for each state, the states it may move to.

Services ask ``allowed(table, current, next)`` before every move; the README's diagrams are drawn
from these tables.
"""

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
