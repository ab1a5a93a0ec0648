"""A notice's e-mail sent again as a new send (Notification.sends), by a person (delivery.notice_retry) or
by the register after GOV.UK Notify's technical failure (notify_receipts): one place that says what a new
send clears, so that both do the same."""

from django.db import transaction
from django.utils import timezone

from register.models import Notification, Person
from register.services.history import save_with_history
from register.services.outbox import queue_delivery


def start_new_send(notice: Notification, *, status: str, actor: Person, reason: str) -> Notification:
    """Within the caller's transaction, on the locked ``notice``: the next send, due now, with a fresh set of
    attempts and its own reference (notice-<id>-<send>), so that the duplicate check before sending
    (notify.already_sent) does not find the earlier send and a receipt for that send is told apart.
    What the earlier send came to (Notify's id, its receipt, its error) is cleared here and kept in the
    history. Queued after the commit."""
    notice.status = status
    notice.sends += 1
    notice.attempts = 0
    notice.next_attempt_at = timezone.now()
    notice.provider_id = ""
    notice.receipt = ""
    notice.receipt_at = None
    notice.sent_at = None
    notice.last_error = ""
    save_with_history(
        notice,
        actor=actor,
        reason=reason,
        update_fields=[
            "status",
            "sends",
            "attempts",
            "next_attempt_at",
            "provider_id",
            "receipt",
            "receipt_at",
            "sent_at",
            "last_error",
        ],
    )
    transaction.on_commit(lambda: queue_delivery([notice.pk]))
    return notice
