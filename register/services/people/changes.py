"""A correction to a record of people, groups or posts: applied under its lock, saved with history if it changes."""

from collections.abc import Iterable, Mapping
from typing import Any

from register.models import Person
from register.services.history import save_with_history


def locked_with_changes(record, changes: Mapping[str, Any], allowed: frozenset[str]):
    """The record, locked for this transaction, with ``changes`` applied but not yet saved."""
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"{type(record).__name__} has no field that may change called {', '.join(sorted(unknown))}.")
    record = type(record).objects.select_for_update(no_key=True).get(pk=record.pk)
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def save_changes(record, changed: Iterable[str], *, actor: Person, reason: str) -> None:
    """Save the fields named in ``changed``; nothing changed, nothing saved (and no history row)."""
    fields = sorted(changed)
    if fields:
        save_with_history(record, actor=actor, reason=reason, update_fields=fields)
