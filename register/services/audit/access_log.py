"""The access log (issue 20, item 6): one entry for each time a person opens a sensitive record (a
relationship declaration, a concern, a complaint), appended by the page or endpoint that showed it.

An entry's position is given by the database in the statement that writes it (gap-free), under an
advisory lock of the access log's own, never the history chain's: reads are GETs in autocommit mode,
so the lock is held for that one statement and a read never queues behind a write of history. The
entry's leaf hash (RFC 6962) commits to each of its fields, but the position, through a salted digest,
as a history leaf does, so that a reader's name can later be erased without breaking a checkpoint.

Like the chain (``chain.py``), the log's own table is written with plain SQL: the position must be
read and used in one statement, which the ORM cannot say.
"""

import uuid
from typing import Any

from django.db import connections, router

from register.models import AccessLogEntry, Person
from register.selectors import clock
from register.services.audit.hashing import canonical_value, leaf_of, new_salts

# Names the access log among PostgreSQL advisory locks: not the chain's (chain.CHAIN_LOCK_KEY).
ACCESS_LOG_LOCK_KEY = 0x52_45_47_52_45_41_44  # "REGREAD"

TABLE = AccessLogEntry._meta.db_table
# The fields a leaf commits to, each with its own salt: every column but the position (given by the
# database, and the leaf's place in the tree) and the salts and leaf hash themselves.
HASHED_FIELDS = ("id", "read_at", "reader_id", "record_kind", "record_id", "via")
COLUMNS = ("id", "position", "read_at", "reader_id", "record_kind", "record_id", "via", "salts", "leaf_hash")

# The sensitive records whose reads are logged, by their models' names.
RECORD_KINDS = ("declaration", "concern", "complaint")


def record_kind_of(model: type) -> str | None:
    """The access log's kind of record for a model whose reads are logged; None for any other."""
    name = model._meta.model_name
    return name if name in RECORD_KINDS else None


def canonical_values(entry: AccessLogEntry) -> dict[str, Any]:
    """The entry's hashed fields as their canonical JSON values (as a history row's are)."""
    by_attname = {field.attname: field for field in AccessLogEntry._meta.concrete_fields}
    return {name: canonical_value(by_attname[name], getattr(entry, name)) for name in HASHED_FIELDS}


def entry_leaf_hash(entry: AccessLogEntry) -> str:
    """The entry's RFC 6962 leaf hash (hex), from its fields and their salts, as a history row's is; for a
    field erased under the retention schedule (issue 21), the digest kept in its place."""
    return leaf_of(TABLE, str(entry.id), canonical_values(entry), entry.salts, entry.erased)


def record_read(*, reader: Person | None, record_kind: str, record_id: int | str, via: str) -> AccessLogEntry:
    """Append one entry: ``reader`` opened the ``record_kind`` numbered ``record_id`` through ``via``
    (a page, "page declarations:detail", or an endpoint, "api GET /api/declarations/{id}/"), now.
    Call it once the record was found visible to them: a "not found" is not a read. One query."""
    if record_kind not in RECORD_KINDS:
        raise ValueError(f"Reads of {record_kind!r} records are not logged: only of {', '.join(RECORD_KINDS)}.")
    entry = AccessLogEntry(
        id=uuid.uuid4(),
        read_at=clock.now(),
        reader_id=reader.pk if reader is not None else None,
        record_kind=record_kind,
        record_id=str(record_id),
        via=via,
        salts=new_salts(HASHED_FIELDS),
    )
    entry.leaf_hash = entry_leaf_hash(entry)
    entry.position = _append(entry)
    entry._state.adding = False
    return entry


def _append(entry: AccessLogEntry) -> int:
    """Write the entry after the log's last position, in one statement (one round trip), and return
    its position. On PostgreSQL the log's lock is taken first, in the same implicit transaction, and
    the INSERT takes its snapshot after the lock is granted, so it reads the position the previous
    holder committed. SQLite serialises writers itself."""
    using = router.db_for_write(AccessLogEntry)
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = {field.attname: field for field in AccessLogEntry._meta.concrete_fields}
    given = [name for name in COLUMNS if name != "position"]
    values = [fields[name].get_db_prep_save(getattr(entry, name), connection) for name in given]
    columns = ", ".join(quote(name) for name in COLUMNS)
    # The position goes second, after the id, as in COLUMNS: the last one's, plus one.
    statement = (
        f"INSERT INTO {quote(TABLE)} ({columns}) "
        f"SELECT %s, COALESCE(MAX({quote('position')}), 0) + 1, {', '.join('%s' for _ in given[1:])} "
        f"FROM {quote(TABLE)} RETURNING {quote('position')}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT pg_advisory_xact_lock({ACCESS_LOG_LOCK_KEY:d}); {statement}", values)
            cursor.nextset()
        else:
            cursor.execute(statement, values)
        return cursor.fetchone()[0]
