"""Notices sent through GOV.UK Notify (its stand-in, tests/notify_stand_in.py) by a real Celery worker, and
Notify's delivery receipts posted back to the register's callback on a live server (issue 22)."""

import datetime

import pytest

from register.models import Absence, Notification, Person
from register.selectors.notices import inbox
from register.services import people
from register.services.history import save_with_history
from register.services.system import system_user
from tasks.jobs import sweep_notices
from tests.notify_stand_in import Sent, template_id
from tests.services import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2026, 3, 3)
EMAIL, IN_APP = Notification.Channel.EMAIL, Notification.Channel.IN_APP


@pytest.fixture
def through_notify(notify_worker, notify_api):
    return notify_api


def record_absence(council) -> Absence:
    return people.absence_record(actor=council.chief_executive, reason="Annual leave", start_date=DAY, end_date=DAY)


def email_about(absence: Absence) -> Notification:
    return Notification.objects.get(cause=f"absence:{absence.pk}:recorded", channel=EMAIL)


def wait_for_email(absence, status: str, worker, timeout=60) -> Notification:
    wait_until(
        lambda: email_about(absence).status == status,
        timeout=timeout,
        what=f"the e-mail to be {status}",
        explain=lambda: f"{email_about(absence).__dict__}\n{worker.tail()}",
    )
    return email_about(absence)


def callback_url(live_server) -> str:
    return live_server.url + "/notify/receipts/"


def address_wrong_notices(council) -> list[Notification]:
    return list(
        Notification.objects.filter(
            kind="email-address-wrong", recipient=council.democratic_services, channel=IN_APP
        ).order_by("pk")
    )


def shown_to_democratic_services(council, worker) -> Notification:
    """The one notice telling Democratic Services an address is wrong, once it is in their inbox."""
    wait_until(
        lambda: inbox(council.democratic_services).filter(kind="email-address-wrong").exists(),
        timeout=60,
        what="Democratic Services to be told",
        explain=worker.tail,
    )
    [told] = address_wrong_notices(council)
    return told


def give_address(person: Person, email: str) -> Person:
    person.email = email
    save_with_history(person, actor=system_user(), reason="Test data: an address", update_fields=["email"])
    return person


def sent_through_notify(council, through_notify, worker) -> tuple[Notification, Sent]:
    """An absence's e-mail to the deputy, sent through Notify: the notice and what Notify recorded."""
    absence = record_absence(council)
    email = wait_for_email(absence, "sent", worker)
    [sent] = through_notify.sent_to(council.deputy_chief_executive.email)
    return email, sent


def test_an_email_goes_through_notify_with_its_template_and_reference_and_its_receipt_reaches_the_register(
    council, through_notify, notify_worker, live_server
):
    email, sent = sent_through_notify(council, through_notify, notify_worker)
    assert sent.reference == email.reference == f"notice-{email.pk}"
    assert sent.template_id == template_id("absence-recorded")
    assert sent.personalisation["subject"] == email.subject
    assert sent.personalisation["link"].endswith(email.link_path) and sent.personalisation["link_label"]
    assert (email.sent_via, email.provider_id) == ("notify", sent.id)

    assert through_notify.post_receipt(sent, status="delivered", callback_url=callback_url(live_server)) == 200
    email.refresh_from_db()
    assert email.receipt == Notification.Receipt.DELIVERED and email.receipt_at is not None
    recorded = email.history.get(history_change_reason__startswith="GOV.UK Notify receipt: delivered")
    assert recorded.history_user == system_user()


def test_a_rate_limit_then_success_delivers_the_email_once(council, through_notify, notify_worker):
    deputy = council.deputy_chief_executive
    through_notify.fail_next(429)
    absence = record_absence(council)

    email = wait_for_email(absence, "sent", notify_worker)
    assert len(through_notify.sent_to(deputy.email)) == 1
    assert [r["status"] for r in through_notify.refused] == [429]
    assert email.attempts == 2
    assert "429" in email.last_error
    assert email.history.filter(history_change_reason="Attempt 1 failed; retrying").exists()


def test_notify_errors_500_are_retried_and_403_fails_the_notice_with_what_notify_said(
    council, through_notify, notify_worker
):
    through_notify.fail_next(500)
    through_notify.fail_next(403)
    absence = record_absence(council)

    email = wait_for_email(absence, "failed", notify_worker)
    assert email.attempts == 2, "500 retried, 403 not"
    assert "403" in email.last_error and "API key not found" in email.last_error
    assert through_notify.sent == []


def test_a_permanent_failure_receipt_tells_democratic_services_the_address_looks_wrong(
    council, through_notify, notify_worker, live_server
):
    deputy = council.deputy_chief_executive
    email, sent = sent_through_notify(council, through_notify, notify_worker)

    status = through_notify.post_receipt(sent, status="permanent-failure", callback_url=callback_url(live_server))

    assert status == 200
    email.refresh_from_db()
    assert email.receipt == Notification.Receipt.PERMANENT_FAILURE
    told = shown_to_democratic_services(council, notify_worker)
    assert str(deputy) in told.subject and deputy.email in told.body_text
    assert told.link_path == f"/people/{deputy.pk}/"
    assert through_notify.post_receipt(sent, status="permanent-failure", callback_url=callback_url(live_server)) == 200
    assert len(address_wrong_notices(council)) == 1, "a replayed receipt tells nobody twice"


def test_an_address_notify_rejects_fails_at_once_and_democratic_services_are_told(
    council, through_notify, notify_worker
):
    give_address(council.deputy_chief_executive, "deputy@council.example")
    through_notify.fail_next(400)
    absence = record_absence(council)

    email = wait_for_email(absence, "failed", notify_worker)
    assert email.attempts == 1, "a 400 is not retried"
    assert "email_address Not a valid email address" in email.last_error
    told = shown_to_democratic_services(council, notify_worker)
    assert "email_address Not a valid email address" in told.body_text


def test_a_worker_killed_after_notify_took_the_email_does_not_send_it_again(council, through_notify, notify_worker):
    """The whole worker is killed after Notify recorded the e-mail but before it answered. The row stays
    `sending`; the attempt that takes over asks Notify for the notice's reference, finds it, and
    records it as sent: no duplicate."""
    deputy = council.deputy_chief_executive
    through_notify.hold_seconds = 8
    absence = record_absence(council)
    wait_until(lambda: through_notify.sent_to(deputy.email), timeout=60, what="Notify to take the e-mail")

    notify_worker.kill()
    through_notify.hold_seconds = 0
    notify_worker.start()
    assert email_about(absence).status == "sending"
    sweep_notices.delay(stale_after_seconds=0)

    email = wait_for_email(absence, "sent", notify_worker)
    [sent] = through_notify.sent_to(deputy.email)
    assert email.provider_id == sent.id
    assert email.attempts == 2


def test_a_technical_failure_is_sent_again_once_by_the_worker_and_then_delivered(
    council, through_notify, notify_worker, live_server
):
    """Notify's technical failure on the first send: the register queues the e-mail again, the worker sends
    it under its own reference (notice-<id>-2, so the duplicate check does not take it for the first send),
    and that send's receipt is recorded as delivered."""
    deputy = council.deputy_chief_executive
    email, first = sent_through_notify(council, through_notify, notify_worker)

    assert through_notify.post_receipt(first, status="technical-failure", callback_url=callback_url(live_server)) == 200
    wait_until(
        lambda: len(through_notify.sent_to(deputy.email)) == 2,
        timeout=60,
        what="the e-mail to be sent again",
        explain=notify_worker.tail,
    )
    _, second = through_notify.sent_to(deputy.email)
    assert second.reference == f"notice-{email.pk}-2"
    wait_until(
        lambda: Notification.objects.get(pk=email.pk).provider_id == second.id,
        timeout=60,
        what="the second send to be recorded",
        explain=notify_worker.tail,
    )

    assert through_notify.post_receipt(second, status="delivered", callback_url=callback_url(live_server)) == 200
    email.refresh_from_db()
    assert (email.status, email.sends, email.receipt) == ("sent", 2, Notification.Receipt.DELIVERED)
    assert len(through_notify.sent_to(deputy.email)) == 2, "sent again once"
