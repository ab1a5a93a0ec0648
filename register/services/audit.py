"""The audit history's hash chain (C4): writing it, verifying it, exporting it, and the daily check.

Every row django-simple-history writes, in any history table, gets a ``HistoryLink`` in the same
transaction: the SHA-256 of the row's content, and a chain hash over that and the link before it.
Rows written one at a time arrive through simple-history's ``post_create_historical_record``
signal; rows written in bulk (``bulk_create_with_history``, ``bulk_update_with_history``) through
``HistoryManager.bulk_history_create``, which sends no signal and is wrapped once, for every
history model, by ``connect()``. Writers take a PostgreSQL advisory transaction lock before they
read the chain's head, so two transactions can never both extend the same head; SQLite serialises
writers itself.

This is the one place in the register where signals and raw SQL are allowed (STYLE.md), and the
raw SQL touches only the chain's own table: it is the evidence about the history, not a record
of the register.
"""

import base64
import datetime
import decimal
import functools
import hashlib
import itertools
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.apps import apps
from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalChanges
from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

from register import selectors
from register.models import HistoryFieldSet, HistoryLink, Post
from register.models.audit import history_models

logger = logging.getLogger(__name__)

GENESIS = "0" * 64  # the "previous hash" of the first link
# Names the chain among PostgreSQL advisory locks: any constant bigint no other code uses.
CHAIN_LOCK_KEY = 0x52_45_47_48_49_53_54  # "REGHIST"
BATCH = 1000
PROBLEMS_KEPT = 100
EXPORT_ROW_KEYS = {"chain_hash", "fields", "position", "prev_hash", "row_hash", "table"}


# --- Hashing -------------------------------------------------------------------------------------


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_json(data: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, ASCII only."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_value(model_field: models.Field, value: Any) -> Any:
    """A field's value as JSON, the same whether it comes from the instance just saved or from the database.

    ``to_python`` first, so that a date given as a string or a flag given as 1 hashes as it reads back.
    """
    if isinstance(value, FieldFile):
        value = value.name
    if value is None:
        return None
    value = model_field.to_python(value)
    if isinstance(model_field, models.JSONField):
        # What the database holds is the encoder's output: hash that, not the objects before encoding.
        return json.loads(json.dumps(value, cls=model_field.encoder))
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value // datetime.timedelta(microseconds=1)
    if isinstance(value, decimal.Decimal):
        places = getattr(model_field, "decimal_places", None)
        return str(value.quantize(decimal.Decimal(1).scaleb(-places)) if places is not None else value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def row_hash(table: str, fields: dict[str, Any]) -> str:
    """The hash of one history row: its table and every hashed column's canonical value (the id among them)."""
    return sha256(canonical_json({"table": table, "fields": fields}))


def chain_hash(position: int, previous: str, row_digest: str) -> str:
    return sha256(f"{position}:{previous}:{row_digest}")


# --- History tables and their field sets ---------------------------------------------------------


@functools.cache
def field_set_of(history_model: type[models.Model]) -> tuple[str, tuple[str, ...]]:
    """(digest, column names) of the columns a new row of ``history_model`` is hashed over: all of them."""
    names = tuple(sorted(f.attname for f in history_model._meta.concrete_fields))
    table = history_model._meta.db_table
    return sha256(f"{table}:{','.join(names)}")[:16], names


@functools.cache
def _fields_by_attname(history_model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in history_model._meta.concrete_fields}


def hashed_fields(history_model, values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The canonical content of one row over the columns ``names``. KeyError names a column that is gone."""
    by_attname = _fields_by_attname(history_model)
    return {name: canonical_value(by_attname[name], values[name]) for name in names}


def record_field_sets(using: str = "default", **kwargs) -> None:
    """Remember every history table's current columns (after each ``migrate``), so that rows hashed
    now still verify after a field is added to their model."""
    connection = connections[using]
    if HistoryFieldSet._meta.db_table not in connection.introspection.table_names():
        return  # migrating backwards past the audit chain
    for model in history_models():
        digest, names = field_set_of(model)
        HistoryFieldSet.objects.using(using).get_or_create(
            digest=digest, defaults={"table": model._meta.db_table, "fields": ",".join(names)}
        )


def _known_field_sets(using: str) -> dict[str, tuple[str, ...]]:
    known = {
        digest: tuple(fields.split(","))
        for digest, fields in HistoryFieldSet.objects.using(using).values_list("digest", "fields")
    }
    # The current columns are known even where no migrate has recorded them (a flushed test database).
    known.update(field_set_of(model) for model in history_models())
    return known


# --- Writing the chain ---------------------------------------------------------------------------


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
    """Append one link per history row (all of one history model) after the chain's current head."""
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
        hashed.append(
            (
                str(row.pk),
                row_hash(table, hashed_fields(history_model, values, names)),
                getattr(row, "history_date", None),
                getattr(row, "history_user_id", None),
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
        for row_id, content_hash, history_date, history_user_id in hashed:
            position += 1
            previous = chain_hash(position, previous, content_hash)
            # The timeline's copy of the date never goes back along the chain (a writer that
            # stamped its row earlier may take the lock later): so a date range is a range of
            # positions, found by two index seeks (register/selectors/audit.py).
            latest = max(history_date, latest) if history_date and latest else (history_date or latest)
            links.append((position, table, row_id, digest, content_hash, previous, latest, history_user_id))
        _append_links(links, using)


# The chain's own table is written and its head read with plain SQL: on every history write the
# ORM's query building cost more than the queries themselves (measured: 200 µs against 40 µs).
LINK_COLUMNS = ("position", "table", "row_id", "field_set", "row_hash", "chain_hash", "history_date", "history_user_id")


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
    *,
    using: str,
) -> None:
    """PostgreSQL: take the chain's lock, then append one link after the head, computing its chain
    hash in the database exactly as ``chain_hash`` does (SHA-256 of "position:previous:row hash",
    as lowercase hex), in one round trip. As in ``_lock_chain_and_read_head``, the INSERT takes its
    snapshot after the lock is granted, so it reads the head the previous holder committed. The
    timeline's date is the later of the row's and the head's, as in ``link_history_rows``."""
    connection = connections[using]
    quote = connection.ops.quote_name
    link_table = quote(HistoryLink._meta.db_table)
    position, chain, date = quote("position"), quote("chain_hash"), quote("history_date")
    columns = ", ".join(quote(column) for column in LINK_COLUMNS)
    statement = (
        f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY:d}); "
        f"INSERT INTO {link_table} ({columns}) "
        f"SELECT head.next, %s, %s, %s, %s, "
        f"encode(sha256(convert_to(head.next::text || ':' || head.previous || ':' || %s, 'UTF8')), 'hex'), "
        f"GREATEST(head.latest, %s::timestamptz), %s "
        f"FROM (SELECT COALESCE(last.{position}, 0) + 1 AS next, COALESCE(last.{chain}, %s) AS previous, "
        f"last.{date} AS latest "
        f"FROM (SELECT 1) AS always LEFT JOIN LATERAL (SELECT {position}, {chain}, {date} FROM {link_table} "
        f"ORDER BY {position} DESC LIMIT 1) AS last ON true) AS head"
    )
    parameters = [
        table,
        row_id,
        digest,
        content_hash,
        content_hash,
        connection.ops.adapt_datetimefield_value(history_date),
        history_user_id,
        GENESIS,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)


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
        for batch in _batched(links, BATCH):
            values = ", ".join(["(" + ", ".join(["%s"] * len(LINK_COLUMNS)) + ")"] * len(batch))
            cursor.execute(
                f"INSERT INTO {quote(HistoryLink._meta.db_table)} ({columns}) VALUES {values}",
                [value for link in batch for value in _adapted(link, connection)],
            )


def _adapted(link: tuple, connection) -> tuple:
    """The link's values as the database takes them: plain SQL gets no help from the ORM with dates."""
    *rest, history_date, history_user_id = link
    return (*rest, connection.ops.adapt_datetimefield_value(history_date), history_user_id)


# --- Verifying the chain in the database ---------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing found wrong, located by chain position and/or table and row."""

    kind: str  # edited, removed, inserted, link, rewritten, export
    message: str
    position: int | None = None
    table: str = ""
    row_id: str = ""

    def __str__(self):
        return self.message


@dataclass
class Verification:
    rows: int = 0
    head_position: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)


def verify_history(*, heads: Iterable[str] = (), using: str = "default") -> Verification:
    """Walk the chain: every link follows from the one before, every linked row still hashes as it did,
    no history row is without a link, and every head published earlier is still in the chain."""
    result = Verification()
    models_by_table = {model._meta.db_table: model for model in history_models()}
    field_sets = _known_field_sets(using)
    linked: dict[str, set[str]] = defaultdict(set)
    links = (
        HistoryLink.objects.using(using)
        .order_by("position")
        .values_list("position", "table", "row_id", "field_set", "row_hash", "chain_hash")
        .iterator(chunk_size=BATCH)
    )
    previous, expected = GENESIS, 1
    for chunk in _batched(links, BATCH):
        rows = _rows_by_id(chunk, models_by_table, using)
        for position, table, row_id, digest, stored_row_hash, stored_chain_hash in chunk:
            where = f"position {position} ({table} row {row_id})"
            if position != expected:
                result.add(
                    Problem(
                        "link",
                        f"Links at positions {expected} to {position - 1} are missing: "
                        "history was removed from the chain.",
                        position=expected,
                    )
                )
            if chain_hash(position, previous, stored_row_hash) != stored_chain_hash:
                result.add(
                    Problem(
                        "link",
                        f"The link at {where} was altered: its chain hash does not follow from the link before it.",
                        position,
                        table,
                        row_id,
                    )
                )
            linked[table].add(row_id)
            values = rows.get((table, row_id))
            if values is None:
                result.add(
                    Problem(
                        "removed",
                        f"The history row at {where} was removed outside the register.",
                        position,
                        table,
                        row_id,
                    )
                )
            elif _content_hash(models_by_table[table], values, field_sets.get(digest)) != stored_row_hash:
                result.add(
                    Problem(
                        "edited",
                        f"The history row at {where} was edited outside the register: "
                        "its content no longer matches its hash.",
                        position,
                        table,
                        row_id,
                    )
                )
            previous, expected = stored_chain_hash, position + 1
            result.rows += 1
            result.head_position, result.head_hash = position, stored_chain_hash
    _find_unlinked_rows(result, models_by_table, linked, using)
    for head in heads:
        if not HistoryLink.objects.using(using).filter(chain_hash=head.strip().lower()).exists():
            result.add(
                Problem(
                    "rewritten",
                    f"The head {head} published earlier is no longer in the chain: "
                    "the history up to it has been rewritten.",
                )
            )
    return result


def _content_hash(history_model, values: dict[str, Any], names: tuple[str, ...] | None) -> str | None:
    if names is None or history_model is None:
        return None
    try:
        return row_hash(history_model._meta.db_table, hashed_fields(history_model, values, names))
    except KeyError:  # a column the row was hashed over no longer exists
        return None


def _rows_by_id(chunk, models_by_table, using) -> dict[tuple[str, str], dict[str, Any]]:
    """The current values of the rows one batch of links points at, keyed by (table, row id)."""
    wanted = defaultdict(list)
    for _, table, row_id, *_ in chunk:
        wanted[table].append(row_id)
    rows = {}
    for table, ids in wanted.items():
        model = models_by_table.get(table)
        if model is None:
            continue  # a table that no longer exists: its rows are reported removed
        names = list(_fields_by_attname(model))
        for values in model._default_manager.using(using).filter(pk__in=ids).values(*names):
            rows[(table, str(values[model._meta.pk.attname]))] = values
    return rows


def _find_unlinked_rows(result, models_by_table, linked, using) -> None:
    for table, model in models_by_table.items():
        unlinked = [
            str(pk)
            for pk in model._default_manager.using(using).order_by("pk").values_list("pk", flat=True).iterator()
            if str(pk) not in linked[table]
        ]
        if not unlinked:
            continue
        # A row committed after the walk began is linked by now, after the head the walk reached.
        newer = set(
            HistoryLink.objects.using(using)
            .filter(table=table, row_id__in=unlinked, position__gt=result.head_position)
            .values_list("row_id", flat=True)
        )
        for row_id in unlinked:
            if row_id not in newer:
                result.add(
                    Problem(
                        "inserted",
                        f"The history row {table} {row_id} was inserted outside the register: "
                        "it has no link in the chain.",
                        table=table,
                        row_id=row_id,
                    )
                )


def _batched(iterable, size) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# --- Export, and verifying an export without the database ----------------------------------------


@dataclass(frozen=True)
class ExportFilter:
    tables: frozenset[str] = frozenset()  # empty: every history table
    since: datetime.date | None = None
    until: datetime.date | None = None

    @property
    def complete(self) -> bool:
        return not (self.tables or self.since or self.until)

    def describe(self) -> dict[str, Any]:
        return {
            "tables": sorted(self.tables),
            "since": self.since and self.since.isoformat(),
            "until": self.until and self.until.isoformat(),
        }


def history_model_for(label: str) -> type[models.Model]:
    """The history model of ``label`` ("register.Person"), or the history model named ("register.HistoricalPerson")."""
    model = apps.get_model(label)
    if issubclass(model, HistoricalChanges):
        return model
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    if attribute is None:
        raise LookupError(f"{label} has no history.")
    return getattr(model, attribute).model


def export_history(out: TextIO, *, selection: ExportFilter = ExportFilter(), using: str = "default") -> dict[str, Any]:
    """Write the history (or the part ``selection`` picks) as JSON Lines, in chain order.

    Each line is one history row: its position, table, canonical content and the hashes that chain
    it (row_hash, prev_hash, chain_hash), so that ``verify_export`` can check it with no database.
    A closing line says what was exported and the chain's head at the time.
    """
    models_by_table = {model._meta.db_table: model for model in history_models()}
    field_sets = _known_field_sets(using)
    links = (
        HistoryLink.objects.using(using)
        .order_by("position")
        .values_list("position", "table", "row_id", "field_set", "row_hash", "chain_hash")
        .iterator(chunk_size=BATCH)
    )
    previous, head, exported, first, last = GENESIS, (0, GENESIS), 0, None, None
    for chunk in _batched(links, BATCH):
        rows = _rows_by_id(_selected(chunk, selection), models_by_table, using)
        rows = {key: values for key, values in rows.items() if _in_dates(models_by_table[key[0]], values, selection)}
        for position, table, row_id, digest, stored_row_hash, stored_chain_hash in chunk:
            values = rows.get((table, row_id))
            if values is not None:
                names = field_sets.get(digest, ())
                fields = {
                    name: canonical_value(_fields_by_attname(models_by_table[table])[name], values.get(name))
                    for name in names
                }
                out.write(
                    canonical_json(
                        {
                            "position": position,
                            "table": table,
                            "fields": fields,
                            "row_hash": stored_row_hash,
                            "prev_hash": previous,
                            "chain_hash": stored_chain_hash,
                        }
                    )
                    + "\n"
                )
                exported += 1
                first, last = first or position, position
            previous, head = stored_chain_hash, (position, stored_chain_hash)
    summary = {
        "register": settings.COUNCIL_NAME,
        "exported_at": timezone.now().isoformat(),
        "filter": selection.describe(),
        "complete": selection.complete,
        "rows": exported,
        "first_position": first,
        "last_position": last,
        "chain_head": {"position": head[0], "hash": head[1]},
    }
    out.write(canonical_json({"export": summary, "export_hash": sha256(canonical_json(summary))}) + "\n")
    return summary


def _selected(chunk, selection: ExportFilter):
    return [link for link in chunk if not selection.tables or link[1] in selection.tables]


def _in_dates(history_model, values, selection: ExportFilter) -> bool:
    if not (selection.since or selection.until):
        return True
    when = values.get("history_date")
    if when is None:  # a many-to-many history row: dated by the row it belongs to, which the filter decides
        return True
    day = timezone.localtime(when).date()
    return (selection.since is None or day >= selection.since) and (selection.until is None or day <= selection.until)


def verify_export(lines: Iterable[bytes], *, heads: Iterable[str] = ()) -> Verification:
    """Verify an export on its own: every line exactly as the register wrote it, every row's content
    matching its hash, every link following from the one before, and the closing line's count."""
    result = Verification()
    previous_position, previous_chain, positions_contiguous, summary = None, None, True, None
    chain_hashes = set()
    for number, raw in enumerate(lines, start=1):
        entry = _parse_export_line(number, raw, result)
        if entry is None:
            continue
        if summary is not None:
            result.add(Problem("export", f"Line {number} comes after the closing line."))
        if "export" in entry:
            summary = entry.get("export")
            if entry.get("export_hash") != sha256(canonical_json(summary)):
                result.add(Problem("export", f"The closing line (line {number}) was altered."))
            continue
        if not _is_export_row(entry):
            result.add(Problem("export", f"Line {number} is not a history row of an export."))
            continue
        position, table, fields = entry["position"], entry["table"], entry["fields"]
        where = f"line {number}, position {position} ({table} row {_row_id(fields)})"
        if row_hash(table, fields) != entry["row_hash"]:
            result.add(
                Problem(
                    "edited",
                    f"The history row at {where} was changed: its content no longer matches its hash.",
                    position,
                    table,
                    _row_id(fields),
                )
            )
        if chain_hash(position, entry["prev_hash"], entry["row_hash"]) != entry["chain_hash"]:
            result.add(Problem("link", f"The link at {where} was altered: its chain hash does not follow.", position))
        if previous_position is None:
            positions_contiguous = position == 1 and entry["prev_hash"] == GENESIS
        elif position <= previous_position:
            result.add(Problem("link", f"The rows at {where} are out of order.", position))
        elif position == previous_position + 1:
            if entry["prev_hash"] != previous_chain:
                result.add(Problem("link", f"The row at {where} does not follow the row before it.", position))
        else:
            positions_contiguous = False
        previous_position, previous_chain = position, entry["chain_hash"]
        chain_hashes.add(entry["chain_hash"])
        result.rows += 1
        result.head_position, result.head_hash = position, entry["chain_hash"]
    _check_export_summary(result, summary, positions_contiguous)
    for head in heads:
        if head.strip().lower() not in chain_hashes:
            result.add(
                Problem(
                    "rewritten",
                    f"The head {head} published earlier is not in this export: the history "
                    "up to it has been rewritten (or lies outside the part exported).",
                )
            )
    return result


def _parse_export_line(number: int, raw: bytes, result: Verification) -> dict | None:
    try:
        text = raw.decode("ascii")
        if not text.endswith("\n"):
            raise ValueError("no line end")
        entry = json.loads(text)
    except ValueError:
        result.add(Problem("export", f"Line {number} is not a line the register wrote: it was changed or cut short."))
        return None
    if not isinstance(entry, dict) or canonical_json(entry) + "\n" != text:
        result.add(Problem("export", f"Line {number} was changed: it is not byte for byte what the register wrote."))
        return None
    return entry


def _is_export_row(entry: dict) -> bool:
    return (
        set(entry) == EXPORT_ROW_KEYS
        and isinstance(entry["position"], int)
        and isinstance(entry["fields"], dict)
        and all(isinstance(entry[key], str) for key in ("table", "row_hash", "prev_hash", "chain_hash"))
    )


def _check_export_summary(result: Verification, summary: dict | None, positions_contiguous: bool) -> None:
    if not isinstance(summary, dict):
        result.add(Problem("export", "The closing line is missing: the export is incomplete or was cut short."))
        return
    if summary.get("rows") != result.rows:
        result.add(Problem("export", f"The export says it holds {summary.get('rows')} rows but holds {result.rows}."))
    if summary.get("complete"):
        head = summary.get("chain_head") or {}
        if not positions_contiguous or head.get("hash") != result.head_hash:
            result.add(Problem("export", "The export says it is the whole history, but rows are missing from it."))


def _row_id(fields: dict) -> str:
    return str(fields.get("history_id", fields.get("m2m_history_id", "?")))


# --- The daily check -----------------------------------------------------------------------------


def history_daily_check(*, on: datetime.date | None = None) -> Verification:
    """Verify the chain; send the Monitoring Officer and the auditors the day's head hash, or tell
    them at once that verification failed (C4). The heads they keep are what catches a rewrite of
    the whole chain later."""
    from register.services.notifications import notify

    day = on or selectors.today()
    result = verify_history()
    recipients = _monitoring_officer_and_auditors(day)
    if not recipients:
        logger.warning(
            "Nobody holds the Monitoring Officer's or an auditor's post on %s to receive the history check", day
        )
    context = {
        "day": day,
        "council_name": settings.COUNCIL_NAME,
        "verification": result,
        "problems": result.problems[:10],
    }
    with transaction.atomic():
        if result.ok:
            notify(
                cause=f"history-head:{day.isoformat()}",
                kind="history-head",
                recipients=recipients,
                about=None,
                actor=None,
                context=context,
            )
        else:
            failure = sha256("|".join(p.message for p in result.problems))[:12]
            notify(
                cause=f"history-check-failed:{day.isoformat()}:{failure}",
                kind="history-check-failed",
                recipients=recipients,
                about=None,
                actor=None,
                context=context,
            )
    return result


def _monitoring_officer_and_auditors(day: datetime.date) -> list:
    people = [selectors.holder_of(Post.Role.MONITORING_OFFICER, day)]
    people += [holding.person for holding in selectors.holdings_on(Post.Role.AUDITOR, day)]
    return [person for person in people if person is not None]
