"""How a history row and a link of the chain (C4) are hashed, over which columns of each history table."""

import base64
import datetime
import decimal
import functools
import hashlib
import itertools
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connections, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from register import transparency
from register.models import HistoryFieldSet, HistoryTreeStart
from register.models.audit import history_models

GENESIS = "0" * 64  # the "previous hash" of the first link
BATCH = 1000


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The one serialisation that is hashed (sorted keys, no spaces, ASCII only): the stand-alone checker's.
canonical_json = transparency.canonical_json
SALT_BYTES = 16


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


def new_salts(names: Iterable[str]) -> dict[str, str]:
    """A fresh random salt for each field of one row (issue 20): never reused, never derived."""
    names = list(names)
    pool = os.urandom(SALT_BYTES * len(names)).hex()
    width = 2 * SALT_BYTES
    return {name: pool[i * width : (i + 1) * width] for i, name in enumerate(names)}


def leaf_of(table: str, row_id: str, fields: dict[str, Any], salts: dict[str, str], erased: dict | None) -> str:
    """The Merkle leaf hash (hex) of one row: each field's salted digest, and for a value erased under a
    retention rule the digest kept in its place. ``fields`` are canonical values."""
    digests = {name: transparency.field_digest(name, salt, fields[name]) for name, salt in salts.items()}
    digests.update(erased or {})
    return transparency.leaf_hash(transparency.record_leaf_input(table, str(row_id), digests)).hex()


def row_leaf(history_model, row_id: str, values: dict[str, Any], salts: dict, erased: dict | None) -> str | None:
    """The leaf a stored row hashes to now, or None when a salted column no longer exists."""
    by_attname = fields_by_attname(history_model)
    try:
        fields = {name: canonical_value(by_attname[name], values[name]) for name in salts}
    except KeyError:
        return None
    return leaf_of(history_model._meta.db_table, row_id, fields, salts, erased)


def boundary_leaf(position: int, chain_head: str) -> str:
    return transparency.leaf_hash(transparency.boundary_leaf_input(position, chain_head)).hex()


def tree_start(using: str = "default") -> tuple[int, str]:
    """(position, chain hash) where the history's Merkle tree begins: links after it carry leaves.
    A register whose start row is missing (a new database flushed by the tests) starts at 0."""
    start = HistoryTreeStart.objects.using(using).order_by("position").first()
    return (start.position, start.chain_hash) if start else (0, GENESIS)


@functools.cache
def field_set_of(history_model: type[models.Model]) -> tuple[str, tuple[str, ...]]:
    """(digest, column names) of the columns a new row of ``history_model`` is hashed over: all of them."""
    names = tuple(sorted(f.attname for f in history_model._meta.concrete_fields))
    table = history_model._meta.db_table
    return sha256(f"{table}:{','.join(names)}")[:16], names


@functools.cache
def fields_by_attname(history_model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in history_model._meta.concrete_fields}


def hashed_fields(history_model, values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The canonical content of one row over the columns ``names``. KeyError names a column that is gone."""
    by_attname = fields_by_attname(history_model)
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


def known_field_sets(using: str) -> dict[str, tuple[str, ...]]:
    known = {
        digest: tuple(fields.split(","))
        for digest, fields in HistoryFieldSet.objects.using(using).values_list("digest", "fields")
    }
    # The current columns are known even where no migrate has recorded them (a flushed test database).
    known.update(field_set_of(model) for model in history_models())
    return known


def batched(iterable, size) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
