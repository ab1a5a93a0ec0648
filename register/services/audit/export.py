"""Exporting the audit history as JSON Lines (C4), and verifying such an export on its own, without the database."""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalChanges

from register.models import HistoryLink
from register.models.audit import history_models
from register.services.audit.hashing import (
    BATCH,
    GENESIS,
    batched,
    canonical_json,
    canonical_value,
    chain_hash,
    fields_by_attname,
    known_field_sets,
    leaf_of,
    row_hash,
    sha256,
)
from register.services.audit.verification import Problem, Verification, rows_by_id

EXPORT_ROW_KEYS = {"chain_hash", "fields", "position", "prev_hash", "row_hash", "table"}
# A row after the tree's start (issue 20) also carries each field's salt, and the digests kept for
# values erased under a retention rule: its row hash is then its Merkle leaf.
LEAF_ROW_KEYS = EXPORT_ROW_KEYS | {"salts", "erased"}


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
    field_sets = known_field_sets(using)
    links = (
        HistoryLink.objects.using(using)
        .order_by("position")
        .values_list("position", "table", "row_id", "field_set", "row_hash", "chain_hash", "salts", "erased")
        .iterator(chunk_size=BATCH)
    )
    previous, head, exported, first, last = GENESIS, (0, GENESIS), 0, None, None
    for chunk in batched(links, BATCH):
        rows = rows_by_id(_selected(chunk, selection), models_by_table, using)
        rows = {key: values for key, values in rows.items() if _in_dates(models_by_table[key[0]], values, selection)}
        for position, table, row_id, digest, stored_row_hash, stored_chain_hash, salts, erased in chunk:
            values = rows.get((table, row_id))
            if values is not None:
                names = salts.keys() if salts is not None else field_sets.get(digest, ())
                fields = {
                    name: canonical_value(fields_by_attname(models_by_table[table])[name], values.get(name))
                    for name in names
                    if name not in (erased or {})
                }
                line = {
                    "position": position,
                    "table": table,
                    "fields": fields,
                    "row_hash": stored_row_hash,
                    "prev_hash": previous,
                    "chain_hash": stored_chain_hash,
                }
                if salts is not None:
                    line["salts"], line["erased"] = salts, erased or {}
                out.write(canonical_json(line) + "\n")
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
        if _content_hash(entry) != entry["row_hash"]:
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


def _content_hash(entry: dict) -> str | None:
    """What an exported row hashes to: its Merkle leaf after the tree's start, else its content hash."""
    if "salts" not in entry:
        return row_hash(entry["table"], entry["fields"])
    salts, erased, fields = entry["salts"], entry["erased"], entry["fields"]
    if set(salts) != set(fields) or not all(isinstance(salt, str) for salt in salts.values()):
        return None
    return leaf_of(entry["table"], _row_id(fields), fields, salts, erased)


def _is_export_row(entry: dict) -> bool:
    return (
        set(entry) in (EXPORT_ROW_KEYS, LEAF_ROW_KEYS)
        and isinstance(entry.get("salts", {}), dict)
        and isinstance(entry.get("erased", {}), dict)
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
