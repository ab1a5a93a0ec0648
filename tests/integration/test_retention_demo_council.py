"""Done when (issue 21): after a disposal run on the demo council, seven years on, ``verify_history`` and the
last checkpoint (signed before the run) still verify, the erased values are gone from every table of the
database, and the Standards Committee report's figures for the demo year are unchanged.

The demo year (``seed_demo --with-activity``) is loaded once for the module, in a transaction rolled back at
the end, as tests/integration/test_demo_year.py does."""

import dataclasses
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from register import retention, selectors
from register.models import DisposalItem, Post, TransparencyLog
from register.selectors.standards_report import standards_report
from register.services import retention as services
from register.services.audit import checkpoints, verify_history
from register.services.audit.published import read_checkpoint_file
from register.services.retention import records

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="searches PostgreSQL's catalog")

SHORTEST = 6  # shorter values ("Friend", a state) are words any table may hold: not the personal data searched for
SEPARATOR = chr(1)  # between the rows of a column searched at once (tables_holding): no erased value holds it


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--with-activity", stdout=io.StringIO())
            yield timezone.localdate()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def figures(value):
    """The report's figures: every number, flag and date in it, without its words (which quote records)."""
    if dataclasses.is_dataclass(value):
        return {field.name: figures(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [figures(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (bool, int, datetime.date)) or value is None:
        return value
    return "…"


def personal_values(items) -> set[str]:
    """The text of every erasable field of the records listed, live and in every history row."""
    found: set[str] = set()
    by_kind: dict[str, list[str]] = {}
    for item in items:
        by_kind.setdefault(item.record_kind, []).append(item.record_id)
    for key, ids in by_kind.items():
        kind = retention.kind(key)
        if key == records.ACCESS_LOG:
            continue  # its one erasable field is a person's id, not text
        rows = records.rows_of(kind, ids)
        for erasable in kind.erasable:
            model = records.model_of(erasable.model)
            row_ids = [row for by_model in rows.values() for row in by_model.get(erasable.model, [])]
            attnames = [model._meta.get_field(name).attname for name in erasable.fields]
            for queryset in (model._default_manager.filter(pk__in=row_ids), model.history.filter(id__in=row_ids)):
                for values in queryset.values_list(*attnames):
                    found |= {value for value in values if isinstance(value, str) and len(value) >= SHORTEST}
    return found


def retained_values(erased_items) -> set[str]:
    """The same fields' text in every record that is not erased: a value two records share stays with the other."""
    erased = {(item.record_kind, item.record_id) for item in erased_items}
    kept: set[str] = set()
    for kind in retention.KINDS:
        for erasable in kind.erasable:
            if erasable.model == "register.AccessLogEntry":
                continue
            model = records.model_of(erasable.model)
            attnames = [model._meta.get_field(name).attname for name in erasable.fields]
            record_ids = records.rows_of(kind, [pk for (key, pk) in erased if key == kind.key])
            erased_rows = {row for by_model in record_ids.values() for row in by_model.get(erasable.model, [])}
            for queryset in (model._default_manager.all(), model.history.all()):
                pk_name = "pk" if queryset.model is model else "id"
                for pk, *values in queryset.values_list(pk_name, *attnames):
                    if str(pk) not in erased_rows:
                        kept |= {value for value in values if isinstance(value, str)}
    return kept


def tables_holding(values: set[str]) -> dict[str, set[str]]:
    """Every text or JSON column of every table in the database searched for each value: {value: columns}.

    Each column's text (JSON as text) is read once, its rows joined by a character no value holds, and
    searched in Python: one ``strpos`` per row and value in SQL made some hundred million calls (the
    hash chain's salts alone took half a minute), for the same answer."""
    patterns = sorted(values | {json.dumps(value)[1:-1] for value in values})
    assert not any(SEPARATOR in pattern for pattern in patterns), "a value could match across two rows"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb') "
            "ORDER BY table_name, column_name"
        )
        columns = cursor.fetchall()
        found: dict[str, set[str]] = {}
        for table, column in columns:
            cursor.execute(f'SELECT string_agg(t."{column}"::text, %s) FROM "{table}" AS t', [SEPARATOR])
            text = cursor.fetchone()[0] or ""
            for value in patterns:
                if value in text:
                    found.setdefault(value, set()).add(f"{table}.{column}")
    return found


def test_after_a_disposal_run_on_the_demo_council_the_history_verifies_the_values_are_gone_and_the_report_is_unchanged(
    demo_year, db, clock, tmp_path
):
    """Seven years after the demo year: a run proposed, approved and run erases the personal fields of every
    record due; verify_history and the checkpoint signed before the run verify; none of the erased values is
    anywhere in the database; the Standards Committee report's figures for the demo year are the same."""
    today = demo_year
    clock.set(
        timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=7 * 366), datetime.time(9)))
    )
    monitoring_officer = selectors.holder_of(Post.Role.MONITORING_OFFICER, clock.today)
    viewer = selectors.standing_of(monitoring_officer)
    period = {"start": today - datetime.timedelta(days=400), "end": today}
    before = figures(standards_report(viewer=viewer, **period))

    signed = checkpoints.sign_checkpoint(log=TransparencyLog.HISTORY, reason="before the disposal run")
    checkpoints.sign_checkpoint(log=TransparencyLog.ACCESS, reason="before the disposal run")
    kept_outside = tmp_path / "checkpoint.txt"
    kept_outside.write_text(signed.note, encoding="utf-8")

    run = services.disposal_run_propose(actor=monitoring_officer)
    due = list(run.items.filter(outcome=DisposalItem.Outcome.DUE))
    assert {item.record_kind for item in due} >= {"attendance-request", "declaration", "notice"}
    values = personal_values(due)
    assert values, "the demo council's records due hold personal text"
    services.disposal_run_approve(actor=monitoring_officer, run=run, reason="Checked the list")
    run = services.disposal_run_execute(run=run)

    assert run.items.filter(outcome=DisposalItem.Outcome.ERASED).count() == len(due)
    result = verify_history(checkpoints=[read_checkpoint_file(str(kept_outside))])
    assert result.ok, [str(problem) for problem in result.problems[:5]]
    gone = values - retained_values(due)
    assert gone, "some erased values are the erased records' own"
    left = {value: where for value, where in tables_holding(gone).items()}
    assert not left, f"erased values still in the database: {dict(list(left.items())[:5])}"
    assert figures(standards_report(viewer=viewer, **period)) == before
