"""The daily check (C4): the Monitoring Officer and the auditors get the day's head, or word at once that it failed."""

import datetime

import pytest
from django.conf import settings
from django.core import mail

from register.models import Notification, Organization
from register.services import audit
from tasks.celery import app
from tasks.jobs import check_history_daily
from tests.tampering import tamper

DAY = datetime.date(2026, 3, 3)


def _recipients(kind: str):
    return {(n.recipient, n.channel) for n in Notification.objects.filter(kind=kind)}


def test_the_daily_check_sends_the_monitoring_officer_and_auditors_the_day_s_head_C4(
    council, django_capture_on_commit_callbacks
):
    head = audit.verify_history().head_hash

    with django_capture_on_commit_callbacks(execute=True):
        result = audit.history_daily_check(on=DAY)

    assert result.ok and result.head_hash == head
    assert _recipients("history-head") == {
        (council.monitoring_officer, "in-app"),
        (council.monitoring_officer, "email"),
        (council.auditor, "in-app"),
        (council.auditor, "email"),
    }
    notice = Notification.objects.get(kind="history-head", recipient=council.auditor, channel="email")
    assert head in notice.body_text
    assert f"verify_history --head {head}" in notice.body_text
    assert notice.cause == "history-head:2026-03-03"
    assert {message.to[0] for message in mail.outbox} == {council.monitoring_officer.email, council.auditor.email}


def test_the_daily_check_is_sent_once_a_day_however_often_it_runs(council):
    audit.history_daily_check(on=DAY)
    audit.history_daily_check(on=DAY)

    assert Notification.objects.filter(kind="history-head").count() == 4


@pytest.mark.history_tampered
def test_a_failed_check_tells_them_at_once_and_names_the_first_problem_C4(council, django_capture_on_commit_callbacks):
    row = Organization.history.get(name="Blue Group", history_type="+")
    tamper(f"UPDATE {row._meta.db_table} SET name = 'Green Group' WHERE history_id = %s", [row.history_id])

    with django_capture_on_commit_callbacks(execute=True):
        result = audit.history_daily_check(on=DAY)

    assert not result.ok
    assert not Notification.objects.filter(kind="history-head").exists()
    assert _recipients("history-check-failed") == {
        (council.monitoring_officer, "in-app"),
        (council.monitoring_officer, "email"),
        (council.auditor, "in-app"),
        (council.auditor, "email"),
    }
    notice = Notification.objects.get(
        kind="history-check-failed", recipient=council.monitoring_officer, channel="email"
    )
    assert notice.subject.startswith("URGENT")
    assert f"{row._meta.db_table} row {row.history_id}) was edited outside the register" in notice.body_text
    assert all(message.subject.startswith("URGENT") for message in mail.outbox)


def test_the_celery_task_runs_the_daily_check_C4(council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = check_history_daily.delay().get()

    assert outcome.startswith("verified, head ")
    assert Notification.objects.filter(kind="history-head", recipient=council.monitoring_officer).exists()


def test_celery_beat_runs_the_daily_check_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["history-daily-check"]
    assert entry["task"] == check_history_daily.name
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute) == ({6}, {0})
    assert len(schedule.day_of_week) == 7 and len(schedule.day_of_month) == 31 and len(schedule.month_of_year) == 12
