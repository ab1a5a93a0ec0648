"""Writing the audit history's hash chain (C4): each history row gets a ``HistoryLink`` in the transaction writing it.

Rows written one at a time arrive through simple-history's ``post_create_historical_record``
signal; rows written in bulk (``bulk_create_with_history``, ``bulk_update_with_history``) through
``HistoryManager.bulk_history_create``, which sends no signal and is wrapped once, for every
history model, by ``connect()``. Writers take a PostgreSQL advisory transaction lock before they
read the chain's head, so two transactions can never both extend the same head; SQLite serialises
writers itself.

This is the one place in the register where signals and raw SQL are allowed (STYLE.md), and the
raw SQL touches only the chain's own table: it is the evidence about the history, not a record
of the register. On PostgreSQL a row saved on its own is linked by a database function installed
after every ``migrate`` (``install_chain_functions``); its chain hash is ``CHAIN_HASH_SQL``, the
database's one copy of ``hashing.chain_hash``, which the tests check against it.
"""

import datetime
import functools

from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from simple_history.manager import HistoryManager
from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

from register.models import HistoryLink
from register.services.audit.hashing import (
    BATCH,
    GENESIS,
    batched,
    canonical_json,
    chain_hash,
    field_set_of,
    hashed_fields,
    leaf_of,
    new_salts,
)

# Names the chain among PostgreSQL advisory locks: any constant bigint no other code uses.
CHAIN_LOCK_KEY = 0x52_45_47_48_49_53_54  # "REGHIST"


def connect() -> None:
    """Link every history row from now on, whichever way simple-history writes it. Called once, from AppConfig.ready()."""
    post_create_historical_record.connect(_link_saved_row, dispatch_uid="register.history-chain.row", weak=False)
    post_create_historical_m2m_records.connect(
        _link_saved_m2m_rows, dispatch_uid="register.history-chain.m2m", weak=False
    )
    if not getattr(HistoryManager.bulk_history_create, "links_the_history_chain", False):
        HistoryManager.bulk_history_create = _linking(HistoryManager.bulk_history_create)


def _link_saved_row(sender, history_instance, **kwargs) -> None:
    link_history_rows([history_instance])


def _link_saved_m2m_rows(sender, created_rows, **kwargs) -> None:
    link_history_rows(list(created_rows))


def _linking(bulk_history_create):
    """simple-history's bulk path writes history rows with ``bulk_create`` and sends no signal:
    link what it wrote, in the same transaction."""

    @functools.wraps(bulk_history_create)
    def bulk_history_create_and_link(self, objs, *args, **kwargs):
        with transaction.atomic(using=router.db_for_write(self.model), savepoint=False):
            rows = bulk_history_create(self, objs, *args, **kwargs)
            link_history_rows(list(rows or []))
        return rows

    bulk_history_create_and_link.links_the_history_chain = True
    return bulk_history_create_and_link


def link_history_rows(rows: list[models.Model]) -> None:
    """Append one link per history row (all of one history model) after the chain's current head.

    Each link's row hash is the row's Merkle leaf (issue 20): every field committed to through its own
    fresh salt, kept on the link. The register's tree began before any row linked now."""
    if not rows:
        return
    history_model = type(rows[0])
    table = history_model._meta.db_table
    digest, names = field_set_of(history_model)
    hashed = []
    for row in rows:
        if row.pk is None:
            raise RuntimeError(f"A {table} row was written without a primary key, so it cannot be chained.")
        values = {name: getattr(row, name) for name in names}
        salts = new_salts(names)
        leaf = leaf_of(table, str(row.pk), hashed_fields(history_model, values, names), salts, None)
        hashed.append(
            (
                str(row.pk),
                leaf,
                getattr(row, "history_date", None),
                getattr(row, "history_user_id", None),
                canonical_json(salts),
            )
        )
    using = router.db_for_write(HistoryLink)
    if len(hashed) == 1 and connections[using].vendor == "postgresql":
        # One save, one history row (nearly every write): lock, read the head and link in one round trip.
        with transaction.atomic(using=using, savepoint=False):
            _link_one_row_in_one_statement(table, digest, *hashed[0], using=using)
        return
    with transaction.atomic(using=using, savepoint=False):
        position, previous, latest = _lock_chain_and_read_head(using)
        links = []
        for row_id, content_hash, history_date, history_user_id, salts in hashed:
            position += 1
            previous = chain_hash(position, previous, content_hash)
            # The timeline's copy of the date never goes back along the chain (a writer that
            # stamped its row earlier may take the lock later): so a date range is a range of
            # positions, found by two index seeks (register/selectors/audit.py).
            latest = max(history_date, latest) if history_date and latest else (history_date or latest)
            links.append((position, table, row_id, digest, content_hash, previous, latest, history_user_id, salts))
        _append_links(links, using)


# The chain's own table is written and its head read with plain SQL: on every history write the
# ORM's query building cost more than the queries themselves (measured: 200 µs against 40 µs).
LINK_COLUMNS = (
    "position",
    "table",
    "row_id",
    "field_set",
    "row_hash",
    "chain_hash",
    "history_date",
    "history_user_id",
    "salts",
)


def _lock_chain_and_read_head(using: str) -> tuple[int, str, datetime.datetime | None]:
    """Hold the chain until this transaction ends, then read its head (position, chain hash and the
    timeline's date): nobody else can extend it meanwhile."""
    connection = connections[using]
    quote = connection.ops.quote_name
    read_head = (
        f"SELECT {quote('position')}, {quote('chain_hash')}, {quote('history_date')} "
        f"FROM {quote(HistoryLink._meta.db_table)} "
        f"ORDER BY {quote('position')} DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two statements in one round trip. Under READ COMMITTED the second takes its own
            # snapshot after the lock is granted, so it sees the link the previous holder committed.
            cursor.execute(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY:d}); {read_head}")
            cursor.nextset()
        else:
            # SQLite: this transaction already holds the database's one write lock, taken by the
            # history row's own INSERT, so nobody else can extend the chain either.
            cursor.execute(read_head)
        head = cursor.fetchone()
    if not head:
        return 0, GENESIS, None
    return head[0], head[1], _as_datetime(head[2])


def _link_one_row_in_one_statement(
    table: str,
    digest: str,
    row_id: str,
    content_hash: str,
    history_date: datetime.datetime | None,
    history_user_id: int | None,
    salts: str,
    *,
    using: str,
) -> None:
    """PostgreSQL: take the chain's lock and append one link after the head, in one round trip, by the
    database function ``install_chain_functions`` installs (``_append_link_sql``)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {APPEND_LINK_FUNCTION}(%s, %s, %s, %s, %s, %s, %s::jsonb)",
            [
                table,
                row_id,
                digest,
                content_hash,
                connection.ops.adapt_datetimefield_value(history_date),
                history_user_id,
                salts,
            ],
        )


# The chain hash in SQL: the one statement of ``hashing.chain_hash`` in the database (SHA-256 of
# "position:previous:row hash" as UTF-8, as lowercase hex), tested against it. A SQL function of
# one expression, which PostgreSQL inlines into the query calling it.
CHAIN_HASH_FUNCTION = "register_chain_hash"
CHAIN_HASH_SQL = f"""CREATE OR REPLACE FUNCTION {CHAIN_HASH_FUNCTION}(link_position bigint, previous text, row_hash text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $function$
    SELECT encode(sha256(convert_to(link_position::text || ':' || previous || ':' || row_hash, 'UTF8')), 'hex')
$function$"""

# Appending one link as a function rather than as a statement sent each time: PL/pgSQL keeps the
# INSERT's plan for the session, where the statement was planned again on every save (measured
# in-process on the bench's seeded data, p50: 0.27 ms a link as a statement, 0.16 ms through the
# function). The lock is taken
# by a statement of its own before the INSERT: a VOLATILE function's statements each take a fresh
# snapshot under READ COMMITTED, so the INSERT reads the head the lock's previous holder committed.
# The timeline's date is the later of the row's and the head's, as in ``link_history_rows``.
APPEND_LINK_FUNCTION = "register_append_history_link"


def _append_link_sql(quote) -> str:
    links = quote(HistoryLink._meta.db_table)
    position, chain, date = quote("position"), quote("chain_hash"), quote("history_date")
    columns = ", ".join(quote(column) for column in LINK_COLUMNS)
    return f"""CREATE OR REPLACE FUNCTION {APPEND_LINK_FUNCTION}(
    link_table text, link_row_id text, link_field_set text, link_row_hash text,
    link_history_date timestamptz, link_history_user_id bigint, link_salts jsonb
) RETURNS void LANGUAGE plpgsql VOLATILE
AS $function$
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK_KEY:d});
    INSERT INTO {links} ({columns})
    SELECT head.next, link_table, link_row_id, link_field_set, link_row_hash,
           {CHAIN_HASH_FUNCTION}(head.next, head.previous, link_row_hash),
           GREATEST(head.latest, link_history_date), link_history_user_id, link_salts
      FROM (SELECT COALESCE(last.{position}, 0) + 1 AS next, COALESCE(last.{chain}, '{GENESIS}') AS previous,
                   last.{date} AS latest
              FROM (SELECT 1) AS always
              LEFT JOIN LATERAL (SELECT {position}, {chain}, {date} FROM {links}
                                  ORDER BY {position} DESC LIMIT 1) AS last ON true) AS head;
END
$function$"""


def install_chain_functions(using: str = "default", **kwargs) -> None:
    """``post_migrate``: (re)install the chain's two database functions, on PostgreSQL, unless the
    migration went back past the chain's table."""
    connection = connections[using]
    if connection.vendor == "postgresql" and HistoryLink._meta.db_table in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(CHAIN_HASH_SQL)
            cursor.execute(_append_link_sql(connection.ops.quote_name))


def _as_datetime(value) -> datetime.datetime | None:
    """A date read by plain SQL: an aware datetime from PostgreSQL; from SQLite, UTC without a zone
    (as a naive datetime through Django's converter, or as text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _append_links(links: list[tuple], using: str) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in LINK_COLUMNS)
    with connection.cursor() as cursor:
        for batch in batched(links, BATCH):
            values = ", ".join(["(" + ", ".join(["%s"] * len(LINK_COLUMNS)) + ")"] * len(batch))
            cursor.execute(
                f"INSERT INTO {quote(HistoryLink._meta.db_table)} ({columns}) VALUES {values}",
                [value for link in batch for value in _adapted(link, connection)],
            )


def _adapted(link: tuple, connection) -> tuple:
    """The link's values as the database takes them: plain SQL gets no help from the ORM with dates."""
    *rest, history_date, history_user_id, salts = link
    return (*rest, connection.ops.adapt_datetimefield_value(history_date), history_user_id, salts)
