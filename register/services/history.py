"""Saving a tracked record with the acting person and a reason in its history (C1)."""

from django.db import models


def save_with_history(instance: models.Model, *, actor, reason: str, update_fields=None) -> None:
    """Save ``instance`` so that its history row names ``actor`` and says ``reason``.

    Every service saves through here: there is no request in a task or a command to take the
    user from, and a change without a reason is not an audit trail.
    """
    if not reason or not reason.strip():
        raise ValueError("A change to the register needs a reason for its history.")
    if actor is None:
        raise ValueError("A change to the register needs an acting person (or the system user).")
    instance._history_user = actor
    instance._change_reason = reason.strip()
    instance.save(update_fields=update_fields)
