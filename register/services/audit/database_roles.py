"""The database refuses rewrites of history (C4, issue 20): grants, triggers and the one erasure function.

Three PostgreSQL roles (docs/database-roles.md): the owner, which owns the tables and runs ``migrate``;
the application's role (``DATABASE_APP_ROLE``), which the web, worker and beat processes connect as;
and the maintenance role (``DATABASE_MAINTENANCE_ROLE``, NOLOGIN), which a DBA takes with ``SET ROLE``.
After every ``migrate`` (``post_migrate``), ``apply_database_roles`` makes the database say so:

- the application's role may SELECT, INSERT, UPDATE and DELETE every table of the register, but on every
  history table and every table of ``APPEND_ONLY_MODELS`` only SELECT and INSERT (never UPDATE, DELETE
  or TRUNCATE);
- a trigger on each of those tables refuses UPDATE and DELETE to everyone but the maintenance role,
  the owner and superusers included;
- ``register_erase_history_value(history_table, history_id, field, digest)``, a SECURITY DEFINER
  function owned by the maintenance role, is the one way to blank a value under a retention rule: it
  blanks the column, removes the field's salt from the row's HistoryLink and keeps the field's digest
  there (``erased``), so the row's Merkle leaf, its proofs and every checkpoint still verify. The
  application's role may EXECUTE it; PUBLIC may not.

It changes only what differs from that (one query reads the state), so running it after every test
flush costs little. On other databases (SQLite) it does nothing; on PostgreSQL without the roles it
logs a warning and does nothing, so a database set up before them still migrates.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction

from register.models.audit import APPEND_ONLY_MODELS, AccessLogEntry, HistoryLink, history_models

logger = logging.getLogger(__name__)

TRIGGER = "register_append_only"
TRIGGER_FUNCTION = "register_refuse_history_rewrite"
ERASE_FUNCTION = "register_erase_history_value"
ERASE_SIGNATURE = f"{ERASE_FUNCTION}(text, text, text, text)"
# Issue 21: the access log's own erasure (its reader), the same steps on AccessLogEntry's salts and erased.
ERASE_ACCESS_FUNCTION = "register_erase_access_log_value"
ERASE_ACCESS_SIGNATURE = f"{ERASE_ACCESS_FUNCTION}(text, text, text)"

TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
SEQUENCE_PRIVILEGES = ("USAGE", "SELECT", "UPDATE")
# What each role holds on a register table: the application writes, but only appends to history.
APP_ON_TABLE = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
APP_ON_APPEND_ONLY = frozenset({"SELECT", "INSERT"})
APP_ON_SEQUENCE = frozenset({"USAGE", "SELECT"})
MAINTENANCE_ON_TABLE = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
MAINTENANCE_ON_SEQUENCE = frozenset({"USAGE", "SELECT", "UPDATE"})


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def append_only_tables() -> list[str]:
    """Every history table and every table of APPEND_ONLY_MODELS: INSERT only, for all but maintenance."""
    tables = {model._meta.db_table for model in history_models()}
    tables |= {model._meta.db_table for model in APPEND_ONLY_MODELS}
    return sorted(tables)


@dataclass(frozen=True)
class Relation:
    name: str
    is_sequence: bool
    app_holds: frozenset[str]
    maintenance_holds: frozenset[str]
    trigger: str  # "" when absent, else pg_trigger.tgenabled ("O" when it fires)


@dataclass(frozen=True)
class DatabaseState:
    schema: str
    app_role_exists: bool
    maintenance_role_exists: bool
    migrator_may_become_maintenance: bool
    relations: dict[str, Relation]


def apply_database_roles(using: str = "default", **kwargs) -> None:
    """``post_migrate``: grant, revoke and install triggers and the erasure function as the module says."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if HistoryLink._meta.db_table not in connection.introspection.table_names():
        return  # migrating backwards past the audit chain
    app_role, maintenance_role = settings.DATABASE_APP_ROLE, settings.DATABASE_MAINTENANCE_ROLE
    with transaction.atomic(using=using):
        state = _read_state(using, app_role, maintenance_role)
        missing = [
            name
            for name, exists in ((app_role, state.app_role_exists), (maintenance_role, state.maintenance_role_exists))
            if not exists
        ]
        if missing:
            logger.warning(
                "The database role(s) %s do not exist, so the database does not refuse rewrites of the history "
                "(C4): nothing but verify_history stands in the way of an UPDATE or DELETE of history. Create "
                "the roles (scripts/database-roles.sql; docs/database-roles.md) and run migrate again.",
                ", ".join(missing),
            )
            return
        changes = table_changes(state, app_role=app_role, maintenance_role=maintenance_role)
        statements = statements_for(state, changes, app_role=app_role, maintenance_role=maintenance_role)
        if not state.migrator_may_become_maintenance:
            logger.warning(
                "The role running migrate is not a member of %s, so %s() cannot be owned by it and was not "
                "installed: GRANT %s TO the owner role (scripts/database-roles.sql) and run migrate again.",
                maintenance_role,
                ERASE_FUNCTION,
                maintenance_role,
            )
        _execute(using, statements)
    if changes:
        logger.info("Database roles: %d table grant(s), revoke(s) or trigger(s) applied (C4).", len(changes))


def statements_for(state: DatabaseState, changes: list[str], *, app_role: str, maintenance_role: str) -> list[str]:
    """The schema's grants and the trigger function, the tables' ``changes``, then the erasure function:
    all but the changes are issued on every run (CREATE OR REPLACE), changing nothing once applied."""
    schema = quote_identifier(state.schema)
    app, maintenance = quote_identifier(app_role), quote_identifier(maintenance_role)
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {app}, {maintenance}",
        _trigger_function_sql(schema, maintenance_role),
        *changes,
    ]
    if state.migrator_may_become_maintenance:
        history_tables = [m._meta.db_table for m in history_models() if m._meta.db_table in state.relations]
        erase = f"{schema}.{ERASE_SIGNATURE}"
        statements += [
            _erase_function_sql(state.schema, history_tables),
            f"REVOKE ALL ON FUNCTION {erase} FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION {erase} TO {app}",
            f"ALTER FUNCTION {erase} OWNER TO {maintenance}",
        ]
        access_table = AccessLogEntry._meta.db_table
        if access_table in state.relations:
            erase_access = f"{schema}.{ERASE_ACCESS_SIGNATURE}"
            statements += [
                _erase_access_function_sql(state.schema, access_table),
                f"REVOKE ALL ON FUNCTION {erase_access} FROM PUBLIC",
                f"GRANT EXECUTE ON FUNCTION {erase_access} TO {app}",
                f"ALTER FUNCTION {erase_access} OWNER TO {maintenance}",
            ]
    return statements


def table_changes(state: DatabaseState, *, app_role: str, maintenance_role: str) -> list[str]:
    """The grants, revokes and triggers that bring every table to what the module says, and no more."""
    schema = quote_identifier(state.schema)
    app, maintenance = quote_identifier(app_role), quote_identifier(maintenance_role)
    append_only = [name for name in append_only_tables() if name in state.relations]
    changes = []
    for relation in state.relations.values():
        target = f"{schema}.{quote_identifier(relation.name)}"
        if relation.is_sequence:
            kind = "SEQUENCE "
            app_wants, maintenance_wants = APP_ON_SEQUENCE, MAINTENANCE_ON_SEQUENCE
        else:
            kind = ""
            app_wants = APP_ON_APPEND_ONLY if relation.name in append_only else APP_ON_TABLE
            maintenance_wants = MAINTENANCE_ON_TABLE
        for role, holds, wants in (
            (app, relation.app_holds, app_wants),
            (maintenance, relation.maintenance_holds, maintenance_wants),
        ):
            if extra := holds - wants:
                changes.append(f"REVOKE {', '.join(sorted(extra))} ON {kind}{target} FROM {role}")
            if lacking := wants - holds:
                changes.append(f"GRANT {', '.join(sorted(lacking))} ON {kind}{target} TO {role}")
    for name in append_only:
        target = f"{schema}.{quote_identifier(name)}"
        trigger = state.relations[name].trigger
        if not trigger:
            changes.append(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {target} "
                f"FOR EACH ROW EXECUTE FUNCTION {schema}.{TRIGGER_FUNCTION}()"
            )
        elif trigger != "O":
            changes.append(f"ALTER TABLE {target} ENABLE TRIGGER {TRIGGER}")
    return changes


def _read_state(using: str, app_role: str, maintenance_role: str) -> DatabaseState:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT current_schema(), "
            "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %(app)s), "
            "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %(maintenance)s), "
            "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %(maintenance)s "
            "        AND pg_has_role(current_user, oid, 'MEMBER'))",
            {"app": app_role, "maintenance": maintenance_role},
        )
        schema, app_exists, maintenance_exists, may_become = cursor.fetchone()
        relations: dict[str, Relation] = {}
        if app_exists and maintenance_exists:
            cursor.execute(
                "SELECT c.relname, c.relkind = 'S', "
                "  ARRAY(SELECT p FROM unnest(%(table)s::text[]) AS p "
                "        WHERE c.relkind <> 'S' AND has_table_privilege(%(app)s, c.oid, p) "
                "        UNION ALL SELECT p FROM unnest(%(sequence)s::text[]) AS p "
                "        WHERE c.relkind = 'S' AND has_sequence_privilege(%(app)s, c.oid, p)), "
                "  ARRAY(SELECT p FROM unnest(%(table)s::text[]) AS p "
                "        WHERE c.relkind <> 'S' AND has_table_privilege(%(maintenance)s, c.oid, p) "
                "        UNION ALL SELECT p FROM unnest(%(sequence)s::text[]) AS p "
                "        WHERE c.relkind = 'S' AND has_sequence_privilege(%(maintenance)s, c.oid, p)), "
                "  coalesce((SELECT t.tgenabled::text FROM pg_trigger t "
                "            WHERE t.tgrelid = c.oid AND t.tgname = %(trigger)s AND NOT t.tgisinternal), '') "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S') "
                "ORDER BY c.relname",
                {
                    "app": app_role,
                    "maintenance": maintenance_role,
                    "table": list(TABLE_PRIVILEGES),
                    "sequence": list(SEQUENCE_PRIVILEGES),
                    "trigger": TRIGGER,
                },
            )
            for name, is_sequence, app_holds, maintenance_holds, trigger in cursor.fetchall():
                relations[name] = Relation(
                    name, is_sequence, frozenset(app_holds), frozenset(maintenance_holds), trigger
                )
    return DatabaseState(schema, app_exists, maintenance_exists, may_become, relations)


def _execute(using: str, statements: list[str]) -> None:
    with connections[using].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _trigger_function_sql(schema: str, maintenance_role: str) -> str:
    hint = (
        f"Only the maintenance role changes or removes history: SET ROLE {quote_identifier(maintenance_role)} "
        f"(docs/database-roles.md). A value erased under a retention rule goes through {ERASE_FUNCTION}()."
    )
    return f"""CREATE OR REPLACE FUNCTION {schema}.{TRIGGER_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    IF current_user = {quote_literal(maintenance_role)} THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'history is append-only (C4): % of a row of %.% is refused to the role %',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, current_user
        USING ERRCODE = 'insufficient_privilege', HINT = {quote_literal(hint)};
END
$function$"""


def _erase_function_sql(schema_name: str, history_tables: list[str]) -> str:
    """The SECURITY DEFINER function that erases one value of one history row under a retention rule.

    Every name it is given is checked against the catalog and quoted with format('%I'); the row's id is
    passed as a parameter. Its search_path is pg_catalog only, and every table is named with its schema."""
    schema = quote_identifier(schema_name)
    link_table = f"{schema}.{quote_identifier(HistoryLink._meta.db_table)}"
    tables = "ARRAY[" + ", ".join(quote_literal(name) for name in history_tables) + "]::text[]"
    return f"""CREATE OR REPLACE FUNCTION {schema}.{ERASE_FUNCTION}(
    history_table text, history_id text, field text, digest text
) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    register_schema CONSTANT text := {quote_literal(schema_name)};
    history_tables CONSTANT text[] := {tables};
    link_position bigint;
    link_salts jsonb;
    key_column text;
    key_type text;
    column_not_null boolean;
    column_category "char";
    blanked integer;
BEGIN
    IF digest IS NULL OR digest !~ '^[0-9a-f]{{64}}$' THEN
        RAISE EXCEPTION 'erasing a history value: the digest must be 64 lower-case hexadecimal characters '
            '(the field''s SHA-256 digest), not %', coalesce(quote_literal(digest), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF history_table IS NULL OR NOT (history_table = ANY (history_tables)) THEN
        RAISE EXCEPTION 'erasing a history value: % is not a history table of the register',
            coalesce(quote_literal(history_table), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT link."position", link.salts INTO link_position, link_salts
      FROM {link_table} AS link
     WHERE link."table" = history_table AND link.row_id = history_id
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'erasing a history value: no history link for row % of %',
            coalesce(quote_literal(history_id), 'NULL'), history_table USING ERRCODE = 'no_data_found';
    END IF;
    IF field IS NULL OR link_salts IS NULL OR jsonb_typeof(link_salts) <> 'object' OR NOT (link_salts ? field) THEN
        RAISE EXCEPTION 'erasing a history value: row % of % has no salt for the field % (erased already, '
            'not one of its fields, or linked before the history tree began)',
            history_id, history_table, coalesce(quote_literal(field), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT attribute.attname, format_type(attribute.atttypid, attribute.atttypmod)
      INTO key_column, key_type
      FROM pg_index AS key_index
      JOIN pg_attribute AS attribute
        ON attribute.attrelid = key_index.indrelid AND attribute.attnum = ANY (key_index.indkey)
     WHERE key_index.indrelid = format('%I.%I', register_schema, history_table)::regclass
       AND key_index.indisprimary;
    IF key_column IS NULL THEN
        RAISE EXCEPTION 'erasing a history value: % has no primary key', history_table;
    END IF;
    IF field = key_column THEN
        RAISE EXCEPTION 'erasing a history value: the key % of % cannot be erased', field, history_table
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT attribute.attnotnull, column_type.typcategory INTO column_not_null, column_category
      FROM pg_attribute AS attribute
      JOIN pg_type AS column_type ON column_type.oid = attribute.atttypid
     WHERE attribute.attrelid = format('%I.%I', register_schema, history_table)::regclass
       AND attribute.attname = field AND attribute.attnum > 0 AND NOT attribute.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'erasing a history value: % has no column %', history_table, quote_literal(field)
            USING ERRCODE = 'undefined_column';
    END IF;
    IF NOT column_not_null THEN
        EXECUTE format('UPDATE %I.%I SET %I = NULL WHERE %I = $1::%s',
                       register_schema, history_table, field, key_column, key_type)
          USING history_id;
    ELSIF column_category = 'S' THEN
        EXECUTE format('UPDATE %I.%I SET %I = '''' WHERE %I = $1::%s',
                       register_schema, history_table, field, key_column, key_type)
          USING history_id;
    ELSE
        RAISE EXCEPTION 'erasing a history value: the column % of % is neither nullable nor text, so it '
            'cannot be blanked', field, history_table USING ERRCODE = 'invalid_parameter_value';
    END IF;
    GET DIAGNOSTICS blanked = ROW_COUNT;
    IF blanked <> 1 THEN
        RAISE EXCEPTION 'erasing a history value: % has no row %', history_table, quote_literal(history_id)
            USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE {link_table}
       SET salts = salts - field,
           erased = CASE WHEN jsonb_typeof(erased) = 'object' THEN erased ELSE '{{}}'::jsonb END
                    || jsonb_build_object(field, digest)
     WHERE "position" = link_position;
END
$function$"""


# Only the reader of an access log entry is erased (register/retention.py, "access-log").
ACCESS_LOG_ERASABLE = ("reader_id",)


def _erase_access_function_sql(schema_name: str, access_table: str) -> str:
    """The SECURITY DEFINER function that erases one field of one access log entry under a retention rule
    (issue 21): it blanks the column (NULL), removes the field's salt and keeps its digest in ``erased``,
    so the entry's leaf and every access log checkpoint still verify. Only the fields of
    ``ACCESS_LOG_ERASABLE`` may be erased; the entry's id is passed as a parameter."""
    schema = quote_identifier(schema_name)
    table = f"{schema}.{quote_identifier(access_table)}"
    erasable = "ARRAY[" + ", ".join(quote_literal(name) for name in ACCESS_LOG_ERASABLE) + "]::text[]"
    return f"""CREATE OR REPLACE FUNCTION {schema}.{ERASE_ACCESS_FUNCTION}(
    entry_id text, field text, digest text
) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    erasable CONSTANT text[] := {erasable};
    entry_salts jsonb;
BEGIN
    IF digest IS NULL OR digest !~ '^[0-9a-f]{{64}}$' THEN
        RAISE EXCEPTION 'erasing an access log value: the digest must be 64 lower-case hexadecimal characters, '
            'not %', coalesce(quote_literal(digest), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF field IS NULL OR NOT (field = ANY (erasable)) THEN
        RAISE EXCEPTION 'erasing an access log value: % may not be erased', coalesce(quote_literal(field), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT entry.salts INTO entry_salts FROM {table} AS entry WHERE entry.id = entry_id::uuid FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'erasing an access log value: no entry %', quote_literal(entry_id)
            USING ERRCODE = 'no_data_found';
    END IF;
    IF entry_salts IS NULL OR jsonb_typeof(entry_salts) <> 'object' OR NOT (entry_salts ? field) THEN
        RAISE EXCEPTION 'erasing an access log value: entry % has no salt for the field % (erased already?)',
            entry_id, quote_literal(field) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('UPDATE {table} SET %I = NULL, salts = salts - $2, '
                   'erased = CASE WHEN jsonb_typeof(erased) = ''object'' THEN erased ELSE ''{{}}''::jsonb END '
                   '|| jsonb_build_object($2, $3) WHERE id = $1::uuid', field)
      USING entry_id, field, digest;
END
$function$"""
