"""What every change to the council's records of people shares: who may make it, one editor's change
not silently overwriting another's, and a correction applied under its lock, saved with history if
it changes."""

from collections.abc import Iterable, Mapping
from typing import Any

from register import selectors, workflow
from register.errors import Conflict
from register.models import Person
from register.services.history import save_with_history


def require_keeper(actor: Person, move: str, record=None, flow: workflow.Workflow = workflow.COUNCIL_RECORDS) -> None:
    """Refuse anyone but Democratic Services (or the register itself, or a superuser in the admin)."""
    workflow.require(flow, move, record, selectors.standing_of(actor))


def version_of(record) -> int:
    """The record's version: the id of its latest history row. A form carries the version it was
    drawn from, so that a save over someone else's later change is refused, not applied."""
    latest = record.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return latest or 0


def check_unchanged_since(record, version: int | None) -> None:
    """Refuse a change drawn from an older version of ``record`` (two editors at once: the first
    save wins, the second is told and loses nothing, since their form comes back to them)."""
    if version is not None and version_of(record) != version:
        raise Conflict(
            f"Someone else changed {record} while you were editing it. "
            "Your changes have not been saved: check the record as it is now and make them again."
        )


def locked_with_changes(record, changes: Mapping[str, Any], allowed: frozenset[str], *, version: int | None = None):
    """The record, locked for this transaction, with ``changes`` applied but not yet saved; refused
    when it changed since ``version`` (when one is given)."""
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"{type(record).__name__} has no field that may change called {', '.join(sorted(unknown))}.")
    record = type(record).objects.select_for_update(no_key=True).get(pk=record.pk)
    check_unchanged_since(record, version)
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def save_changes(record, changed: Iterable[str], *, actor: Person, reason: str) -> None:
    """Save the fields named in ``changed``; nothing changed, nothing saved (and no history row)."""
    fields = sorted(changed)
    if fields:
        save_with_history(record, actor=actor, reason=reason, update_fields=fields)
