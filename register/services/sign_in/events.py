"""The sign-in history: one ``SignInEvent`` per attempt, success or refusal, in the audit timeline.

Written in a transaction of its own (``on_commit`` is not enough: a refused sign-in rolls nothing
back, but a failure inside a page's transaction must still be recorded), attributed to the person
when the register knows who it was, otherwise to the system user (C1)."""

from django.db import transaction

from register.models import SignInEvent
from register.selectors import clock
from register.services.history import save_with_history
from register.services.system import system_user

Kind = SignInEvent.Kind
Method = SignInEvent.Method


def record_sign_in_event(
    *,
    kind: str,
    method: str,
    person=None,
    username: str = "",
    address: str | None = None,
    detail: str = "",
) -> SignInEvent:
    """Add one line to the sign-in history. ``detail`` says why in words: never a password, a code
    or a token."""
    event = SignInEvent(
        at=clock.now(),
        kind=kind,
        method=method,
        person=person if getattr(person, "pk", None) else None,
        username=(username or getattr(person, "username", "") or "")[:150],
        address=address or None,
        detail=detail[:300],
    )
    with transaction.atomic():
        save_with_history(
            event,
            actor=event.person or system_user(),
            reason=f"{SignInEvent.Kind(kind).label} ({SignInEvent.Method(method).label.lower()})",
        )
    return event
