"""The hash chain over the audit history (C4): changes made outside the register are found and located.

The tampering here is done the way someone with database access would do it: raw SQL on the
history tables, behind the application's back.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from register.models import HistoryFieldSet, HistoryLink, Notification, Organization
from register.models.audit import history_models
from register.services import audit, people
from register.services.audit import chain, hashing
from tests.tampering import tamper

DAY = datetime.date(2026, 3, 3)
ORGANIZATION_HISTORY = Organization.history.model._meta.db_table


def _sql(statement: str, params=()):
    """Tampering, as the maintenance role: the only one the append-only triggers let through (C4)."""
    return tamper(statement, params)


def _verify_command(*options) -> str:
    out = io.StringIO()
    call_command("verify_history", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _history_row_of(name: str):
    return Organization.history.get(name=name, history_type="+")


def _link_of(row) -> HistoryLink:
    return HistoryLink.objects.get(table=row._meta.db_table, row_id=str(row.history_id))


# --- Writing the chain ---------------------------------------------------------------------------


def test_every_history_row_the_services_write_is_linked_and_the_chain_verifies_C4(council):
    result = audit.verify_history()

    history_rows = sum(model.objects.count() for model in history_models())
    assert result.ok, result.problems
    assert result.rows == history_rows == HistoryLink.objects.count() == result.head_position
    assert "verifies" in _verify_command()


def test_notices_written_in_bulk_are_linked_like_rows_saved_one_by_one_C4(council):
    notice_history = Notification.history.model._meta.db_table
    people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)

    notices = Notification.history.filter(history_type="+")
    assert notices.count() == 2  # in the register and by e-mail, written by bulk_create_with_history
    linked = set(HistoryLink.objects.filter(table=notice_history).values_list("row_id", flat=True))
    assert linked == {str(row.history_id) for row in notices}
    assert audit.verify_history().ok


def test_each_link_follows_from_the_one_before_C4(council):
    links = list(HistoryLink.objects.order_by("position")[:5])
    previous = hashing.GENESIS
    for number, link in enumerate(links, start=1):
        assert link.position == number
        assert link.chain_hash == hashing.chain_hash(link.position, previous, link.row_hash)
        previous = link.chain_hash


def test_a_single_save_is_linked_in_one_statement_with_the_hash_and_date_python_computes_C4(council):
    """On PostgreSQL the link of one saved row is written by one call of the chain's database function,
    which hashes in SQL: it must come out exactly as ``chain_hash`` and the row's own content hash say."""
    from django.test.utils import CaptureQueriesContext

    from register.services.history import save_with_history

    group = council.groups[0].organization
    head = HistoryLink.objects.order_by("-position").first()
    group.name = "Renamed group"
    with CaptureQueriesContext(connection) as queries:
        save_with_history(group, actor=council.chief_executive, reason="Renamed", update_fields=["name"])
    link = HistoryLink.objects.order_by("-position").first()
    row = Organization.history.get(history_id=int(link.row_id))
    chain_statements = [q["sql"] for q in queries if "register_historylink" in q["sql"] or "_link(" in q["sql"]]
    assert len(chain_statements) == 1 and chain_statements[0].startswith(f"SELECT {chain.APPEND_LINK_FUNCTION}(")
    assert link.position == head.position + 1
    assert link.chain_hash == hashing.chain_hash(link.position, head.chain_hash, link.row_hash)
    digest, names = hashing.field_set_of(type(row))
    values = {name: getattr(row, name) for name in names}
    # The row hash is the row's Merkle leaf (issue 20): every column, each with its own fresh salt.
    assert sorted(link.salts) == sorted(names) and len(set(link.salts.values())) == len(names)
    expected_leaf = hashing.leaf_of(
        ORGANIZATION_HISTORY, link.row_id, hashing.hashed_fields(type(row), values, names), link.salts, None
    )
    assert link.row_hash == expected_leaf
    assert link.history_date == max(row.history_date, head.history_date)
    assert (link.field_set, link.history_user_id) == (digest, council.chief_executive.pk)
    assert audit.verify_history().ok


# --- Tampering with the database -----------------------------------------------------------------


@pytest.mark.history_tampered
def test_a_history_row_edited_by_raw_sql_is_found_and_located_C4(council):
    row = _history_row_of("Blue Group")
    _sql(f"UPDATE {ORGANIZATION_HISTORY} SET name = %s WHERE history_id = %s", ["Green Group", row.history_id])

    result = audit.verify_history(records=False)

    assert result.problem_count == 1
    problem = result.first_problem
    assert (problem.kind, problem.table, problem.row_id) == ("edited", ORGANIZATION_HISTORY, str(row.history_id))
    assert problem.position == _link_of(row).position
    with pytest.raises(CommandError, match=rf"\({ORGANIZATION_HISTORY} row {row.history_id}\) was edited outside"):
        _verify_command()


@pytest.mark.history_tampered
def test_a_history_row_inserted_by_raw_sql_is_found_and_located_C4(council):
    forged_id = _sql(
        f"INSERT INTO {ORGANIZATION_HISTORY} (id, name, classification, is_administration, history_date, "
        "history_type, history_change_reason) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING history_id",
        [9999, "Purple Group", "party", False, datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC), "+", "Test data"],
    )[0]

    result = audit.verify_history(records=False)

    assert result.problem_count == 1
    problem = result.first_problem
    assert (problem.kind, problem.table, problem.row_id) == ("inserted", ORGANIZATION_HISTORY, str(forged_id))
    with pytest.raises(CommandError, match=f"{ORGANIZATION_HISTORY} {forged_id} was inserted"):
        _verify_command()


@pytest.mark.history_tampered
def test_a_history_row_deleted_by_raw_sql_is_found_and_located_C4(council):
    row = _history_row_of("Red Group")
    position = _link_of(row).position
    _sql(f"DELETE FROM {ORGANIZATION_HISTORY} WHERE history_id = %s", [row.history_id])

    result = audit.verify_history(records=False)

    assert result.problem_count == 1
    problem = result.first_problem
    assert (problem.kind, problem.position, problem.row_id) == ("removed", position, str(row.history_id))
    with pytest.raises(CommandError, match=f"position {position} .* was removed"):
        _verify_command()


@pytest.mark.history_tampered
def test_a_row_and_its_link_deleted_together_leave_a_gap_that_is_located_C4(council):
    row = _history_row_of("Red Group")
    position = _link_of(row).position
    _sql(f"DELETE FROM {ORGANIZATION_HISTORY} WHERE history_id = %s", [row.history_id])
    _sql(f"DELETE FROM {HistoryLink._meta.db_table} WHERE position = %s", [position])

    result = audit.verify_history(records=False)

    assert not result.ok
    assert result.first_problem.kind == "link"
    assert result.first_problem.position == position


def _rewrite_the_chain_from(position: int, field_sets=None) -> None:
    """What someone in full control of the database would do to hide an edit: recompute every link after it."""
    models_by_table = {model._meta.db_table: model for model in history_models()}
    field_sets = field_sets or {}
    previous = HistoryLink.objects.get(position=position - 1).chain_hash
    for link in HistoryLink.objects.filter(position__gte=position).order_by("position"):
        model = models_by_table[link.table]
        digest, names = field_sets.get(link.position, hashing.field_set_of(model))
        values = model.objects.filter(pk=link.row_id).values().get()
        # The row's leaf over the columns it is to have been hashed over, with the salts beside it.
        salts = {name: salt for name, salt in link.salts.items() if name in names}
        new_row_hash = hashing.row_leaf(model, link.row_id, values, salts, link.erased)
        previous = hashing.chain_hash(link.position, previous, new_row_hash)
        _sql(
            f"UPDATE {HistoryLink._meta.db_table} SET field_set = %s, row_hash = %s, chain_hash = %s, "
            "salts = %s::jsonb WHERE position = %s",
            [digest, new_row_hash, previous, hashing.canonical_json(salts), link.position],
        )


@pytest.mark.history_tampered
def test_a_rewrite_of_the_whole_chain_is_caught_against_a_head_published_earlier_C4(council):
    published = audit.verify_history().head_hash  # yesterday's head, in the Monitoring Officer's inbox
    people.organization_create(
        actor=council.system,
        reason="Later work",
        name="Finance",
        classification=Organization.Classification.DIRECTORATE,
    )
    assert f"The head {published} published earlier is in the chain" in _verify_command("--head", published)

    row = _history_row_of("Blue Group")
    _sql(f"UPDATE {ORGANIZATION_HISTORY} SET name = %s WHERE history_id = %s", ["Green Group", row.history_id])
    _rewrite_the_chain_from(_link_of(row).position)

    # The chain is consistent again: without a head nothing shows in it. The group itself still says
    # "Blue Group", which its rewritten history no longer does (the records check).
    assert audit.verify_history(records=False).ok
    assert [problem.kind for problem in audit.verify_history().problems] == ["record"]
    result = audit.verify_history(heads=[published], records=False)
    assert [problem.kind for problem in result.problems] == ["rewritten"]
    with pytest.raises(CommandError, match="no longer in the chain: the history up to it has been rewritten"):
        _verify_command("--head", published)


def test_every_history_table_s_columns_are_recorded_by_migrate(db):
    recorded = dict(HistoryFieldSet.objects.values_list("digest", "table"))
    for model in history_models():
        assert recorded.get(hashing.field_set_of(model)[0]) == model._meta.db_table


@pytest.mark.history_tampered
def test_a_row_hashed_before_a_column_was_added_is_checked_over_the_columns_it_had_C4(council):
    """As if ``is_administration`` had been added by a migration after the Blue Group's first row was written."""
    row = _history_row_of("Blue Group")
    position = _link_of(row).position
    older_columns = tuple(name for name in hashing.field_set_of(type(row))[1] if name != "is_administration")
    older = HistoryFieldSet.objects.create(digest="0" * 16, table=ORGANIZATION_HISTORY, fields=",".join(older_columns))
    _rewrite_the_chain_from(position, field_sets={position: (older.digest, older_columns)})
    assert audit.verify_history(records=False).ok

    _sql(f"UPDATE {ORGANIZATION_HISTORY} SET is_administration = true WHERE history_id = %s", [row.history_id])
    assert audit.verify_history(records=False).ok  # the column did not exist when the row was hashed
    _sql(f"UPDATE {ORGANIZATION_HISTORY} SET name = 'Green Group' WHERE history_id = %s", [row.history_id])
    assert [(p.kind, p.position) for p in audit.verify_history(records=False).problems] == [("edited", position)]


def test_a_head_that_is_not_a_hash_is_refused():
    with pytest.raises(CommandError, match="not a head hash"):
        _verify_command("--head", "yesterday")


# --- Export --------------------------------------------------------------------------------------


def _export(tmp_path, *options):
    path = tmp_path / "history.jsonl"
    call_command("export_history", "--output", str(path), *options, stderr=io.StringIO())
    return path


def test_an_export_verifies_on_its_own_without_the_database_C4(council, tmp_path, django_assert_num_queries):
    head = audit.verify_history().head_hash
    path = _export(tmp_path)

    with django_assert_num_queries(0):
        output = _verify_command("--file", str(path), "--head", head)
    rows = sum(model.objects.count() for model in history_models())
    assert f"verifies: {rows} rows, head {head}" in output


def test_an_export_with_any_one_byte_changed_does_not_verify_C4(council, tmp_path):
    exported = _export(tmp_path).read_bytes()
    assert audit.verify_export(io.BytesIO(exported)).ok

    step = max(1, len(exported) // 300)  # ~300 single-byte changes spread over every part of the file
    for offset in range(0, len(exported), step):
        changed = bytearray(exported)
        changed[offset] ^= 0x01
        result = audit.verify_export(io.BytesIO(bytes(changed)))
        assert not result.ok, f"a change at byte {offset} went unnoticed: {exported[offset - 40 : offset + 40]!r}"


def test_an_export_with_a_changed_value_names_the_line_and_row_C4(council, tmp_path):
    path = _export(tmp_path)
    path.write_bytes(path.read_bytes().replace(b'"name":"Blue Group"', b'"name":"Blue Croup"', 1))

    with pytest.raises(
        CommandError,
        match=r"First: The history row at line \d+, position \d+ "
        rf"\({ORGANIZATION_HISTORY} row \d+\) was changed",
    ):
        _verify_command("--file", str(path))


def test_an_export_cut_short_or_with_a_row_removed_does_not_verify_C4(council, tmp_path):
    lines = _export(tmp_path).read_bytes().splitlines(keepends=True)

    assert not audit.verify_export(lines[:-1]).ok  # no closing line
    without_one = lines[:10] + lines[11:]
    assert "rows are missing" in " ".join(str(p) for p in audit.verify_export(without_one).problems)


def test_a_filtered_export_holds_only_what_was_asked_for_and_verifies_C4(council, tmp_path):
    people.organization_create(
        actor=council.system,
        reason="Later work",
        name="Finance",
        classification=Organization.Classification.DIRECTORATE,
    )
    path = _export(tmp_path, "--model", "register.Organization", "--since", "2000-01-01")

    lines = path.read_bytes().splitlines(keepends=True)
    assert len(lines) - 1 == Organization.history.count()
    assert all(f'"table":"{ORGANIZATION_HISTORY}"'.encode() in line for line in lines[:-1])
    assert audit.verify_export(lines).ok
    assert "verifies" in _verify_command("--file", str(path))


def test_an_export_until_a_day_before_anything_happened_is_empty_but_verifies(council, tmp_path):
    lines = _export(tmp_path, "--until", "2000-01-01").read_bytes().splitlines(keepends=True)

    assert len(lines) == 1
    assert audit.verify_export(lines).ok


def test_an_export_of_an_unknown_model_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="register.Nothing"):
        _export(tmp_path, "--model", "register.Nothing")
