"""Each process of `make stack` is supervised on its own: killed with SIGKILL (as the kernel's out-of-memory
killer would), it is restarted within 30 s, what it had started dies with it, the other processes go on,
and no notice is lost. Only stopping the stack stops them all (the `stack` fixture checks that nothing is
left once it has stopped)."""

import datetime
import os
import signal
import time

import pytest

from tests.stack.conftest import (
    FULL_STACK_ENVIRONMENT,
    assert_delivered_exactly_once,
    delivered_once,
    group_processes,
    wait_until,
)
from tests.stack.flows import AbsenceRecorded

pytestmark = pytest.mark.stack

STACK_PROCESSES = "web worker beat"
# test_web_faults.py's settings, so that the two modules share one stack (a short sweep: a notice whose
# message died with its worker comes back within the test).
STACK_ENVIRONMENT = FULL_STACK_ENVIRONMENT
RESTART_DEADLINE = 30

flow = AbsenceRecorded(first_day=datetime.date(2033, 1, 3))


@pytest.fixture(scope="module")
def chief_executive(stack):
    client = stack.client()
    client.sign_in(flow.actor)
    return client


def killed(stack, name: str) -> tuple[int, set[int], dict[str, int]]:
    """Kill the process ``name`` with SIGKILL: its pid, the processes of its group then, and the other
    processes' pids."""
    pid = stack.pid(name)
    assert pid, stack.ctl("status")
    group = group_processes(pid)
    others = {other: stack.pid(other) for other in STACK_PROCESSES.split() if other != name}
    os.kill(pid, signal.SIGKILL)
    return pid, group, others


def restarted(stack, name: str, old_pid: int) -> int:
    """The new pid of ``name``, once supervisord has started it again (0 until then)."""
    pid = stack.pid(name)
    return pid if pid and pid != old_pid else 0


def assert_the_rest_went_on(stack, others: dict[str, int], old_group: set[int]) -> None:
    assert {name: stack.pid(name) for name in others} == others, "only the killed process was restarted"
    # What the killed process had started (gunicorn's workers, a Celery pool) died with it.
    assert not {pid for pid in old_group if pid_alive(pid)}, stack.ctl("status")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_web_master_is_restarted_within_30_s_without_its_old_workers(stack, chief_executive):
    old_pid, old_group, others = killed(stack, "web")
    assert len(old_group) == 1 + int(STACK_ENVIRONMENT["WEB_CONCURRENCY"]), "the master and its workers"

    def serving_from_a_new_master() -> int:
        new_pid = restarted(stack, "web", old_pid)
        # The old workers, orphaned, might still answer on the socket: the new master must be the one.
        if not new_pid or group_processes(old_pid):
            return 0
        try:
            return new_pid if stack.client().get("/healthz", via_https=False).status == 200 else 0
        except OSError:
            return 0

    new_pid = wait_until(serving_from_a_new_master, within=RESTART_DEADLINE, what="a new gunicorn master serving")
    assert len(group_processes(new_pid)) == 1 + int(STACK_ENVIRONMENT["WEB_CONCURRENCY"])
    assert chief_executive.get("/").status == 200, "the session outlives the restart"
    assert_the_rest_went_on(stack, others, old_group)


def test_a_notice_made_while_the_worker_is_killed_is_delivered_once_by_its_restarted_worker(stack, chief_executive):
    old_pid, old_group, others = killed(stack, "worker")
    started = time.monotonic()
    answer = flow.act(chief_executive)
    assert answer.status == flow.DONE, answer.text
    cause = flow.cause_of(answer)

    wait_until(lambda: restarted(stack, "worker", old_pid), within=RESTART_DEADLINE, what="a new worker")
    wait_until(
        lambda: delivered_once(stack, cause),
        within=RESTART_DEADLINE - (time.monotonic() - started),
        what="the notice delivered by the restarted worker",
    )
    assert_delivered_exactly_once(stack, cause)
    assert_the_rest_went_on(stack, others, old_group)


def test_a_killed_beat_is_restarted_within_30_s_and_stays_up(stack):
    old_pid, old_group, others = killed(stack, "beat")
    new_pid = wait_until(lambda: restarted(stack, "beat", old_pid), within=RESTART_DEADLINE, what="a new beat")
    # Up past supervisord's startsecs, and scheduling: it logged its start under its new pid.
    wait_until(lambda: "RUNNING" in stack.ctl("status", "beat"), within=RESTART_DEADLINE, what="beat RUNNING")
    assert stack.pid("beat") == new_pid
    beat_log = stack.process_log_lines()["beat"]
    assert any('"beat: Starting..."' in line and f'"process": {new_pid}' in line for line in beat_log), beat_log[-5:]
    assert_the_rest_went_on(stack, others, old_group)
