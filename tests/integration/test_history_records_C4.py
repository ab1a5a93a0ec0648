"""Records agree with their history (C4, issue 20): a record changed with SQL behind the register's back
writes no history row, so the chain alone cannot see it; ``verify_history`` compares every tracked
record with its history's latest row and names each one that differs, has no history, or is gone."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from register.models import Absence, Declaration, Membership, Post
from register.services import audit, people
from register.services.audit import records
from tests.integration.declaration_helpers import declare
from tests.tampering import tamper

DECLARATIONS = Declaration._meta.db_table


def _verify_command(*options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_history", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _record_problems():
    return [problem for problem in audit.verify_history().problems if problem.kind == "record"]


@pytest.fixture
def declaration(council):
    return declare(council.groups[0].members[0], council.directorates[0].officers[0])


def test_every_record_the_services_write_agrees_with_its_history_C4(council, declaration):
    result = audit.verify_history()

    tracked = sum(model._base_manager.count() for model, _ in records.tracked_models())
    assert result.ok, result.problems
    assert result.records == tracked > 0
    out, _ = _verify_command()
    assert f"Every record ({tracked}) holds what its history's latest row says." in out


@pytest.mark.history_tampered
def test_a_declaration_s_state_and_description_changed_by_sql_are_named_C4(council, declaration):
    tamper(
        f"UPDATE {DECLARATIONS} SET state = %s, description = %s WHERE id = %s",
        ["withdrawn", "Nothing to see here.", declaration.pk],
    )
    latest = declaration.history.latest("history_id")

    result = audit.verify_history()

    assert result.problem_count == 1
    problem = result.first_problem
    assert (problem.kind, problem.table, problem.row_id, problem.position) == (
        "record",
        DECLARATIONS,
        str(declaration.pk),
        None,
    )
    assert problem.message == (
        f"The declaration {declaration.pk}'s description differs from what its history's latest row says; "
        f"its state is 'withdrawn' but its history's latest row says 'submitted' (history id {latest.history_id}): "
        "changed outside the register."
    )
    assert "Nothing to see here" not in problem.message  # free text is named, not repeated in an e-mail
    with pytest.raises(CommandError, match=f"The declaration {declaration.pk}'s description differs") as failed:
        _verify_command()
    assert failed.value.returncode == 1


@pytest.mark.history_tampered
def test_a_record_inserted_by_sql_without_history_is_named_C4(council):
    forged = tamper(
        f"INSERT INTO {Post._meta.db_table} (label, role, single_holder, politically_restricted, organization_id) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        ["Second Chief Executive", Post.Role.CHIEF_EXECUTIVE, False, False, council.organization.pk],
    )[0]

    problems = _record_problems()

    assert [(p.table, p.row_id) for p in problems] == [(Post._meta.db_table, str(forged))]
    assert problems[0].message == f"The post {forged} has no history at all: it was written outside the register."


@pytest.mark.history_tampered
def test_a_record_deleted_by_sql_is_named_C4(council, chief_executive):
    day = datetime.date(2026, 3, 3)
    absence = people.absence_record(actor=chief_executive, reason="Leave", start_date=day, end_date=day)
    latest = absence.history.latest("history_id")
    tamper(f"DELETE FROM {Absence._meta.db_table} WHERE id = %s", [absence.pk])

    problems = _record_problems()

    assert [p.message for p in problems] == [
        f"The absence {absence.pk} is gone, but its history's latest row (history id {latest.history_id}) says it "
        "exists: it was deleted outside the register."
    ]


def test_fields_the_history_does_not_keep_change_without_a_false_alarm_C4(council, client):
    """A password and the last sign-in are excluded from the person's history, so they change without a
    history row (signing in, a password reset's hash upgrade): that is no tampering."""
    person = council.chief_executive
    person.set_password("a new passphrase for the test")
    tamper(
        f"UPDATE {get_user_model()._meta.db_table} SET password = %s, last_login = now() WHERE id = %s",
        [person.password, person.pk],
    )

    assert audit.verify_history().ok
    assert "password" not in {f.name for f in records.compared_fields(type(person), type(person).history.model)}


@pytest.mark.history_tampered
def test_records_are_read_in_batches_with_a_fixed_number_of_queries_per_batch_C4(council, monkeypatch):
    """One query saying which kinds of record have any rows, then three per such kind per batch of records
    (two when a batch is empty: no history rows to read), however many records; a record changed in a
    later batch, and one deleted between two batches, are found all the same."""
    counts = [
        model._base_manager.count()
        for model, history_model in records.tracked_models()
        if model._base_manager.exists() or history_model._base_manager.exists()
    ]
    memberships = list(Membership.objects.order_by("pk").values_list("pk", flat=True))
    assert len(memberships) > 8 and len(counts) < len(records.tracked_models())
    monkeypatch.setattr(records, "BATCH", 4)
    batches = sum(count // 4 + 1 for count in counts)
    empty_batches = sum(1 for count in counts if count % 4 == 0)
    with CaptureQueriesContext(connection) as queries:
        result = audit.Verification()
        records.check_records(result)
    assert result.ok and result.records == sum(counts)
    assert len(queries) == 1 + 3 * batches - empty_batches

    table = Membership._meta.db_table
    tamper(f"UPDATE {table} SET start_date = start_date - 1 WHERE id = %s", [memberships[-1]])
    tamper(f"DELETE FROM {table} WHERE id = %s", [memberships[4]])  # the first of the second batch
    assert {p.row_id for p in _record_problems()} == {str(memberships[4]), str(memberships[-1])}
