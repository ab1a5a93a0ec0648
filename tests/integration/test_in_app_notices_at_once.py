"""Issue 22, point 2: an in-app notice needs no broker. It is written delivered, in the transaction of
the change that caused it, and is in its reader's inbox as soon as that commits, whatever Redis and the
worker do. An e-mail the broker could not take is marked so, and the next sweep re-queues it.

Redis is really stopped here (the one `make test` started), and no worker runs: tasks are not run
in-process either, so nothing but the commit can have put the notice in the inbox."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register import selectors
from register.models import Absence, Notification
from register.services import delivery, outbox, people
from register.services.history import save_with_history
from register.services.system import system_user
from tasks.celery import app
from tests.services import RedisServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2026, 3, 3)
IN_APP, EMAIL = Notification.Channel.IN_APP, Notification.Channel.EMAIL


@pytest.fixture
def no_worker():
    """Tasks go to the broker, as in production, and no worker takes them."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def redis_down(no_worker):
    redis = RedisServer()
    redis.stop()
    try:
        yield redis
    finally:
        if not redis.is_up():
            redis.start()


def record_absence(council) -> Absence:
    deputy = council.deputy_chief_executive
    deputy.email = "deputy@council.example"
    save_with_history(deputy, actor=system_user(), reason="Test data: the deputy's address", update_fields=["email"])
    return people.absence_record(actor=council.chief_executive, reason="Annual leave", start_date=DAY, end_date=DAY)


def notices_about(absence: Absence) -> dict[str, Notification]:
    return {n.channel: n for n in Notification.objects.filter(cause=f"absence:{absence.pk}:recorded")}


def test_an_in_app_notice_is_in_its_readers_inbox_as_soon_as_the_change_commits_while_redis_is_down(
    council, redis_down
):
    deputy = council.deputy_chief_executive
    absence = record_absence(council)

    notices = notices_about(absence)
    in_app = notices[IN_APP]
    assert (in_app.status, in_app.attempts) == ("sent", 0)
    assert in_app.sent_at is not None and abs(in_app.sent_at - in_app.created_at) < datetime.timedelta(seconds=5)
    [written] = in_app.history.all()
    assert (written.history_user, written.history_change_reason) == (
        council.chief_executive,
        "Notice written to the register: absence-recorded",
    ), "one history row, the actor's, with its reason (C1)"

    client = Client()
    client.force_login(deputy)
    assert in_app.subject in client.get("/notices/").content.decode()
    api = APIClient()
    api.force_authenticate(deputy)
    assert [row["id"] for row in api.get("/api/notices/").json()["results"]] == [in_app.pk]
    assert api.get("/api/notices/unread-count/").json() == {"unread": 1}
    assert [notice.pk for notice in selectors.inbox(deputy)] == [in_app.pk]

    email = notices[EMAIL]
    assert email.status == "pending", "the e-mail waits for the broker"
    assert email.not_queued_since is not None, "marked: the broker did not take it"
    assert email.history.filter(history_change_reason__startswith="Not handed to the broker").exists()


def test_an_email_the_broker_could_not_take_is_re_queued_by_the_next_sweep_once_it_is_back(council, redis_down):
    absence = record_absence(council)
    email = notices_about(absence)[EMAIL]
    redis_down.start()

    # Long before NOTICE_SWEEP_AFTER_SECONDS: the sweep knows this one never reached the broker.
    assert delivery.sweep_outbox() == [email.pk]
    email.refresh_from_db()
    assert email.not_queued_since is None, "queued now: the mark is cleared"
    assert delivery.sweep_outbox() == [], "queued once: the next sweep leaves it alone"


def test_the_sweep_leaves_an_email_the_broker_took_to_its_healthy_queue(council, monkeypatch):
    monkeypatch.setattr(outbox, "queue_task", lambda name, ids: None)  # taken; no worker has run it yet
    absence = record_absence(council)
    email = notices_about(absence)[EMAIL]
    assert (email.status, email.not_queued_since) == ("pending", None)

    assert delivery.sweep_outbox() == [], "not re-queued before NOTICE_SWEEP_AFTER_SECONDS"
    assert delivery.sweep_outbox(stale_after=datetime.timedelta(0)) == [email.pk]


def test_a_notice_marked_twice_keeps_its_first_failure_and_its_earlier_error(council, redis_down):
    absence = record_absence(council)
    email = notices_about(absence)[EMAIL]
    first_failure = email.not_queued_since
    email.last_error = "SMTPServerDisconnected: hung up"
    save_with_history(email, actor=system_user(), reason="Test data: an attempt failed", update_fields=["last_error"])
    outbox.queue_delivery([email.pk])  # Redis is still down: the retry could not be queued either
    email.refresh_from_db()
    assert email.not_queued_since == first_failure, "marked once, however often it failed"
    assert email.last_error == "SMTPServerDisconnected: hung up", "the attempt's own error is untouched"

    redis_down.start()
    assert delivery.sweep_outbox() == [email.pk]
    email.refresh_from_db()
    assert (email.not_queued_since, email.last_error) == (None, "SMTPServerDisconnected: hung up")
