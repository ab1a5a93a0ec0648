"""Concurrent writers cannot fork the hash chain (C4): each transaction extends the head the last one committed.

These tests commit for real (transactional_db) and write from several threads, each with its own
PostgreSQL connection.
"""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from register.models import HistoryLink, Organization
from register.models.audit import history_models
from register.services import audit, people
from register.services.audit import hashing
from tests.factories import Council

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 6
CHANGES_EACH = 4


def _in_threads(*targets, together=False):
    """Run each target in its own thread (and database connection); re-raise the first failure."""
    start = threading.Barrier(len(targets)) if together else None
    failures = []

    def run(target):
        try:
            if start:
                start.wait()
            target()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    return threads, failures


def _join(threads, failures):
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def test_services_writing_history_from_several_threads_leave_one_chain_that_verifies_C4():
    assert connection.vendor == "postgresql"
    council = Council()
    links_before = HistoryLink.objects.count()

    def work(number):
        for change in range(CHANGES_EACH):
            # A row saved alone (one history row) ...
            people.organization_create(
                actor=council.system,
                reason="Concurrent test",
                name=f"Team {number}-{change}",
                classification=Organization.Classification.DIRECTORATE,
            )
            # ... and an absence with its notices fanned out in bulk (three history rows in one transaction).
            day = datetime.date(2026, 1, 1) + datetime.timedelta(days=number * CHANGES_EACH + change)
            people.absence_record(actor=council.chief_executive, reason="Concurrent test", start_date=day, end_date=day)

    _join(*_in_threads(*[lambda number=number: work(number) for number in range(WRITERS)], together=True))

    result = audit.verify_history()
    assert result.ok, result.problems
    history_rows = sum(model.objects.count() for model in history_models())
    assert result.rows == result.head_position == HistoryLink.objects.count() == history_rows
    # Each change wrote an organization, an absence, two notices in bulk (the in-app one written
    # delivered), and the e-mail's delivery (claimed, then marked sent): all of them linked.
    assert history_rows - links_before == WRITERS * CHANGES_EACH * (1 + 1 + 2 + 2)


def test_a_second_writer_waits_for_the_first_to_commit_and_extends_its_head_C4():
    council = Council()
    first_holds_the_chain = threading.Event()
    second_is_waiting = threading.Event()

    def first_writer():
        with transaction.atomic():
            people.organization_create(
                actor=council.system,
                reason="First",
                name="First team",
                classification=Organization.Classification.DIRECTORATE,
            )
            first_holds_the_chain.set()
            assert second_is_waiting.wait(timeout=60), "the second writer never queued for the chain's lock"

    def second_writer():
        assert first_holds_the_chain.wait(timeout=60)
        people.organization_create(
            actor=council.system,
            reason="Second",
            name="Second team",
            classification=Organization.Classification.DIRECTORATE,
        )

    def watch_for_the_second_writer_to_wait(writers):
        # The second writer's history row is in; its link waits on the advisory lock the first holds.
        with connection.cursor() as cursor:
            while not second_is_waiting.is_set() and all(thread.is_alive() for thread in writers):
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                if cursor.fetchone()[0]:
                    second_is_waiting.set()
        connections.close_all()

    threads, failures = _in_threads(first_writer, second_writer)
    first_holds_the_chain.wait(timeout=60)
    watch_for_the_second_writer_to_wait(threads)
    _join(threads, failures)

    first = HistoryLink.objects.get(
        row_id=str(Organization.history.get(name="First team").history_id),
        table=Organization.history.model._meta.db_table,
    )
    second = HistoryLink.objects.get(
        row_id=str(Organization.history.get(name="Second team").history_id),
        table=Organization.history.model._meta.db_table,
    )
    assert second.position == first.position + 1
    assert second.chain_hash == hashing.chain_hash(second.position, first.chain_hash, second.row_hash)
    assert audit.verify_history().ok
