"""The outbox in-process (as `make run` delivers): fan-out cost, the idempotency key, attempts,
failure, the sweep, and retrying a failed notice by hand in the admin."""

import datetime
import os
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from register.errors import InvalidTransition, NotFound
from register.models import Absence, Notification, Person
from register.services import delivery, outbox, people
from register.services.history import save_with_history
from register.services.notifications import notify
from register.services.system import forget_system_user, system_user
from tests.mail import read_log

DAY = datetime.date(2026, 3, 3)
IN_APP, EMAIL = Notification.Channel.IN_APP, Notification.Channel.EMAIL


@pytest.fixture
def absence(council, django_capture_on_commit_callbacks) -> Absence:
    with django_capture_on_commit_callbacks(execute=True):
        return people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)


@pytest.fixture
def test_mail_server(settings, tmp_path, monkeypatch):
    """The recording mail server of tests/mail.py, in this process; returns its log."""
    settings.EMAIL_BACKEND = "tests.mail.RecordingBackend"
    log = tmp_path / "mail.jsonl"
    monkeypatch.setenv("REGISTER_TEST_MAIL_LOG", str(log))
    return log


def tell(people_, absence, *, cause, channels=(IN_APP, EMAIL)) -> list[Notification]:
    return notify(
        cause=cause,
        kind="absence-recorded",
        recipients=people_,
        about=absence,
        actor=absence.recorded_by,
        context={"absence": absence},
        channels=channels,
    )


def written_pending_in_app(people_, absence, *, cause) -> list[Notification]:
    """In-app notices as the register wrote them before issue 22: pending, for the delivery task to
    mark sent. Rows like these may still be in the outbox; the delivery path still delivers them."""
    notices = [
        Notification(
            recipient=person,
            kind="absence-recorded",
            channel=IN_APP,
            cause=cause,
            subject="Absence recorded",
            body_text="Absence recorded",
            about=absence,
            actor=absence.recorded_by,
        )
        for person in people_
    ]
    return bulk_create_with_history(
        notices, Notification, default_user=absence.recorded_by, default_change_reason="Notice queued: absence-recorded"
    )


def give_address(person, email):
    person.email = email
    save_with_history(person, actor=system_user(), reason="Test data", update_fields=["email"])


@pytest.mark.parametrize("how_many", [1, 10])
def test_telling_ten_people_costs_the_same_queries_as_telling_one(
    council, absence, how_many, django_assert_num_queries
):
    recipients = list(Person.objects.exclude(kind=Person.Kind.SYSTEM).order_by("pk")[:how_many])
    with transaction.atomic():
        # Read the existing keys, insert the notices, insert their history, then link the history
        # rows into the hash chain (take the chain's lock and head, insert the links): whatever the number.
        with django_assert_num_queries(5):
            created = tell(recipients, absence, cause="fan-out")
    assert len(created) == 2 * how_many
    assert Notification.objects.filter(cause="fan-out").count() == 2 * how_many


def test_the_database_holds_the_idempotency_key_unique(council, absence):
    notice = Notification.objects.filter(channel=EMAIL).first()
    duplicate = Notification(
        recipient=notice.recipient,
        kind=notice.kind,
        channel=notice.channel,
        cause=notice.cause,
        subject="Again",
        body_text="Again",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_notify_writes_nothing_new_for_a_key_already_written(council, absence):
    with transaction.atomic():
        again = tell([council.deputy_chief_executive], absence, cause=f"absence:{absence.pk}:recorded")
    assert again == []
    assert Notification.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_notify_refuses_to_run_outside_the_transaction_of_its_cause(council, absence):
    with pytest.raises(RuntimeError):
        tell([council.monitoring_officer], absence, cause="outside")
    assert not Notification.objects.filter(cause="outside").exists()


def test_delivering_a_notice_twice_sends_it_once(council, absence):
    email = Notification.objects.get(channel=EMAIL)
    assert email.status == "sent" and len(mail.outbox) == 1

    assert delivery.deliver(email.pk).status == "sent"
    assert len(mail.outbox) == 1
    assert email.history.filter(history_change_reason="Notice delivered").count() == 1


def test_every_change_a_delivery_makes_carries_the_actor_and_a_reason_C1(council, absence):
    rows = Notification.history.filter(cause=f"absence:{absence.pk}:recorded")
    assert sorted((row.channel, row.history_change_reason) for row in rows) == [
        ("email", "E-mail attempt 1"),
        ("email", "Notice delivered"),
        ("email", "Notice queued: absence-recorded"),
        ("in-app", "Notice written to the register: absence-recorded"),
    ]
    assert {row.history_user for row in rows} == {council.chief_executive}


def test_a_notice_the_register_itself_caused_is_written_as_the_system_user_C1(
    council, absence, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [notice] = notify(
            cause="reminder",
            kind="absence-recorded",
            recipients=[council.monitoring_officer],
            about=absence,
            actor=None,
            context={"absence": absence},
            channels=[IN_APP],
        )
    rows = notice.history.order_by("history_id")
    assert [(row.history_user, row.history_change_reason) for row in rows] == [
        (council.system, "Notice written to the register: absence-recorded"),
    ]


def test_sweep_notices_the_command_delivers_what_was_left_pending(
    council, absence, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("register.services.notifications.queue_delivery", lambda ids: None)  # the broker "lost" them
    give_address(council.monitoring_officer, "mo@council.example")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [notice] = tell([council.monitoring_officer], absence, cause="left", channels=[EMAIL])
        [written_before] = written_pending_in_app([council.monitoring_officer], absence, cause="left-before")
    assert Notification.objects.get(pk=notice.pk).status == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_notices", "--stale-after", "0", stdout=open(os.devnull, "w"))
    assert Notification.objects.get(pk=notice.pk).status == "sent"
    assert Notification.objects.get(pk=written_before.pk).status == "sent", "in-app, written pending before issue 22"


def test_an_email_that_keeps_failing_is_failed_after_the_last_attempt_with_its_error(
    council, test_mail_server, django_capture_on_commit_callbacks
):
    give_address(council.deputy_chief_executive, "flaky-9-deputy@council.example")
    with override_settings(NOTICE_MAX_ATTEMPTS=3):
        with django_capture_on_commit_callbacks(execute=True):
            people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)
        email = Notification.objects.get(channel=EMAIL)
        # In-process nothing waits for a back-off: the failed attempt leaves the notice pending.
        assert (email.status, email.attempts) == ("pending", 1)
        assert email.next_attempt_at > timezone.now()
        assert delivery.deliver(email.pk).status == "pending"
        outcome = delivery.deliver(email.pk)

    email.refresh_from_db()
    assert outcome.status == "failed"
    assert (email.status, email.attempts) == ("failed", 3)
    assert email.last_error == "SMTPServerDisconnected: The test mail server hung up"
    assert len(read_log(test_mail_server, event="refused")) == 3
    assert delivery.deliver(email.pk).status == "failed", "no attempt after the last"
    assert len(read_log(test_mail_server, event="refused")) == 3
    assert email.history.latest().history_change_reason == "Notice failed after 3 attempt(s)"


def test_an_administrator_sees_failed_notices_and_sends_them_again_by_hand(
    council, test_mail_server, admin_client, admin_user, django_capture_on_commit_callbacks
):
    give_address(council.deputy_chief_executive, "flaky-1-deputy@council.example")
    with override_settings(NOTICE_MAX_ATTEMPTS=1), django_capture_on_commit_callbacks(execute=True):
        people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)
    email = Notification.objects.get(channel=EMAIL)
    assert email.status == "failed"

    listing = admin_client.get("/admin/register/notification/", {"status__exact": "failed"})
    assert listing.status_code == 200
    assert "SMTPServerDisconnected" in listing.content.decode()
    with override_settings(NOTICE_MAX_ATTEMPTS=1), django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/register/notification/",
            {
                "action": "retry_failed_notices",
                "_selected_action": [email.pk],
            },
        )
    assert response.status_code == 302

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert len(read_log(test_mail_server)) == 1
    retried = email.history.get(history_change_reason="Retried by hand in the admin")
    assert retried.history_user == admin_user
    assert retried.status == "pending"


def test_only_a_failed_notice_can_be_retried_and_only_by_an_administrator(council, absence, admin_user):
    email = Notification.objects.get(channel=EMAIL)
    with pytest.raises(InvalidTransition):
        delivery.notice_retry(notice=email, actor=admin_user, reason="Again")
    # A notice is its recipient's own: to anyone else who is not an administrator it does not exist.
    with pytest.raises(NotFound):
        delivery.notice_retry(notice=email, actor=council.chief_executive, reason="Again")


def test_the_admin_cannot_edit_or_delete_a_notice(council, absence, admin_client):
    email = Notification.objects.get(channel=EMAIL)
    response = admin_client.post(f"/admin/register/notification/{email.pk}/change/", {"status": "pending"})
    assert response.status_code == 403
    assert admin_client.post(f"/admin/register/notification/{email.pk}/delete/", {"post": "yes"}).status_code == 403
    email.refresh_from_db()
    assert email.status == "sent"


def _make_stale(notice, status, *, minutes_ago):
    notice.status = status
    notice.next_attempt_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    save_with_history(notice, actor=system_user(), reason="Test data", update_fields=["status", "next_attempt_at"])


def test_the_sweep_requeues_only_notices_left_pending_or_sending_for_minutes(
    council, absence, django_capture_on_commit_callbacks
):
    recipients = list(Person.objects.exclude(kind=Person.Kind.SYSTEM).order_by("pk")[:4])
    with transaction.atomic():
        stale_pending, stale_sending, fresh, failed = tell(recipients, absence, cause="sweep", channels=[IN_APP])
    _make_stale(stale_pending, "pending", minutes_ago=6)
    _make_stale(stale_sending, "sending", minutes_ago=6)
    _make_stale(fresh, "pending", minutes_ago=1)
    _make_stale(failed, "failed", minutes_ago=60)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = delivery.sweep_outbox(stale_after=datetime.timedelta(minutes=5))

    assert sorted(requeued) == sorted([stale_pending.pk, stale_sending.pk])
    assert {n.pk: n.status for n in Notification.objects.filter(cause="sweep")} == {
        stale_pending.pk: "sent",
        stale_sending.pk: "sent",
        fresh.pk: "pending",
        failed.pk: "failed",
    }
    swept = stale_pending.history.get(history_change_reason="Re-queued by the sweep")
    assert swept.history_user == council.chief_executive
    assert delivery.sweep_outbox(stale_after=datetime.timedelta(minutes=5)) == []


@pytest.mark.parametrize("how_many", [2, 12])
def test_the_sweep_costs_the_same_queries_for_two_notices_as_for_twelve(council, absence, how_many):
    recipients = list(Person.objects.exclude(kind=Person.Kind.SYSTEM).order_by("pk")[:how_many])
    with transaction.atomic():
        notices = tell(recipients, absence, cause="sweep", channels=[IN_APP])
    for notice in notices:
        _make_stale(notice, "pending", minutes_ago=10)
    with CaptureQueriesContext(connection) as queries:
        assert len(delivery.sweep_outbox(stale_after=datetime.timedelta(minutes=5))) == how_many
    statements = [q["sql"].split()[0] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # Lock and read the stale notices, update them, write their history, then take the history
    # chain's lock and head and link the history rows into it. The system user is already known.
    assert statements == ["SELECT", "UPDATE", "INSERT", "SELECT", "INSERT"], [q["sql"][:80] for q in queries]


def test_an_attempt_that_died_at_the_last_attempt_fails_the_notice_instead_of_trying_again(council, absence):
    email = Notification.objects.get(channel=EMAIL)
    email.status, email.attempts, email.sent_at = "sending", 3, None
    save_with_history(
        email,
        actor=system_user(),
        reason="Test data: an attempt that died",
        update_fields=["status", "attempts", "sent_at"],
    )
    with override_settings(NOTICE_MAX_ATTEMPTS=3):
        assert delivery.deliver(email.pk).status == "failed"
    email.refresh_from_db()
    assert "stopped before it finished" in email.last_error
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_notice_held_by_a_live_attempt_is_left_to_it_and_looked_at_again_later(council, monkeypatch):
    # Nothing is queued after commit (as if the broker were down): this test makes the attempts.
    monkeypatch.setattr("register.services.notifications.queue_delivery", lambda ids: None)
    with transaction.atomic():
        absence = people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)
        [email] = tell([council.monitoring_officer], absence, cause="held", channels=[EMAIL])
    sent_before = len(mail.outbox)
    locked, release = threading.Event(), threading.Event()

    def another_attempt_holds_the_row():
        with transaction.atomic():
            Notification.objects.select_for_update().get(pk=email.pk)
            locked.set()
            release.wait(timeout=30)
        connection.close()

    holder = threading.Thread(target=another_attempt_holds_the_row)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        outcome = delivery.deliver(email.pk)
    finally:
        release.set()
        holder.join()
    assert outcome.status == delivery.BUSY and outcome.retry_in > 0
    assert len(mail.outbox) == sent_before
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 0)


# --- Delivering in batches ---------------------------------------------------------------------


def transactions_in(queries) -> int:
    """The transactions a delivery ran (savepoints, inside the test's own transaction)."""
    return sum(1 for q in queries if q["sql"].startswith("SAVEPOINT"))


@pytest.mark.parametrize("how_many", [2, 12])
def test_a_batch_of_in_app_notices_written_pending_is_delivered_in_one_transaction_whatever_its_size(
    council, absence, how_many
):
    recipients = list(Person.objects.exclude(kind=Person.Kind.SYSTEM).order_by("pk")[:how_many])
    with transaction.atomic():
        notices = written_pending_in_app(recipients, absence, cause="batch")
    with CaptureQueriesContext(connection) as queries:
        outcomes = delivery.deliver_batch([notice.pk for notice in notices])
    assert {outcome.status for outcome in outcomes.values()} == {"sent"} and len(outcomes) == how_many
    locks = [q for q in queries if q["sql"].startswith("SELECT") and "FOR NO KEY UPDATE" in q["sql"]]
    assert len(locks) == 1, "the batch's notices are locked with one query"
    assert transactions_in(queries) == 1
    # Each notice keeps its own history row, attributed to the actor who caused it (C1).
    for notice in Notification.objects.filter(cause="batch"):
        assert notice.history.get(history_change_reason="Notice delivered").history_user == council.chief_executive


def test_a_batch_claims_its_emails_together_and_sends_each_in_its_own_transaction(council, absence):
    recipients = [council.deputy_chief_executive, council.monitoring_officer]
    for person in recipients:
        give_address(person, f"{person.username}@council.example")
    with transaction.atomic():
        notices = tell(recipients, absence, cause="batch-mail")
    sent_before = len(mail.outbox)
    with CaptureQueriesContext(connection) as queries:
        outcomes = delivery.deliver_batch([notice.pk for notice in notices])
    assert {outcome.status for outcome in outcomes.values()} == {"sent"} and len(outcomes) == 4
    # One transaction for the in-app notices and the e-mails' claims; then one per e-mail sent.
    assert transactions_in(queries) == 1 + 2
    assert sorted(message.to[0] for message in mail.outbox[sent_before:]) == sorted(
        f"{person.username}@council.example" for person in recipients
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_leaves_alone_what_is_sent_held_by_another_attempt_or_missing(council, monkeypatch):
    # Nothing is queued after commit (as if the broker were down): this test makes the attempts.
    monkeypatch.setattr("register.services.notifications.queue_delivery", lambda ids: None)
    recipients = list(Person.objects.exclude(kind=Person.Kind.SYSTEM).order_by("pk")[:3])
    with transaction.atomic():
        absence = people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)
        sent, held, waiting = written_pending_in_app(recipients, absence, cause="batch-mixed")
    delivery.deliver(sent.pk)
    holding = threading.Event()
    release = threading.Event()

    def hold_the_notice():
        with transaction.atomic():
            Notification.objects.select_for_update().get(pk=held.pk)
            holding.set()
            release.wait(timeout=30)
        connection.close()

    holder = threading.Thread(target=hold_the_notice)
    holder.start()
    try:
        assert holding.wait(timeout=30)
        outcomes = delivery.deliver_batch([sent.pk, held.pk, waiting.pk, 10**12])
    finally:
        release.set()
        holder.join()
    assert {pk: outcome.status for pk, outcome in outcomes.items()} == {
        sent.pk: "sent",
        held.pk: delivery.BUSY,
        waiting.pk: "sent",
        10**12: delivery.MISSING,
    }
    assert outcomes[held.pk].retry_in is not None
    assert sent.history.filter(history_change_reason="Notice delivered").count() == 1, "never delivered twice"


def test_notices_are_queued_for_the_worker_in_batches(council, monkeypatch):
    """Up to DELIVERY_BATCH notices a task, queued by the task's name (the services import nothing from tasks/)."""
    queued = []
    monkeypatch.setattr(outbox, "queue_task", lambda name, ids: queued.append((name, ids)))
    outbox.queue_delivery(list(range(1, 2 * outbox.DELIVERY_BATCH + 2)))
    assert [len(batch) for _, batch in queued] == [outbox.DELIVERY_BATCH, outbox.DELIVERY_BATCH, 1]
    assert {name for name, _ in queued} == {"notifications.deliver_batch"}


def test_the_system_user_is_looked_up_once_and_again_after_it_is_forgotten(council, django_assert_num_queries):
    first = system_user()
    with django_assert_num_queries(0):
        again = system_user()
    assert again.pk == first.pk and again is not first, "a copy: no caller changes the one kept"
    forget_system_user()
    with django_assert_num_queries(1):
        assert system_user().pk == first.pk


def test_in_process_a_task_queued_by_its_name_runs_at_once(council, absence):
    """As `make run` runs tasks (CELERY_TASK_ALWAYS_EAGER): Celery never runs send_task eagerly, so the
    queue looks the task up by its name and runs it here."""
    from register.queue import queue_task

    [notice] = written_pending_in_app([council.monitoring_officer], absence, cause="queued-by-name")
    assert notice.status == Notification.Status.PENDING
    queue_task(outbox.DELIVER_BATCH_TASK, [notice.pk])
    notice.refresh_from_db()
    assert notice.status == Notification.Status.SENT


def test_in_process_a_name_no_task_has_is_refused_rather_than_lost(council):
    from celery.exceptions import NotRegistered

    from register.queue import queue_task

    with pytest.raises(NotRegistered):
        queue_task("notifications.no-such-task", [1])


def test_a_process_that_never_imported_the_tasks_finds_them_by_name():
    """The web process imports nothing from tasks/jobs.py (the services queue by name): in-process, the
    queue imports the tasks' modules as a worker would, the first time a name is not known yet."""
    import subprocess
    import sys

    script = """
import sys
import django
django.setup()
from celery import current_app
from celery.exceptions import NotRegistered
from register.queue import queue_task
assert "tasks.jobs" not in sys.modules, "imported already: this test shows nothing"
current_app.conf.task_always_eager = True
try:
    queue_task("notifications.no-such-task")
except NotRegistered:
    pass
assert "notifications.deliver_batch" in current_app.tasks, sorted(current_app.tasks)
"""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "register.settings"}
    finished = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
