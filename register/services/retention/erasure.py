"""Erasing one value from one row of history, or from one access log entry, under the retention schedule
(issue 21), keeping the history provable (docs/audit.md, "A Merkle tree with salted leaves").

Each history row's Merkle leaf commits to each field through SHA-256 of [name, salt, value]; erasing a
value blanks it, drops its salt and keeps that digest in its place (``HistoryLink.erased``,
``AccessLogEntry.erased``), so the leaf, every proof and every checkpoint still verify. On PostgreSQL
the history and the access log are append-only for the application's role: the two SECURITY DEFINER
functions of ``register/services/audit/database_roles.py`` do it. SQLite (``make run``) has no roles
or functions: the same steps are taken here, in Python.
"""

from django.db import connection, models

from register import retention, transparency
from register.models import AccessLogEntry, HistoryLink
from register.services.audit import database_roles
from register.services.audit.hashing import canonical_value, fields_by_attname


class ErasureRefused(Exception):
    """The history row cannot have the value erased (no salt for it: linked before the tree began)."""


def blank_of(field: models.Field):
    """What an erased value becomes: empty for a nullable column, else the empty text."""
    return None if field.null else ""


def erased_live_value(field: models.Field):
    """What an erased field of a live record becomes: empty for a nullable column; else the words
    ``retention.ERASED`` where they fit (pages then say so, and a required field stays filled in), or the
    empty text. The history rows' earlier values are blanked by the erasure function."""
    if field.null:
        return None
    limit = getattr(field, "max_length", None)
    return retention.ERASED if limit is None or len(retention.ERASED) <= limit else ""


def is_blank(value) -> bool:
    return value is None or value == ""


def digest_of(field: models.Field, salt: str, value) -> str:
    """The field's salted digest, exactly as the row's leaf committed to it."""
    return transparency.field_digest(field.attname, salt, canonical_value(field, value))


def erase_history_value(history_row: models.Model, link: HistoryLink, attname: str) -> bool:
    """Erase one value of one history row (its link given). False when there was nothing to erase."""
    field = fields_by_attname(type(history_row))[attname]
    value = getattr(history_row, attname)
    salts = link.salts or {}
    if attname in (link.erased or {}):
        return False
    if attname not in salts:
        raise ErasureRefused(
            f"The history row {link.table} {link.row_id} has no salt for {attname}: it was written before the "
            "history's Merkle tree began."
        )
    digest = digest_of(field, salts[attname], value)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {database_roles.ERASE_FUNCTION}(%s, %s, %s, %s)",
                [link.table, str(link.row_id), attname, digest],
            )
    else:
        type(history_row)._default_manager.filter(pk=history_row.pk).update(**{attname: blank_of(field)})
        erased = {**(link.erased or {}), attname: digest}
        HistoryLink.objects.filter(position=link.position).update(
            salts={name: salt for name, salt in salts.items() if name != attname}, erased=erased
        )
    link.salts = {name: salt for name, salt in salts.items() if name != attname}
    link.erased = {**(link.erased or {}), attname: digest}
    setattr(history_row, attname, blank_of(field))
    return True


def erase_access_log_value(entry: AccessLogEntry, attname: str) -> bool:
    """Erase one field of one access log entry (the reader), keeping its digest. False when already done."""
    field = {f.attname: f for f in AccessLogEntry._meta.concrete_fields}[attname]
    salts = entry.salts or {}
    if attname in (entry.erased or {}):
        return False
    if attname not in salts:
        raise ErasureRefused(f"The access log entry {entry.pk} has no salt for {attname}.")
    digest = digest_of(field, salts[attname], getattr(entry, attname))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {database_roles.ERASE_ACCESS_FUNCTION}(%s, %s, %s)", [str(entry.pk), attname, digest]
            )
    else:
        AccessLogEntry.objects.filter(pk=entry.pk).update(
            **{attname: blank_of(field)},
            salts={name: salt for name, salt in salts.items() if name != attname},
            erased={**(entry.erased or {}), attname: digest},
        )
    entry.salts = {name: salt for name, salt in salts.items() if name != attname}
    entry.erased = {**(entry.erased or {}), attname: digest}
    setattr(entry, attname, blank_of(field))
    return True
