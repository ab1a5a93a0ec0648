"""GOV.UK Notify's delivery receipts (its callback: register/views/notify_receipts.py) recorded on the
notices, and Democratic Services told when Notify says a person's e-mail address is wrong."""

import datetime
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from register import workflow
from register.errors import Conflict, InvalidTransition, NotFound, RuleViolation
from register.models import Notification, Person, Post
from register.notice_links import NoticeLink
from register.selectors.people import holdings_on
from register.selectors.standing import standing_of
from register.services.history import save_with_history
from register.services.notice_sends import start_new_send
from register.services.notifications import notify
from register.services.notify import REFERENCE_FORMAT, is_uuid

logger = logging.getLogger(__name__)

# Notify's statuses that a receipt may carry (callbacks come for final statuses only).
RECEIPT_STATUSES = {choice.value for choice in Notification.Receipt}
# The notice that tells Democratic Services an address is wrong (templates/notifications/<kind>.*).
ADDRESS_WRONG = "email-address-wrong"


@dataclass(frozen=True)
class Receipt:
    """A delivery receipt as Notify's callback posts it, checked."""

    provider_id: str
    reference: str
    status: str
    at: datetime.datetime


def bearer_token_matches(header: str) -> bool:
    """Whether an Authorization header carries NOTIFY_CALLBACK_BEARER_TOKEN (compared in constant time)."""
    expected = settings.NOTIFY_CALLBACK_BEARER_TOKEN
    scheme, _, given = header.partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def parse_receipt(payload) -> Receipt:
    """The receipt in Notify's callback body; RuleViolation naming the first field that is wrong."""
    if not isinstance(payload, dict):
        raise RuleViolation("The body must be a JSON object.", field="body")
    provider_id = payload.get("id")
    if not isinstance(provider_id, str) or not is_uuid(provider_id):
        raise RuleViolation("id must be Notify's notification id (a UUID).", field="id")
    reference = payload.get("reference")
    if not isinstance(reference, str) or not REFERENCE_FORMAT.match(reference):
        raise RuleViolation(
            "reference must be a notice's reference, notice-<number> (notice-<number>-<send> once sent again).",
            field="reference",
        )
    status = payload.get("status")
    if status not in RECEIPT_STATUSES:
        raise RuleViolation(f"status must be one of {', '.join(sorted(RECEIPT_STATUSES))}.", field="status")
    if payload.get("notification_type", "email") != "email":
        raise RuleViolation("notification_type must be email.", field="notification_type")
    at = None
    for field in ("completed_at", "sent_at", "created_at"):
        value = payload.get(field)
        if value is None:
            continue
        at = parse_datetime(value) if isinstance(value, str) else None
        if at is None:
            raise RuleViolation(f"{field} must be a date and time (ISO 8601).", field=field)
        if timezone.is_naive(at):
            at = timezone.make_aware(at, datetime.UTC)
        break
    if at is None:
        raise RuleViolation("completed_at (or sent_at, created_at) is required.", field="completed_at")
    return Receipt(provider_id=provider_id, reference=reference, status=status, at=at)


# What became of a receipt (the callback says it in its answer).
RECORDED = "recorded"
UNCHANGED = "unchanged"  # the same receipt again
SUPERSEDED = "superseded"  # a receipt for an earlier send of a notice sent again since


def notice_record_receipt(*, receipt: Receipt) -> tuple[Notification, str]:
    """Record Notify's receipt on its notice; RECORDED, UNCHANGED (the same receipt again) or SUPERSEDED.

    Only the receipt of the notice's latest send is recorded: one for an earlier send (notice-12 once
    notice-12-2 has gone) is true of that send only, and recording it would overwrite what the latest
    send came to, so it changes nothing (the history holds the earlier send and its Notify id). A
    permanent failure tells Democratic Services that the person's address looks wrong; a technical
    failure on the first send sends the e-mail again, once (``workflow.SEND_AGAIN_AFTER_TECHNICAL_FAILURE``).
    """
    from register.services.system import system_user

    matched = REFERENCE_FORMAT.match(receipt.reference)
    notice_id, send = int(matched.group(1)), int(matched.group(2) or 1)
    with transaction.atomic():
        notice = (
            Notification.objects.select_for_update(no_key=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notice_id, channel=Notification.Channel.EMAIL)
            .first()
        )
        if notice is None or send > notice.sends:
            raise NotFound("There is no such notice.")
        if send < notice.sends:
            logger.info("Receipt %s for %s ignored: the notice was sent again since", receipt.status, receipt.reference)
            return notice, SUPERSEDED
        if not notice.provider_id or not hmac.compare_digest(notice.provider_id, receipt.provider_id):
            raise Conflict("id is not the notification GOV.UK Notify was given for this notice.")
        if notice.receipt == receipt.status:
            return notice, UNCHANGED
        system = system_user()
        notice.receipt = receipt.status
        notice.receipt_at = receipt.at
        save_with_history(
            notice,
            actor=system,
            reason=f"GOV.UK Notify receipt: {receipt.status} at {receipt.at.isoformat()}",
            update_fields=["receipt", "receipt_at"],
        )
        if receipt.status == Notification.Receipt.PERMANENT_FAILURE:
            tell_democratic_services_address_wrong(
                notice, said="GOV.UK Notify could not deliver it (permanent failure)."
            )
        if receipt.status == Notification.Receipt.TECHNICAL_FAILURE:
            _send_again_after_technical_failure(notice, system=system)
    return notice, RECORDED


def _send_again_after_technical_failure(notice: Notification, *, system: Person) -> None:
    """Notify could not send it and says to try again: the register does, once; after that the notice
    waits on Democratic Services' page (the workflow's guard says which)."""
    move = workflow.SEND_AGAIN_AFTER_TECHNICAL_FAILURE
    try:
        status = workflow.require(workflow.NOTICE, move, notice, standing_of(system))
    except InvalidTransition as left:
        logger.info("Notice %s is not sent again by the register: %s", notice.pk, left.message)
        return
    start_new_send(
        notice,
        status=status,
        actor=system,
        reason=f"Sent again by the register: GOV.UK Notify's receipt for {notice.reference} "
        "says a technical failure (Notify could not send it)",
    )


def tell_democratic_services_address_wrong(notice: Notification, *, said: str) -> list[Notification]:
    """Within the caller's transaction: tell the holders of the Democratic Services post(s), through
    the outbox, that ``notice``'s recipient's e-mail address looks wrong, with a link to their record."""
    person: Person = notice.recipient
    holders = [h.person for h in holdings_on(Post.Role.DEMOCRATIC_SERVICES, timezone.localdate())]
    if not holders:
        logger.warning("Nobody holds a Democratic Services post to be told that %s's address is wrong", person.pk)
    return notify(
        cause=f"{ADDRESS_WRONG}:{notice.reference}",
        kind=ADDRESS_WRONG,
        recipients=holders,
        about=person,
        actor=None,
        context={
            "person": person,
            "address": person.email,
            "said": said,
            "council_name": settings.COUNCIL_NAME,
        },
        link=NoticeLink(f"See {person}'s record", reverse("people:detail", args=[person.pk])),
    )
