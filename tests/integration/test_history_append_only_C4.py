"""The database itself refuses rewrites of the history (C4, issue 20; docs/database-roles.md).

The application's role (what web, worker and beat connect as) may INSERT history but not UPDATE, DELETE
or TRUNCATE it; a trigger refuses UPDATE and DELETE of history to every other role but the maintenance
role, the owner included; erasure under a retention rule goes through one SECURITY DEFINER function.
The test connection is the superuser `register` of `make test`, which stands for the owner and takes the
other roles with SET ROLE (tests/tampering.py).
"""

import datetime
import logging

import pytest
from django.conf import settings
from django.db import ProgrammingError, connection, transaction
from django.db.utils import DataError, InternalError

from register import transparency
from register.models import Absence, HistoryLink, Notification, Organization
from register.models.audit import APPEND_ONLY_MODELS, Checkpoint, MerkleNode, TransparencyLog, history_models
from register.services import audit, people
from register.services.audit import checkpoints, database_roles, hashing, tree
from tests.tampering import as_app, as_maintenance, as_role, sql

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the roles are PostgreSQL's")

DAY = datetime.date(2026, 3, 3)
ORGANIZATION_HISTORY = Organization.history.model._meta.db_table
LINKS = HistoryLink._meta.db_table
CHECKPOINTS = Checkpoint._meta.db_table
APPEND_ONLY_REFUSAL = r"history is append-only \(C4\)"
DIGEST = "ab" * 32
ERASURE_REFUSED = (ProgrammingError, DataError, InternalError)


def _a_checkpoint() -> Checkpoint:
    """A checkpoint of the history's first entry, truly signed (verify_history checks every one it keeps)."""
    key = checkpoints.signing_key()
    root = tree.root_hash(TransparencyLog.HISTORY, 1)
    body = transparency.CheckpointBody(checkpoints.origin(TransparencyLog.HISTORY), 1, root)
    return Checkpoint.objects.create(
        log=TransparencyLog.HISTORY,
        tree_size=1,
        root_hash=root.hex(),
        note=key.sign(body.text()),
        key_name=key.name,
        verifier_key=key.verifier.text(),
        signed_at=datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC),
        reason="test",
    )


def _history_row_and_link():
    row = Organization.history.filter(history_type="+").order_by("history_id").first()
    return row, HistoryLink.objects.get(table=ORGANIZATION_HISTORY, row_id=str(row.history_id))


def _rewrites(council) -> dict[str, tuple[str, list]]:
    """An UPDATE and a DELETE of a history row, a HistoryLink and a Checkpoint, and a TRUNCATE of each."""
    row, link = _history_row_and_link()
    checkpoint = _a_checkpoint()
    return {
        "update a history row": (f"UPDATE {ORGANIZATION_HISTORY} SET name = 'Forged' WHERE history_id = %s", [row.pk]),
        "delete a history row": (f"DELETE FROM {ORGANIZATION_HISTORY} WHERE history_id = %s", [row.pk]),
        "update a link": (f"UPDATE {LINKS} SET row_hash = %s WHERE position = %s", [DIGEST, link.position]),
        "delete a link": (f"DELETE FROM {LINKS} WHERE position = %s", [link.position]),
        "update a checkpoint": (f"UPDATE {CHECKPOINTS} SET tree_size = 99 WHERE id = %s", [checkpoint.pk]),
        "delete a checkpoint": (f"DELETE FROM {CHECKPOINTS} WHERE id = %s", [checkpoint.pk]),
        "truncate the history table": (f"TRUNCATE {ORGANIZATION_HISTORY}", []),
        "truncate the links": (f"TRUNCATE {LINKS} CASCADE", []),
        "truncate the checkpoints": (f"TRUNCATE {CHECKPOINTS}", []),
    }


REWRITES = [
    "update a history row",
    "delete a history row",
    "update a link",
    "delete a link",
    "update a checkpoint",
    "delete a checkpoint",
    "truncate the history table",
    "truncate the links",
    "truncate the checkpoints",
]


# --- The application's role ------------------------------------------------------------------------


@pytest.mark.parametrize("rewrite", REWRITES)
def test_the_application_s_role_may_not_update_delete_or_truncate_history_links_or_checkpoints_C4(council, rewrite):
    """PostgreSQL refuses the application's role any UPDATE, DELETE or TRUNCATE of history (C4)."""
    statement, params = _rewrites(council)[rewrite]
    table = statement.split()[1 if statement.startswith(("UPDATE", "TRUNCATE")) else 2]

    with pytest.raises(ProgrammingError, match=f"permission denied for table {table}"), as_app():
        sql(statement, params)

    row, link = _history_row_and_link()
    assert row.name != "Forged" and link.row_hash != DIGEST
    assert Checkpoint.objects.get().tree_size == 1


def test_the_application_s_role_may_append_history_links_and_checkpoints_C4(council):
    """INSERT of history, of its links and of a checkpoint is what the application's role may do (C4)."""
    with as_app():
        checkpoint = _a_checkpoint()
        organization = people.organization_create(
            actor=council.democratic_services, reason="A new group", name="Orange Group", classification="party"
        )
    assert Checkpoint.objects.filter(pk=checkpoint.pk).exists()
    row = Organization.history.get(id=organization.pk)
    assert HistoryLink.objects.filter(table=ORGANIZATION_HISTORY, row_id=str(row.history_id)).exists()
    assert audit.verify_history().ok


def test_the_register_s_writes_work_as_the_application_s_role_C4(council):
    """The services' writes (a record created and changed, notices written in bulk, each with its history
    and links) work as the application's role, and the chain verifies after them (C1, C4)."""
    group = council.groups[0].organization
    notices_before = Notification.history.count()
    with as_app():
        absence = people.absence_record(
            actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY + datetime.timedelta(days=1)
        )
        people.organization_update(
            actor=council.democratic_services, reason="Renamed", organization=group, changes={"name": "Teal Group"}
        )
        # The hourly checkpoint: the tree extended (Merkle nodes appended) and a checkpoint signed.
        checkpoint = checkpoints.sign_checkpoint(log=TransparencyLog.HISTORY, reason="hourly")
        current_user = sql("SELECT current_user")[0]

    assert current_user == settings.DATABASE_APP_ROLE
    assert Absence.history.filter(id=absence.pk).exists()
    assert Notification.history.count() > notices_before
    assert Organization.objects.get(pk=group.pk).name == "Teal Group"
    assert Organization.history.filter(id=group.pk, name="Teal Group").exists()
    assert checkpoint.tree_size == tree.leaf_count(TransparencyLog.HISTORY) > 1
    assert MerkleNode.objects.filter(log=TransparencyLog.HISTORY).exists()
    assert audit.verify_history().ok


# --- The owner and the maintenance role ---------------------------------------------------------------


@pytest.mark.parametrize(
    "rewrite", ["update a history row", "delete a history row", "update a link", "delete a link", "update a checkpoint"]
)
def test_the_owner_is_refused_history_rewrites_by_the_trigger_C4(council, rewrite):
    """Without SET ROLE the test connection is the owner (a superuser even): the trigger refuses it (C4)."""
    statement, params = _rewrites(council)[rewrite]

    with pytest.raises(ProgrammingError, match=APPEND_ONLY_REFUSAL), transaction.atomic():
        sql(statement, params)

    assert audit.verify_history().ok


@pytest.mark.history_tampered
def test_the_maintenance_role_may_change_and_remove_history_C4(council):
    """The documented maintenance role is the one the triggers let through (docs/database-roles.md)."""
    row, link = _history_row_and_link()
    with as_maintenance():
        sql(f"UPDATE {ORGANIZATION_HISTORY} SET name = 'Repaired' WHERE history_id = %s", [row.pk])
        sql(f"DELETE FROM {LINKS} WHERE position = %s", [link.position])

    assert Organization.history.get(history_id=row.pk).name == "Repaired"
    assert not HistoryLink.objects.filter(position=link.position).exists()
    assert not audit.verify_history().ok  # and the chain says so


def test_every_history_and_append_only_table_is_insert_only_for_the_application_and_guarded_C4(db):
    """After migrate, every history table and every append-only table has the trigger and grants the
    application's role SELECT and INSERT only; every other table of the register the four DML rights."""
    app = settings.DATABASE_APP_ROLE
    guarded = {model._meta.db_table for model in history_models()} | {m._meta.db_table for m in APPEND_ONLY_MODELS}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, "
            "  ARRAY(SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) p "
            "        WHERE has_table_privilege(%s, c.oid, p) ORDER BY p), "
            "  EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s AND t.tgenabled = 'O') "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'",
            [app, database_roles.TRIGGER],
        )
        tables = {name: (set(rights), triggered) for name, rights, triggered in cursor.fetchall()}

    assert guarded <= tables.keys()
    assert len(guarded) > 20
    for name, (rights, triggered) in tables.items():
        if name in guarded:
            assert (rights, triggered) == ({"SELECT", "INSERT"}, True), name
        else:
            assert (rights, triggered) == ({"SELECT", "INSERT", "UPDATE", "DELETE"}, False), name


def test_migrate_again_changes_nothing_once_the_roles_are_applied(db):
    """The handler is idempotent: a second run finds no table to grant, revoke or guard."""
    state = database_roles._read_state("default", settings.DATABASE_APP_ROLE, settings.DATABASE_MAINTENANCE_ROLE)
    assert len(state.relations) > 50
    changes = database_roles.table_changes(
        state, app_role=settings.DATABASE_APP_ROLE, maintenance_role=settings.DATABASE_MAINTENANCE_ROLE
    )
    assert changes == []


def test_a_guard_removed_or_a_right_granted_is_put_back_by_the_next_migrate_C4(db):
    """An owner who drops a trigger or grants the application's role UPDATE on history sees the next
    migrate (every deploy) undo it; what was done meanwhile is for verify_history to find (C4)."""
    app = settings.DATABASE_APP_ROLE
    sql(f"DROP TRIGGER {database_roles.TRIGGER} ON {LINKS}")
    sql(f'GRANT UPDATE, TRUNCATE ON {ORGANIZATION_HISTORY} TO "{app}"')

    database_roles.apply_database_roles()

    assert sql("SELECT has_table_privilege(%s, %s, 'UPDATE')", [app, ORGANIZATION_HISTORY]) == (False,)
    assert sql(
        "SELECT count(*) FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass", [database_roles.TRIGGER, LINKS]
    ) == (1,)


def test_without_the_roles_migrate_warns_and_grants_nothing(db, settings, caplog):
    """A PostgreSQL without the roles migrates, with a warning that history is not protected (C4)."""
    settings.DATABASE_APP_ROLE = "register_no_such_role"
    with caplog.at_level(logging.WARNING, logger=database_roles.__name__):
        database_roles.apply_database_roles()
    assert "register_no_such_role do not exist" in caplog.text
    assert "does not refuse rewrites of the history (C4)" in caplog.text


# --- Erasure under a retention rule ---------------------------------------------------------------------


def _salted_link(council):
    """A history row written now, and its link, which holds a salt per field (after the tree's start)."""
    group = council.groups[0].organization
    people.organization_update(
        actor=council.democratic_services, reason="Renamed", organization=group, changes={"name": "Violet Group"}
    )
    row = Organization.history.filter(id=group.pk).order_by("-history_id").first()
    link = HistoryLink.objects.get(table=ORGANIZATION_HISTORY, row_id=str(row.history_id))
    assert {"name", "history_change_reason"} <= set(link.salts)
    return row, link


def _digest_of(row, link, field: str) -> str:
    """The field's salted digest, as the row's Merkle leaf commits to it (register/transparency.py)."""
    model_field = hashing.fields_by_attname(type(row))[field]
    return transparency.field_digest(
        field, link.salts[field], hashing.canonical_value(model_field, getattr(row, field))
    )


def _erase(table, row_id, field, digest):
    sql("SELECT register_erase_history_value(%s, %s, %s, %s)", [table, row_id, field, digest])


def test_the_application_s_role_erases_a_value_and_its_salt_and_keeps_its_digest_C4(council):
    """Erasure under a retention rule: the value is blanked and its salt removed, and the link keeps the
    field's digest, through the one SECURITY DEFINER function the application's role may call; the row's
    leaf, and so the chain, the tree and every proof, verify as before (C4)."""
    row, link = _salted_link(council)
    digest = _digest_of(row, link, "history_change_reason")
    leaf = link.row_hash
    other_salts = {name: salt for name, salt in link.salts.items() if name != "history_change_reason"}

    with as_app():
        _erase(ORGANIZATION_HISTORY, str(row.history_id), "history_change_reason", digest)

    row.refresh_from_db()
    link.refresh_from_db()
    assert row.history_change_reason is None
    assert row.name == "Violet Group"
    assert link.salts == other_salts
    assert link.erased == {"history_change_reason": digest}
    assert link.row_hash == leaf
    assert audit.verify_history().ok


def test_a_text_column_that_may_not_be_null_is_erased_to_empty_C4(council):
    row, link = _salted_link(council)
    digest = _digest_of(row, link, "name")
    with as_app():
        _erase(ORGANIZATION_HISTORY, str(row.history_id), "name", digest)
    row.refresh_from_db()
    link.refresh_from_db()
    assert row.name == ""
    assert link.erased == {"name": digest} and "name" not in link.salts
    assert audit.verify_history().ok
    with pytest.raises(ERASURE_REFUSED, match="has no salt for the field 'name'"), as_app():
        _erase(ORGANIZATION_HISTORY, str(row.history_id), "name", digest)  # erased already


@pytest.mark.history_tampered
def test_an_erasure_with_the_wrong_digest_is_found_by_verify_history_C4(council):
    """The function cannot check a digest against a value it is erasing (the canonical form is the
    register's); a wrong one leaves a leaf that no longer matches, which verify_history names (C4)."""
    row, link = _salted_link(council)
    with as_app():
        _erase(ORGANIZATION_HISTORY, str(row.history_id), "name", DIGEST)
    result = audit.verify_history()
    assert not result.ok
    assert (result.first_problem.table, result.first_problem.row_id) == (ORGANIZATION_HISTORY, str(row.history_id))


@pytest.mark.parametrize(
    ("table", "row_id", "field", "digest", "refusal"),
    [
        (ORGANIZATION_HISTORY, None, "name", "AB" * 32, "the digest must be 64 lower-case hexadecimal"),
        (ORGANIZATION_HISTORY, None, "name", "ab" * 31, "the digest must be 64 lower-case hexadecimal"),
        ("register_organization", None, "name", DIGEST, "is not a history table of the register"),
        (f'{ORGANIZATION_HISTORY}"; DROP TABLE x; --', None, "name", DIGEST, "is not a history table"),
        (ORGANIZATION_HISTORY, "999999999", "name", DIGEST, "no history link for row"),
        (ORGANIZATION_HISTORY, None, "no_such_field", DIGEST, "has no salt for the field"),
        (ORGANIZATION_HISTORY, None, "name = NULL; --", DIGEST, "has no salt for the field"),
    ],
)
def test_an_erasure_that_is_not_of_a_salted_field_of_a_history_row_is_refused_C4(
    council, table, row_id, field, digest, refusal
):
    """Erasure names a history row with a link, one of the link's salted fields and a SHA-256 digest,
    or is refused with a message naming what is wrong, and changes nothing."""
    row, link = _salted_link(council)
    with pytest.raises(ERASURE_REFUSED, match=refusal), as_app():
        _erase(table, row_id or str(row.history_id), field, digest)
    link.refresh_from_db()
    assert link.erased is None


@pytest.mark.history_tampered
def test_a_salt_naming_no_column_or_the_key_is_refused_C4(council):
    row, link = _salted_link(council)
    with as_maintenance():
        sql(
            f"UPDATE {LINKS} SET salts = salts || %s::jsonb WHERE position = %s",
            ['{"history_id": "03", "no_such_column": "04"}', link.position],
        )
    for field, refusal in (("history_id", "cannot be erased"), ("no_such_column", "has no column")):
        with pytest.raises(ERASURE_REFUSED, match=refusal), as_app():
            _erase(ORGANIZATION_HISTORY, str(row.history_id), field, DIGEST)


def test_no_role_but_the_application_s_may_call_the_erasure_C4(db):
    """PUBLIC holds no EXECUTE on the erasure function: a role it was not granted to is refused."""
    sql("CREATE ROLE register_test_outsider NOLOGIN")  # undone with the test's transaction
    with pytest.raises(ProgrammingError, match="permission denied for function register_erase_history_value"):
        with as_role("register_test_outsider"):
            _erase(ORGANIZATION_HISTORY, "1", "name", DIGEST)
    signature = f"public.{database_roles.ERASE_SIGNATURE}"
    owner = sql("SELECT pg_get_userbyid(proowner), prosecdef FROM pg_proc WHERE oid = %s::regprocedure", [signature])
    assert owner == (settings.DATABASE_MAINTENANCE_ROLE, True)


@pytest.mark.integration
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_connects_and_writes_history_as_the_application_s_role_C4(council, worker, sent_mail):
    """The Celery worker of the tests connects as the application's role, as production's does, and its
    writes (an e-mail notice delivered, with its history) work under the grants (C1, C4)."""
    from tests.services import wait_until

    absence = people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)
    delivered = Notification.history.filter(
        history_change_reason="Notice delivered", cause=f"absence:{absence.pk}:recorded"
    )
    wait_until(lambda: delivered.count() == 1, timeout=60, what="the e-mail delivered", explain=worker.tail)
    assert worker.environment["DATABASE_URL"].startswith(f"postgres://{settings.DATABASE_APP_ROLE}@")
    assert audit.verify_history().ok
