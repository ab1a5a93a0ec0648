"""The e-mail notices that did not arrive, for Democratic Services and the register's administrators who
manage notices (``policies.looks_after_deliveries``); to anyone else the list does not exist."""

import datetime

from django.conf import settings
from django.db.models import Q

from register.errors import NotFound
from register.models import Notification
from register.policies.notices import FAILED_RECEIPTS, looks_after_deliveries
from register.policies.standing import Standing

Status = Notification.Status


def overdue(now: datetime.datetime, stale_after: datetime.timedelta) -> Q:
    """Notices due for longer than ``stale_after`` and still pending (the broker lost the message) or
    still sending (the attempt died): what the sweep re-queues, and what this list shows as not arrived."""
    return Q(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now - stale_after)


def did_not_arrive(now: datetime.datetime) -> Q:
    """An e-mail that failed, that was sent but whose receipt says it failed, or that has waited longer
    than the sweep's threshold (NOTICE_SWEEP_AFTER_SECONDS)."""
    stale_after = datetime.timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS)
    return Q(channel=Notification.Channel.EMAIL) & (
        Q(status=Status.FAILED) | Q(status=Status.SENT, receipt__in=FAILED_RECEIPTS) | overdue(now, stale_after)
    )


def _require_looks_after(viewer: Standing) -> None:
    if not looks_after_deliveries(viewer):
        raise NotFound("There is no such page.")


def undelivered(*, viewer: Standing):
    """Every e-mail notice that did not arrive (``did_not_arrive`` at the viewer's time), newest first,
    with its recipient: one query, whatever the number of rows."""
    _require_looks_after(viewer)
    return (
        Notification.objects.filter(did_not_arrive(viewer.at))
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )


def undelivered_notice(*, viewer: Standing, notice_id: int) -> Notification:
    """One e-mail notice, for its page of sending again: any e-mail, so that one that was sent meanwhile
    is refused by the workflow in words (it was delivered) rather than not found."""
    _require_looks_after(viewer)
    notice = (
        Notification.objects.filter(pk=notice_id, channel=Notification.Channel.EMAIL)
        .select_related("recipient")
        .first()
    )
    if notice is None:
        raise NotFound("There is no such notice.")
    return notice
