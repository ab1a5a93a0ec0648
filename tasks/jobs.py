"""Celery tasks. Thin: each calls a service and does what its answer says.

There is no request in a task to take a history user from: the services record the person whose
action caused the notice (its actor), or the system user, with a reason (C1).
"""

import datetime
import logging
from collections import Counter

from celery import shared_task

logger = logging.getLogger(__name__)

# A notice held by a live attempt is looked at again this many times, then left to the sweep.
MAX_RETRIES_WHILE_BUSY = 10


@shared_task(bind=True, name="notifications.deliver", max_retries=None)
def deliver_notification(self, notification_id: int) -> str:
    """Make one attempt at a notice; after a failed attempt, come back after the back-off it asks for.

    The notice row counts attempts and decides when to give up (NOTICE_MAX_ATTEMPTS), so that
    attempts made through the sweep or lost with a dead worker count too. In-process (the
    embedded default) nothing waits: a notice that failed an attempt stays pending for the sweep.
    """
    from register.services import delivery

    outcome = delivery.deliver(notification_id)
    if outcome.retry_in is None or self.request.is_eager:
        return outcome.status
    if outcome.status == delivery.BUSY and self.request.retries >= MAX_RETRIES_WHILE_BUSY:
        return outcome.status
    raise self.retry(countdown=outcome.retry_in)


@shared_task(bind=True, name="notifications.deliver_batch")
def deliver_notifications(self, notification_ids: list[int]) -> dict:
    """Make one attempt at each of a batch of notices (register/services/delivery.py, deliver_batch).

    A notice that asks to be tried again (a failed e-mail's back-off, or one another attempt holds)
    comes back on its own, as ``deliver_notification``, after the wait it asks for.
    """
    from register.services import delivery, outbox

    outcomes = delivery.deliver_batch(notification_ids)
    if not self.request.is_eager:
        again = {pk: outcome.retry_in for pk, outcome in outcomes.items() if outcome.retry_in is not None}
        left = list(again)
        try:
            for notification_id, countdown in again.items():
                deliver_notification.apply_async((notification_id,), countdown=countdown)
                left.remove(notification_id)
        except Exception as error:  # noqa: BLE001 - the broker is down: they are still pending, and the sweep re-queues them
            logger.warning("Could not queue %s notice(s) to try again; the sweep will", len(left), exc_info=True)
            outbox.not_queued(left, error)
    return dict(Counter(outcome.status for outcome in outcomes.values()))


@shared_task(name="notifications.sweep")
def sweep_notices(stale_after_seconds: float | None = None) -> int:
    """Re-queue notices left pending or sending (run by Celery beat every few minutes)."""
    from register.services import delivery

    stale_after = None if stale_after_seconds is None else datetime.timedelta(seconds=stale_after_seconds)
    return len(delivery.sweep_outbox(stale_after=stale_after))


@shared_task(name="declarations.send_confirmation_reminders")
def send_declaration_confirmation_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind people before and after their re-confirmation is due (B6)."""
    from register.services.declarations import confirmation_reminders_send

    return confirmation_reminders_send()


@shared_task(name="history.daily_check")
def check_history_daily() -> str:
    """Verify the audit history's chain and send the day's head to the Monitoring Officer and auditors (C4)."""
    from register.services.audit import history_daily_check

    result = history_daily_check()
    return f"verified, head {result.head_hash}" if result.ok else f"FAILED: {result.first_problem}"


@shared_task(name="checkpoints.sign")
def sign_checkpoints() -> dict:
    """Every CHECKPOINT_EVERY_MINUTES (settings.CELERY_BEAT_SCHEDULE): sign checkpoints of the history and
    the access log, each only if it grew since its last (issue 20). Without a usable signing key the task
    fails, with an error in the worker's log saying what is wrong: nothing is signed with a made-up key."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from register.models import TransparencyLog
    from register.services.audit import checkpoints

    every = settings.CHECKPOINT_EVERY_MINUTES
    reason = "hourly" if every == 60 else f"every {every} minutes"
    signed = {}
    for log in TransparencyLog.values:
        try:
            checkpoint = checkpoints.sign_checkpoint(log=log, reason=reason)
        except ImproperlyConfigured as error:
            logger.error("No checkpoint of the %s log was signed: %s", log, error)
            raise
        signed[log] = checkpoint.tree_size if checkpoint else 0
    return signed


@shared_task(name="attendance.send_reminders")
def send_attendance_reminders() -> dict:
    """Run by Celery beat (settings.CELERY_BEAT_SCHEDULE): deadlines of A12."""
    from register.services.attendance import attendance_send_reminders

    return attendance_send_reminders()


@shared_task(name="concerns.send_reminders")
def send_concern_reminders() -> dict:
    """Hourly (settings.CELERY_BEAT_SCHEDULE): concerns due to be acknowledged or brought to an
    outcome, and those overdue (D1-D3, D6; as A12)."""
    from register.services.conduct.concerns import concerns_send_reminders

    return concerns_send_reminders()


@shared_task(name="attendance.lapse_requests")
def lapse_attendance_requests() -> int:
    """Every few minutes (settings.CELERY_BEAT_SCHEDULE): a request still awaiting a decision when its
    meeting begins lapses (A12, C3)."""
    from register.services.attendance import attendance_requests_lapse

    return len(attendance_requests_lapse())


# --- Retention and disposal (issue 21) -----------------------------------------------------------------


@shared_task(name="retention.propose_disposal_run")
def propose_disposal_run() -> str:
    """Monthly (settings.DISPOSAL_RUN_SCHEDULE): list what the retention schedule says is due and send the
    Monitoring Officer a notice to approve it; also run any approved run left unfinished. Nothing is erased
    here without an approval."""
    from register.errors import Conflict
    from register.services import retention

    finished = retention.approved_runs_execute()
    try:
        run = retention.disposal_run_propose()
    except Conflict as error:
        return f"no run proposed: {error}"
    return f"disposal run {run.pk} proposed ({finished} approved run(s) finished first)"


@shared_task(name="retention.run_disposal")
def run_disposal(run_id: int) -> str:
    """Erase what an approved disposal run lists as due (queued when the Monitoring Officer approves it)."""
    from register.models import DisposalRun
    from register.services import retention

    run = retention.disposal_run_execute(run=DisposalRun.objects.get(pk=run_id))
    return f"disposal run {run.pk}: {run.state}"
