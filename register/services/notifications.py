"""Writing notices into the outbox (a transactional outbox: STYLE.md, "Side effects after commit").

A service that tells someone something calls ``notify`` inside its own transaction. The rows
commit or roll back with the change that caused them. An in-app notice is written delivered:
it is in its reader's inbox as soon as that transaction commits, with no broker or worker. After
commit each e-mail is handed to Celery for delivery by id (register/services/delivery.py). A
periodic sweep re-queues whatever is still pending, so nothing is lost if the broker was down
at commit time. The recipient of an in-app notice marks it read here.
"""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from register import workflow
from register.errors import NotFound
from register.models import Notification, Person
from register.notice_links import NoticeLink, link_for
from register.services.history import save_with_history
from register.services.outbox import queue_delivery

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
    link: NoticeLink | None = None,
) -> list[Notification]:
    """Write one notice per recipient and channel, rendered from ``templates/notifications/<kind>.*``.

    Each leads to the page where its reader acts: ``link``, or else the one ``link_for`` finds from
    the kind and the record. The e-mail carries it as an absolute address; the inbox shows it as a link.

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
    now = timezone.now()
    notices = []
    for recipient in recipients:
        if all((recipient.pk, channel) in existing for channel in channels):
            continue  # already told: a reminder run again renders nothing (the beat asks every hour)
        subject, body_text, body_html = render_notice(kind, {**(context or {}), "recipient": recipient, "about": about})
        leads_to = link or link_for(kind, about, recipient)
        for channel in channels:
            if (recipient.pk, channel) in existing:
                continue
            by_email = channel == Notification.Channel.EMAIL
            notices.append(
                _written(
                    channel,
                    now,
                    recipient=recipient,
                    kind=kind,
                    cause=cause,
                    subject=subject,
                    body_text=with_link_text(body_text, leads_to) if by_email else body_text,
                    body_html=with_link_html(body_html, leads_to) if by_email else "",
                    link_path=leads_to.path if leads_to else "",
                    link_label=leads_to.label if leads_to else "",
                    about_type=about_type,
                    about_id=about.pk if about is not None else None,
                    actor=actor,
                )
            )
    if not notices:
        return []
    created = bulk_create_with_history(
        notices, Notification, default_user=actor or _system_user(), default_change_reason=f"Notice queued: {kind}"
    )
    # Only e-mails need the broker and a worker; an in-app notice was written delivered.
    ids = [notice.pk for notice in created if notice.status == Notification.Status.PENDING]
    if ids:
        transaction.on_commit(lambda: queue_delivery(ids))
    return created


def _written(channel: str, now: datetime.datetime, **fields) -> Notification:
    """A new notice as ``workflow.NOTICE`` writes it: an e-mail pending for the outbox; an in-app
    notice already delivered (sent, at the time of the change), so it is in its reader's inbox as
    soon as the transaction that wrote it commits, whatever the broker and the worker do."""
    if channel == Notification.Channel.IN_APP:
        notice = Notification(
            channel=channel,
            status=workflow.next_state(workflow.NOTICE, workflow.NEW, workflow.WRITE_IN_REGISTER),
            sent_at=now,
            next_attempt_at=now,
            **fields,
        )
        notice._change_reason = f"Notice written to the register: {fields['kind']}"
        return notice
    status = workflow.next_state(workflow.NOTICE, workflow.NEW, workflow.WRITE_NOTICE)
    return Notification(channel=channel, status=status, next_attempt_at=now, **fields)


def render_notice(kind: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a notice, from its three templates."""
    subject = _render_plain_text(f"notifications/{kind}.subject.txt", context).strip()
    body_text = _render_plain_text(f"notifications/{kind}.txt", context).strip()
    body_html = render_to_string(f"notifications/{kind}.html", context).strip()
    return _fit_subject(" ".join(subject.split())), body_text, body_html


def with_link_text(body_text: str, link: NoticeLink | None) -> str:
    """An e-mail's text ends with the page where its reader acts, as an absolute address."""
    if link is None:
        return body_text
    return f"{body_text}\n\n{link.label}: {link.url}"


def with_link_html(body_html: str, link: NoticeLink | None) -> str:
    if link is None:
        return body_html
    return body_html + render_to_string("notifications/_link.html", {"link": link}).strip()


def _fit_subject(subject: str) -> str:
    """A subject line that quotes a long title (a briefing's subject, information's title) is cut
    to what the outbox holds, with an ellipsis; the body carries it in full."""
    limit = Notification._meta.get_field("subject").max_length
    return subject if len(subject) <= limit else subject[: limit - 1].rstrip() + "…"


def _render_plain_text(name: str, context: dict) -> str:
    """A plain-text template, not HTML-escaped: "O'Brien" stays "O'Brien" in a subject line, an
    e-mail's text part and the inbox (which escapes it once, when it shows it)."""
    return get_template(name).template.render(Context(context, autoescape=False))


def notice_mark_read(*, notice: Notification, actor: Person, reason: str = "Read in the register") -> Notification:
    """Mark an in-app notice as read by its recipient. Marking it again changes nothing.

    Anyone else's notice is "not found": the inbox does not reveal that it exists.
    """
    with transaction.atomic():
        notice = Notification.objects.select_for_update(no_key=True).filter(pk=notice.pk).first()
        if not _in_inbox_of(actor, notice):
            raise NotFound("There is no such notice in your inbox.")
        if notice.read_at is None:
            notice.read_at = timezone.now()
            save_with_history(notice, actor=actor, reason=reason, update_fields=["read_at"])
    return notice


def _in_inbox_of(person: Person, notice: Notification | None) -> bool:
    """Delivered in-app notices to ``person``: what ``selectors.inbox`` lists."""
    return (
        notice is not None
        and notice.recipient_id == person.pk
        and notice.channel == Notification.Channel.IN_APP
        and notice.status == Notification.Status.SENT
    )


def _system_user() -> Person:
    from register.services.system import system_user

    return system_user()
