"""Writing notices into the outbox (a transactional outbox: STYLE.md, "Side effects after commit").

A service that tells someone something calls ``notify`` inside its own transaction. The rows
commit or roll back with the change that caused them; after commit, each is handed to Celery
for delivery by id. A periodic sweep re-queues whatever is still pending, so nothing is lost if
the broker was down at commit time.
"""
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template.loader import render_to_string
from simple_history.utils import bulk_create_with_history

from register.models import Notification, Person

DEFAULT_CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)


def notify(
    *,
    cause: str,
    kind: str,
    recipients: Iterable[Person],
    about: models.Model | None,
    actor: Person | None,
    context: dict | None = None,
    channels: Iterable[str] = DEFAULT_CHANNELS,
) -> list[Notification]:
    """Write one notice per recipient and channel, rendered from ``templates/notifications/<kind>.*``.

    Costs a fixed number of queries whatever the number of recipients. A notice whose idempotency
    key (cause, recipient, kind, channel) already exists is not written again.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() belongs inside the transaction of the change that causes the notice.")
    recipients = list({person.pk: person for person in recipients}.values())
    channels = list(channels)
    if not recipients:
        return []
    existing = set(
        Notification.objects.filter(cause=cause, kind=kind, recipient__in=recipients).values_list(
            "recipient_id", "channel"
        )
    )
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    system = _system_user()
    notices = []
    for recipient in recipients:
        subject, body_text, body_html = render_notice(kind, {**(context or {}), "recipient": recipient, "about": about})
        for channel in channels:
            if (recipient.pk, channel) in existing:
                continue
            notices.append(
                Notification(
                    recipient=recipient, kind=kind, channel=channel, cause=cause, subject=subject,
                    body_text=body_text, body_html=body_html if channel == Notification.Channel.EMAIL else "",
                    about_type=about_type, about_id=about.pk if about is not None else None, actor=actor,
                )
            )
    if not notices:
        return []
    created = bulk_create_with_history(
        notices, Notification, default_user=actor or system, default_change_reason=f"Notice queued: {kind}"
    )
    ids = [notice.pk for notice in created]
    transaction.on_commit(lambda: queue_delivery(ids))
    return created


def render_notice(kind: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a notice, from its three templates."""
    subject = render_to_string(f"notifications/{kind}.subject.txt", context).strip()
    body_text = render_to_string(f"notifications/{kind}.txt", context).strip()
    body_html = render_to_string(f"notifications/{kind}.html", context).strip()
    return " ".join(subject.split()), body_text, body_html


def queue_delivery(notification_ids: list[int]) -> None:
    """Hand each notice to Celery. Called after commit; a broker outage leaves them pending for the sweep."""
    from tasks.jobs import deliver_notification

    for notification_id in notification_ids:
        try:
            deliver_notification.delay(notification_id)
        except Exception:  # noqa: BLE001 - the broker is down: the sweep will re-queue it
            import logging

            logging.getLogger(__name__).warning("Could not queue notice %s; the sweep will retry it", notification_id)


def _system_user() -> Person:
    from register.services.people import system_user

    return system_user()
