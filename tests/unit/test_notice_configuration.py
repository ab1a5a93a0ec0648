"""How delivery is configured: Celery's guarantees, the back-off, the sweep's schedule, the workflow."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from register import workflow
from register.services.delivery import retry_delay
from tasks.celery import app


def test_a_task_is_acknowledged_late_handed_back_if_its_worker_dies_and_fetched_one_at_a_time():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_the_redis_visibility_timeout_is_set_and_outlasts_the_longest_back_off():
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert timeout == settings.CELERY_VISIBILITY_TIMEOUT
    assert timeout > settings.NOTICE_RETRY_MAX_SECONDS


def settings_refusal(**environment: str) -> str:
    """What loading the settings with ``environment`` added prints as it fails (the test fails if it loads)."""
    result = subprocess.run(
        [sys.executable, "-c", "import register.settings"],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    return result.stderr


def test_settings_refuse_a_visibility_timeout_shorter_than_the_longest_back_off():
    refusal = settings_refusal(CELERY_VISIBILITY_TIMEOUT="600", NOTICE_RETRY_MAX_SECONDS="900")
    assert "CELERY_VISIBILITY_TIMEOUT must be longer than NOTICE_RETRY_MAX_SECONDS" in refusal


def test_settings_refuse_an_email_service_other_than_smtp_or_notify():
    refusal = settings_refusal(NOTICE_EMAIL_SERVICE="pigeon")
    assert "NOTICE_EMAIL_SERVICE must be one of ['smtp', 'notify']" in refusal


def test_celery_beat_runs_the_sweep_every_interval():
    entry = app.conf.beat_schedule["sweep-the-outbox"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["schedule"] == settings.NOTICE_SWEEP_INTERVAL_SECONDS


def test_by_default_an_email_the_broker_could_not_take_goes_out_within_a_minute_of_its_return():
    """Issue 22: the next sweep re-queues it, and beat sends one every interval once Redis is back; the
    worker reconnects within Celery's 30 s. The measurement is tests/integration/test_notices_through_the_worker.py."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("NOTICE_SWEEP_")}
    result = subprocess.run(
        [sys.executable, "-c", "import register.settings as s; print(s.NOTICE_SWEEP_INTERVAL_SECONDS)"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    worker_reconnects_within = 30
    assert int(result.stdout.split()[-1]) + worker_reconnects_within < 60


@pytest.mark.parametrize("interval", ["0", "301"])
def test_settings_refuse_a_sweep_interval_of_nothing_or_longer_than_a_notice_waits(interval):
    refusal = settings_refusal(NOTICE_SWEEP_INTERVAL_SECONDS=interval, NOTICE_SWEEP_AFTER_SECONDS="300")
    assert "NOTICE_SWEEP_INTERVAL_SECONDS must be at least 1 and no longer than NOTICE_SWEEP_AFTER_SECONDS" in refusal


@pytest.mark.parametrize("attempt, low, high", [(1, 15, 30), (2, 30, 60), (3, 60, 120), (6, 450, 900), (12, 450, 900)])
def test_the_wait_after_a_failed_attempt_doubles_up_to_a_cap(settings, attempt, low, high):
    settings.NOTICE_RETRY_BASE_SECONDS, settings.NOTICE_RETRY_MAX_SECONDS = 30, 900
    waits = [retry_delay(attempt) for _ in range(200)]
    assert low <= min(waits) and max(waits) <= high


def test_the_wait_is_jittered_so_notices_that_failed_together_do_not_return_together(settings):
    settings.NOTICE_RETRY_BASE_SECONDS, settings.NOTICE_RETRY_MAX_SECONDS = 30, 900
    assert len({retry_delay(3) for _ in range(20)}) > 1


def test_a_sent_or_failed_notice_only_goes_back_to_pending_by_being_sent_again():
    """A sent notice changes again only when it is sent again (its receipt says it failed: the moves'
    guards), and a failed one only then too."""
    after = workflow.states_after(workflow.NOTICE)
    assert after["sent"] == {"pending"}
    assert after["failed"] == {"pending"}
    from_sent = {row.name for row in workflow.NOTICE.moves if "sent" in row.sources}
    assert from_sent == {workflow.SEND_AGAIN, workflow.SEND_AGAIN_AFTER_TECHNICAL_FAILURE}
    assert all(row.guard is not None for row in workflow.NOTICE.moves if "sent" in row.sources)
    assert not workflow.allows(workflow.NOTICE, "sent", workflow.CLAIM)
    assert workflow.allows(workflow.NOTICE, "sending", workflow.CLAIM), "an attempt may take over from one that died"
