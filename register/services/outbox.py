"""Handing notices to the broker, after the commit that wrote them (the outbox's far side).

``notify`` (register/services/notifications.py) queues the e-mails it writes; the delivery service
(register/services/delivery.py) queues what its sweep and retries find. Both come here, so that
neither imports the other for it. A broker that is down leaves the notices pending and marked
(``not_queued_since``), for the sweep's next run once it is back.
"""

import logging

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from register.models import Notification, Person
from register.queue import queue_task

logger = logging.getLogger(__name__)

# Notices a delivery task takes at once: one transaction, one turn of the history chain's lock.
DELIVERY_BATCH = 100
# The task that delivers a batch (tasks/jobs.py, deliver_notifications), queued by its name.
DELIVER_BATCH_TASK = "notifications.deliver_batch"


def queue_delivery(notification_ids: list[int]) -> None:
    """Hand the notices to Celery, DELIVERY_BATCH to a task queued by its name. Called after commit;
    a broker outage leaves them pending, marked ``not_queued`` for the sweep."""
    for start in range(0, len(notification_ids), DELIVERY_BATCH):
        batch = list(notification_ids[start : start + DELIVERY_BATCH])
        try:
            queue_task(DELIVER_BATCH_TASK, batch)
        except Exception as error:  # noqa: BLE001 - the broker is down: the sweep will re-queue them
            # Each try waits for the publish retry policy; once the broker has failed, leave the rest too.
            logger.warning(
                "Could not queue %s notice(s) from %s on; the sweep will re-queue them",
                len(notification_ids) - start,
                batch[0],
                exc_info=True,
            )
            not_queued(notification_ids[start:], error)
            return


def not_queued(notification_ids: list[int], error: Exception) -> None:
    """Record on each of the notices still pending that handing it to the broker failed
    (``not_queued_since``), so that the sweep re-queues it as soon as it runs again (beat's sweep runs
    only once the broker is back), rather than NOTICE_SWEEP_AFTER_SECONDS after it was due. One
    history row each (C1); a notice already marked keeps the time of the first failure.

    Best effort: if this fails too, the notices are still pending and the sweep re-queues them later.
    """
    try:
        with transaction.atomic():
            notices = list(
                Notification.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
                .filter(pk__in=notification_ids, status=Notification.Status.PENDING, not_queued_since__isnull=True)
                .select_related("actor")
            )
            if not notices:
                return
            system = _system_user()
            now = timezone.now()
            for notice in notices:
                notice.not_queued_since = now
                notice._history_user = notice.actor or system
            bulk_update_with_history(
                notices,
                Notification,
                ["not_queued_since"],
                default_user=system,
                default_change_reason=" ".join(
                    f"Not handed to the broker ({type(error).__name__}); the sweep re-queues it".split()
                ),
            )
    except Exception:  # noqa: BLE001 - the database may be down too: the sweep's slower path remains
        logger.warning("Could not record that %s notice(s) were not queued", len(notification_ids), exc_info=True)


def _system_user() -> Person:
    from register.services.system import system_user

    return system_user()
