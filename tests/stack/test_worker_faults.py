"""Celery workers killed and Redis restarted under queued notices, against the running topology.

The stack supervises web and beat only: these tests run the Procfile's worker command themselves, to
know how many workers there are and when, kill it with SIGKILL (its pool processes too, as the
kernel's out-of-memory killer or `docker kill` would) and start another.
"""

import datetime
import signal

import pytest

from register.services.audit.chain import APPEND_LINK_FUNCTION, CHAIN_LOCK_KEY
from tests.stack.conftest import DELIVERY_DEADLINE, assert_delivered_exactly_once, wait_until
from tests.stack.flows import AbsenceRecorded

pytestmark = pytest.mark.stack

STACK_PROCESSES = "web beat"
# A short sweep, so that a notice whose message died with its worker comes back within the test.
STACK_ENVIRONMENT = {"WEB_CONCURRENCY": "2", "NOTICE_SWEEP_INTERVAL_SECONDS": "2", "NOTICE_SWEEP_AFTER_SECONDS": "4"}

flow = AbsenceRecorded(first_day=datetime.date(2032, 1, 5))


@pytest.fixture(scope="module")
def chief_executive(stack):
    client = stack.client()
    client.sign_in(flow.actor)
    return client


@pytest.fixture
def workers(stack):
    """Workers a test starts; whatever is still running is stopped after the test."""
    started = []

    def start():
        worker = stack.start_worker()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            stack.kill(worker, signal.SIGTERM)


def pending(stack, cause: str) -> bool:
    """The e-mails wait in the outbox; the in-app notices are in their readers' inboxes already (issue 22)."""
    notices = stack.notices(cause)
    return bool(notices) and all(
        notice["status"] == ("sent" if notice["channel"] == "in-app" else "pending") for notice in notices
    )


def test_a_notice_queued_after_its_worker_was_killed_is_delivered_once_by_the_next_worker(
    stack, chief_executive, workers
):
    stack.kill(workers(), signal.SIGKILL)
    answer = flow.act(chief_executive)
    assert answer.status == flow.DONE, answer.text
    cause = flow.cause_of(answer)
    assert pending(stack, cause), "with no worker running, the e-mails wait (the in-app notices are sent)"
    workers()
    assert_delivered_exactly_once(stack, cause)


def test_notices_queued_before_redis_restarts_are_delivered_once_after_it(stack, chief_executive, workers):
    """Redis keeps its queue in the append-only file across the restart."""
    answers = [flow.act(chief_executive) for _ in range(3)]
    assert [answer.status for answer in answers] == [flow.DONE] * 3
    causes = [flow.cause_of(answer) for answer in answers]
    assert all(pending(stack, cause) for cause in causes)

    stack.redis("restart")
    workers()
    for cause in causes:
        assert_delivered_exactly_once(stack, cause)


def worker_waiting_on_a_lock(stack) -> bool:
    """Whether a worker's delivery is inside its transaction, waiting for the history chain's lock: taken
    by the bulk path's own statement, or inside the function that links a row saved on its own."""
    return bool(
        stack.query(
            "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND (query ILIKE %s OR query ILIKE %s)",
            ("SELECT pg_advisory_xact_lock%", f"SELECT {APPEND_LINK_FUNCTION}(%"),
        )
    )


def test_a_worker_killed_mid_delivery_leaves_its_notices_to_be_delivered_once_by_another(
    stack, chief_executive, workers
):
    answer = flow.act(chief_executive)  # no worker yet: the e-mails wait in the outbox and in Redis
    assert answer.status == flow.DONE, answer.text
    cause = flow.cause_of(answer)
    with stack.database_session() as held:
        # A delivery records itself in the history, whose hash chain writers take a lock for: holding
        # that lock stops the delivery half-way, inside its transaction, before it can commit.
        held.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))
        worker = workers()
        wait_until(lambda: worker_waiting_on_a_lock(stack), within=DELIVERY_DEADLINE, what="a delivery under way")
        stack.kill(worker, signal.SIGKILL)
    assert pending(stack, cause), "the killed delivery's transaction was rolled back"

    workers()
    assert_delivered_exactly_once(stack, cause)
