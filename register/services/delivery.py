"""Delivering notices from the outbox: one attempt at a time, the sweep, and retries by hand.

Delivering a notice is safe to repeat: a notice already sent or failed is left alone, so a task
that runs twice (a re-queue by the sweep, a message Redis gave out again) sends once. An in-app
notice is written delivered (register/services/notifications.py, issue 22); one written pending
before that is delivered here by marking its row sent, in one transaction, so it can never be
duplicated.
An e-mail is delivered in two commits:

1. the attempt is claimed: status ``sending``, ``attempts`` + 1. The claim is committed, so an
   attempt that dies part-way still counts towards NOTICE_MAX_ATTEMPTS and is visible.
2. the row is locked (FOR UPDATE) while the mail server is spoken to, and the answer recorded:
   ``sent``; or ``pending`` with a back-off; or ``failed`` after the last attempt.

Notices are handed to the worker in batches (``queue_delivery``: up to DELIVERY_BATCH ids a task).
``deliver_batch`` locks a batch's notices with one query, skipping those another attempt holds,
and delivers its in-app notices and claims its e-mails (step 1) in ONE transaction, so that the
history chain's lock and the commit are paid once a batch rather than once a notice; each e-mail
is then sent in its own step 2, as above. Each notice is still saved with its own history row.
A worker that dies part-way through a batch's e-mails leaves the ones it had not sent yet
``sending``: the next attempt takes them over as it would one that died, and counts the claim.

While step 2 runs its row lock says "an attempt is alive". If the process dies, PostgreSQL drops
its connection and the lock, and the row stays ``sending``: the next attempt (the message Celery
gives back, or the sweep) finds it unlocked and takes over. The one repetition this allows is an
e-mail the mail server accepted just before the process died, before the row was marked sent.
"""

import datetime
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from register import selectors, workflow
from register.errors import NotFound, RuleViolation
from register.models import Notification, Person
from register.selectors.deliveries import overdue
from register.services import notify
from register.services.history import save_with_history
from register.services.notice_sends import start_new_send
from register.services.notify_receipts import tell_democratic_services_address_wrong
from register.services.outbox import queue_delivery

logger = logging.getLogger(__name__)
Status = Notification.Status

# Not statuses of a notice: what an attempt found instead of a notice it could try.
MISSING = "missing"
BUSY = "busy"


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt came to: the notice's status, and when to try again if ever."""

    status: str
    retry_in: float | None = None
    # GOV.UK Notify rejected the recipient's address: the task tells Democratic Services (notify_receipts).


@dataclass(frozen=True)
class _Claimed:
    """An e-mail whose attempt this transaction claimed (step 1): it is sent after the commit."""

    attempt: int


def deliver(notification_id: int) -> Outcome:
    """Make one attempt at delivering a notice, unless it is already delivered, failed or in hand."""
    return deliver_batch([notification_id])[notification_id]


def deliver_batch(notification_ids: list[int]) -> dict[int, Outcome]:
    """Make one attempt at each notice, as ``deliver`` does, with one lock query and one commit for
    the in-app notices and the e-mails' claims; then send each claimed e-mail (step 2)."""
    ids = list(dict.fromkeys(notification_ids))
    try:
        with transaction.atomic():
            decided = _deliver_or_claim(ids)
    except Exception:
        if len(ids) == 1:
            raise
        # One notice must not hold back the batch: try each in a transaction of its own.
        logger.warning("Delivering %s notices together failed; delivering them one by one", len(ids), exc_info=True)
        return {notification_id: deliver(notification_id) for notification_id in ids}
    return {
        notification_id: _send_claimed_email(notification_id, attempt=outcome.attempt)
        if isinstance(outcome, _Claimed)
        else outcome
        for notification_id, outcome in decided.items()
    }


def _deliver_or_claim(ids: list[int]) -> dict[int, "Outcome | _Claimed"]:
    notices = {notice.pk: notice for notice in _lock_batch(ids)}
    held = set(Notification.objects.filter(pk__in=set(ids) - notices.keys()).values_list("pk", flat=True))
    decided: dict[int, Outcome | _Claimed] = {}
    for notification_id in ids:
        notice = notices.get(notification_id)
        if notice is not None:
            decided[notification_id] = _attempt(notice)
        elif notification_id in held:
            # Another attempt holds it right now. Look again later in case that attempt dies.
            decided[notification_id] = Outcome(BUSY, retry_in=retry_delay(1))
        else:
            logger.warning("Notice %s does not exist; nothing to deliver", notification_id)
            decided[notification_id] = Outcome(MISSING)
    return decided


def _attempt(notice: Notification) -> "Outcome | _Claimed":
    """Within the transaction that locked ``notice``: deliver it in the register, fail it, or claim
    its e-mail attempt."""
    if notice.status in (Status.SENT, Status.FAILED):
        return Outcome(notice.status)
    if notice.attempts >= settings.NOTICE_MAX_ATTEMPTS:
        # Only an attempt that died part-way leaves a notice here: do not let it die forever.
        return _fail(notice, notice.last_error or "The last attempt stopped before it finished (the worker died).")
    if notice.channel == Notification.Channel.IN_APP:
        notice.attempts += 1
        return _mark_sent(notice)
    if not notice.recipient.email:
        notice.attempts += 1
        return _fail(notice, f"{notice.recipient} has no e-mail address.")
    return _Claimed(_claim(notice))


def _claim(notice: Notification) -> int:
    taking_over = notice.status == Status.SENDING
    _move(notice, workflow.CLAIM)
    notice.attempts += 1
    notice.next_attempt_at = timezone.now()
    reason = f"E-mail attempt {notice.attempts}" + (" (the previous attempt died part-way)" if taking_over else "")
    _save(notice, reason, ["status", "attempts", "next_attempt_at"])
    return notice.attempts


def _send_claimed_email(notification_id: int, *, attempt: int) -> Outcome:
    with transaction.atomic():
        notice = _lock(notification_id)
        if notice.status != Status.SENDING or notice.attempts != attempt:
            # Between our two commits another attempt took over; it owns the notice now.
            return Outcome(notice.status)
        try:
            service, provider_id = send_email(notice)
        except notify.NotifyRefused as refusal:
            logger.warning("E-mail notice %s, attempt %s, refused: %s", notice.pk, attempt, refusal)
            return _refused(notice, refusal)
        except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
            logger.warning("E-mail notice %s, attempt %s, failed: %r", notice.pk, attempt, error)
            return _after_failed_attempt(notice, f"{type(error).__name__}: {error}")
        return _mark_emailed(notice, service=service, provider_id=provider_id)


def send_email(notice: Notification) -> tuple[str, str]:
    """Hand one e-mail to the service NOTICE_EMAIL_SERVICE chooses; which service took it, and that
    service's id for it (none from SMTP).

    SMTP: plain text with an HTML alternative, through Django's e-mail backend. GOV.UK Notify: the
    notice's template and fields, with the notice's reference. A notice an earlier attempt may have
    handed over already (any attempt after the first: it died, or its answer was lost) is looked up
    by its reference first, and not sent again if Notify has it.
    """
    if settings.NOTICE_EMAIL_SERVICE == Notification.Service.NOTIFY:
        provider_id = notify.already_sent(notice) if notice.attempts > 1 else None
        return Notification.Service.NOTIFY, provider_id or notify.send(notice)
    message = EmailMultiAlternatives(notice.subject, notice.body_text, to=[notice.recipient.email])
    if notice.body_html:
        message.attach_alternative(notice.body_html, "text/html")
    message.send()
    return Notification.Service.SMTP, ""


def _mark_emailed(notice: Notification, *, service: str, provider_id: str) -> Outcome:
    notice.sent_via = service
    notice.provider_id = provider_id
    _move(notice, workflow.DELIVER)
    notice.sent_at = timezone.now()
    _save(notice, "Notice delivered", ["status", "attempts", "sent_at", "sent_via", "provider_id"])
    return Outcome(Status.SENT)


def _refused(notice: Notification, refusal: notify.NotifyRefused) -> Outcome:
    """Notify will not send it (400, 403): failed at once, saying what Notify said. An address it
    rejects is Democratic Services' to correct: they are told in the same transaction, so that the
    failure and their notice commit together or not at all."""
    notice.sent_via = Notification.Service.NOTIFY
    outcome = _fail(notice, str(refusal), also=["sent_via"])
    if refusal.address_rejected:
        tell_democratic_services_address_wrong(notice, said=f"GOV.UK Notify refused it: {refusal}")
    return outcome


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt``: exponential, capped, with jitter.

    The ceiling doubles with each attempt up to NOTICE_RETRY_MAX_SECONDS; the wait is a random
    point in its upper half, so notices that failed together do not all come back together.
    """
    ceiling = min(settings.NOTICE_RETRY_MAX_SECONDS, settings.NOTICE_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


def _after_failed_attempt(notice: Notification, error: str) -> Outcome:
    notice.last_error = error
    if notice.attempts >= settings.NOTICE_MAX_ATTEMPTS:
        return _fail(notice, error)
    delay = retry_delay(notice.attempts)
    _move(notice, workflow.RETRY_LATER)
    notice.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delay)
    _save(notice, f"Attempt {notice.attempts} failed; retrying", ["status", "last_error", "next_attempt_at"])
    return Outcome(Status.PENDING, retry_in=delay)


def _mark_sent(notice: Notification) -> Outcome:
    _move(notice, workflow.DELIVER)
    notice.sent_at = timezone.now()
    _save(notice, "Notice delivered", ["status", "attempts", "sent_at"])
    return Outcome(Status.SENT)


def _fail(notice: Notification, error: str, also: tuple[str, ...] | list[str] = ()) -> Outcome:
    _move(notice, workflow.GIVE_UP)
    notice.last_error = error
    _save(notice, f"Notice failed after {notice.attempts} attempt(s)", ["status", "attempts", "last_error", *also])
    return Outcome(Status.FAILED)


def sweep_outbox(*, stale_after: datetime.timedelta | None = None, limit: int = 500) -> list[int]:
    """Re-queue notices that are due and were never handed to the broker (``not_queued``: it was
    down at commit), and notices that have been due for longer than ``stale_after`` and are still
    pending (the broker lost the message) or still sending (the attempt died).

    Run by Celery beat every NOTICE_SWEEP_INTERVAL_SECONDS, so a notice the broker could not take
    goes out within about that long of its return; one the broker took is never re-queued before
    ``stale_after``, however long a healthy queue is. A notice whose attempt is alive is locked and
    skipped. Each re-queued notice is marked due now and no longer "not handed to the broker", so
    that the next sweep leaves it alone for another ``stale_after``. Costs a fixed number of
    queries per sweep.
    """
    if stale_after is None:
        stale_after = datetime.timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS)
    now = timezone.now()
    never_queued = Q(status=Status.PENDING, not_queued_since__isnull=False, next_attempt_at__lte=now)
    stale = overdue(now, stale_after)
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .filter(never_queued | stale)
            .select_related("actor")
            .order_by("next_attempt_at")[:limit]
        )
        if not due:
            return []
        system = _system_user()
        for notice in due:
            notice.next_attempt_at = now
            notice.not_queued_since = None
            notice._history_user = notice.actor or system
        bulk_update_with_history(
            due,
            Notification,
            ["next_attempt_at", "not_queued_since"],
            default_user=system,
            default_change_reason="Re-queued by the sweep",
        )
        ids = [notice.pk for notice in due]
        transaction.on_commit(lambda: queue_delivery(ids))
    logger.info("The sweep re-queued %s notice(s)", len(ids))
    return ids


def notice_retry(*, notice: Notification, actor: Person, reason: str) -> Notification:
    """Send again, by hand, a notice that did not arrive (``workflow.SEND_AGAIN``): a failed one, or a sent
    e-mail whose receipt says it failed, typically once Democratic Services have corrected the address.
    A new send, with its own reference and a fresh set of attempts (notice_sends.start_new_send); the
    reason is kept in the history with the earlier send's receipt."""
    standing = selectors.standing_of(actor)
    with transaction.atomic():
        notice = _lock(notice.pk)
        status = workflow.require(workflow.NOTICE, workflow.SEND_AGAIN, notice, standing)
        if not (reason or "").strip():
            raise RuleViolation("Say why it is sent again (for example, the address was corrected).", field="reason")
        start_new_send(notice, status=status, actor=actor, reason=reason)
    return notice


def _lock(notification_id: int) -> Notification:
    """The notice, locked for this transaction (its own row only, not the people it names)."""
    notices = Notification.objects.select_for_update(no_key=True, of=("self",)).select_related("recipient", "actor")
    try:
        return notices.get(pk=notification_id)
    except Notification.DoesNotExist:
        raise NotFound("There is no such notice.") from None


def _lock_batch(notification_ids: list[int]) -> list[Notification]:
    """Those of the notices that no other attempt holds right now, locked for this transaction
    (their own rows only), with one query."""
    return list(
        Notification.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
        .select_related("recipient", "actor")
        .filter(pk__in=notification_ids)
        .order_by("pk")
    )


def _move(notice: Notification, move: str) -> None:
    """The register's own moves of a notice (``workflow.NOTICE``): no person to judge, only the state."""
    notice.status = workflow.next_state(workflow.NOTICE, notice.status, move)


def _save(notice: Notification, reason: str, fields: list[str]) -> None:
    """Changes made while delivering are the actor's who caused the notice, or the system's (C1)."""
    save_with_history(notice, actor=notice.actor or _system_user(), reason=reason, update_fields=fields)


def _system_user() -> Person:
    from register.services.system import system_user

    return system_user()
