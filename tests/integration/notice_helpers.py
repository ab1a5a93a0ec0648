"""E-mail notices left as far as a test needs them (failed, sent with a receipt, waiting), written through
``notify`` and saved with history as the delivery service would: for the tests of the e-mails that did
not arrive and of sending them again."""

import datetime

from django.db import transaction
from django.utils import timezone

from register.models import Notification
from register.services.history import save_with_history
from register.services.notifications import notify
from register.services.system import system_user

NOTIFY_ID = "0d3a6c2e-4b1f-4e8a-a1c9-7e5d3b2f1a91"


def an_email(person, *, number: int = 0, **state) -> Notification:
    """An e-mail notice to ``person``, left as ``state`` says (status, receipt, attempts ...)."""
    with transaction.atomic():
        [email] = notify(
            cause=f"test:{person.pk}:{number}",
            kind="email-address-wrong",
            recipients=[person],
            about=person,
            actor=None,
            context={"person": person, "address": person.email, "said": "A test", "council_name": "Test"},
            channels=[Notification.Channel.EMAIL],
        )
    for name, value in state.items():
        setattr(email, name, value)
    if state:
        save_with_history(email, actor=system_user(), reason="Test data: how far it got", update_fields=list(state))
    return email


def failed(person, number=0) -> Notification:
    return an_email(person, number=number, status="failed", attempts=5, last_error="SMTPServerDisconnected")


def sent_with(person, receipt: str, number=0) -> Notification:
    return an_email(
        person,
        number=number,
        status="sent",
        attempts=1,
        sent_via="notify",
        provider_id=NOTIFY_ID,
        receipt=receipt,
        receipt_at=timezone.now(),
    )


def waiting(person, status: str, *, minutes_ago: int, number=0) -> Notification:
    due = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return an_email(person, number=number, status=status, attempts=1, next_attempt_at=due)
