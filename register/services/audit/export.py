"""Exporting the audit history as JSON Lines (C4), and verifying such an export on its own, without the database."""

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalChanges

from register import transparency
from register.models import Checkpoint, HistoryLink, TransparencyLog
from register.models.audit import history_models
from register.services.audit import checkpoints, tree
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
    tree_start,
)
from register.services.audit.verification import Problem, Verification, rows_by_id

EXPORT_ROW_KEYS = {"chain_hash", "fields", "position", "prev_hash", "row_hash", "table"}
# A row after the tree's start (issue 20) also carries each field's salt, and the digests kept for
# values erased under a retention rule: its row hash is then its Merkle leaf.
LEAF_ROW_KEYS = EXPORT_ROW_KEYS | {"salts", "erased"}
# ... and, when a checkpoint covers it, its inclusion proof against the checkpoint in the closing line:
# with that checkpoint, each such row is a proof the stand-alone checker could check on its own.
PROOF_ROW_KEYS = LEAF_ROW_KEYS | {"leaf_index", "tree_size", "path"}
HEX_HASH = re.compile(r"[0-9a-f]{64}")


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
    checkpoint, signed_now = _checkpoint_for_export(using)
    start, _ = tree_start(using)
    links = HistoryLink.objects.using(using)
    if signed_now:  # the export is the history as the checkpoint just signed holds it
        links = links.filter(position__lte=start + checkpoint.tree_size - 1)
    links = (
        links.order_by("position")
        .values_list("position", "table", "row_id", "field_set", "row_hash", "chain_hash", "salts", "erased")
        .iterator(chunk_size=BATCH)
    )
    previous, head, exported, first, last = GENESIS, (0, GENESIS), 0, None, None
    for chunk in batched(links, BATCH):
        rows = rows_by_id(_selected(chunk, selection), models_by_table, using)
        rows = {key: values for key, values in rows.items() if _in_dates(models_by_table[key[0]], values, selection)}
        paths = _inclusion_paths(chunk, rows, start, checkpoint, using)
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
                if position in paths:
                    line["leaf_index"], line["tree_size"] = position - start, checkpoint.tree_size
                    line["path"] = paths[position]
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
        # The signed checkpoint the rows' inclusion proofs lead to (issue 20); null when none could be had.
        "checkpoint": checkpoint.note if checkpoint else None,
    }
    out.write(canonical_json({"export": summary, "export_hash": sha256(canonical_json(summary))}) + "\n")
    return summary


def _checkpoint_for_export(using: str) -> tuple[Checkpoint | None, bool]:
    """A checkpoint covering the history now, signed for the export (or the latest, when the log has not
    grown), and whether it was; without a signing key, the latest checkpoint there is, if any."""
    if using == "default":
        try:
            signed = checkpoints.sign_checkpoint(log=TransparencyLog.HISTORY, reason="for an export of the history")
            return signed, signed is not None
        except ImproperlyConfigured:
            pass
    latest = Checkpoint.objects.using(using).filter(log=TransparencyLog.HISTORY).order_by("-tree_size").first()
    return latest, False


def _inclusion_paths(chunk, rows, start: int, checkpoint: Checkpoint | None, using: str) -> dict[int, list[str]]:
    """The inclusion paths (hex) of the batch's exported leaf rows the checkpoint covers, by position:
    the same few queries for the whole batch."""
    if checkpoint is None:
        return {}
    wanted = [
        position
        for position, table, row_id, _, _, _, salts, _ in chunk
        if salts is not None and (table, row_id) in rows and 0 < position - start < checkpoint.tree_size
    ]
    found = tree.inclusion_proofs(TransparencyLog.HISTORY, [p - start for p in wanted], checkpoint.tree_size, using)
    return {start + index: [value.hex() for value in path] for index, path in found.items()}


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


@dataclass
class ExportVerification(Verification):
    """A verification of an export, and what it found of the inclusion proofs its rows carry (issue 20)."""

    proofs: int = 0  # rows whose inclusion proof leads to the closing line's checkpoint
    checkpoint_size: int | None = None
    checkpoint_signed_by: str = ""  # the key whose signature was checked; empty when none was
    roots: set = field(default_factory=set)  # (tree size, root) each row's proof leads to
    starts: set = field(default_factory=set)  # position - leaf index of each proved row: the tree's start
    first_unproved: int | None = None  # the first leaf-format row's position that carries no proof

    @property
    def checkpoint_note(self) -> str:
        """What was and was not checked of the checkpoint, in words."""
        if self.checkpoint_size is None:
            return "The export carries no checkpoint, so no inclusion proof."
        proved = f"{self.proofs} rows are proved to be entries of the checkpoint at {self.checkpoint_size} entries"
        if self.checkpoint_signed_by:
            return f"{proved}, whose signature by {self.checkpoint_signed_by} verifies."
        return f"{proved}; its signature was not checked (give the register's public key to check it)."


def verify_export(
    lines: Iterable[bytes],
    *,
    heads: Iterable[str] = (),
    keys: Iterable[transparency.VerifierKey] | None = None,
    origin: str | None = None,
) -> ExportVerification:
    """Verify an export on its own: every line exactly as the register wrote it, every row's content
    matching its hash, every link following from the one before, and the closing line's count.

    Rows carrying an inclusion proof must lead to the closing line's checkpoint; that checkpoint's
    signature is checked with ``keys`` (the register's public keys, and ``origin`` if given), or, with
    none given, left unchecked and ``checkpoint_note`` says so."""
    result = ExportVerification()
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
        if "leaf_index" in entry:
            _follow_proof(result, entry, where)
        elif "salts" in entry and result.first_unproved is None:
            result.first_unproved = position
        chain_hashes.add(entry["chain_hash"])
        result.rows += 1
        result.head_position, result.head_hash = position, entry["chain_hash"]
    _check_export_summary(result, summary, positions_contiguous)
    _check_export_checkpoint(result, summary, keys, origin)
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


def _follow_proof(result: ExportVerification, entry: dict, where: str) -> None:
    """The root the row's inclusion proof leads to, kept to compare with the checkpoint at the end."""
    try:
        if not all(isinstance(value, str) and HEX_HASH.fullmatch(value) for value in entry["path"]):
            raise ValueError("its path is not a list of SHA-256 hashes in hexadecimal")
        path = [bytes.fromhex(value) for value in entry["path"]]
        root = transparency.root_from_inclusion(
            entry["leaf_index"], entry["tree_size"], bytes.fromhex(entry["row_hash"]), path
        )
    except (transparency.ProofError, ValueError) as error:
        result.add(Problem("proof", f"The inclusion proof at {where} is broken: {error}", entry["position"]))
        return
    result.roots.add((entry["tree_size"], root))
    result.starts.add(entry["position"] - entry["leaf_index"])
    result.proofs += 1


def _check_export_checkpoint(result: ExportVerification, summary, keys, origin) -> None:
    """Every row's proof leads to the closing line's checkpoint, whose signature verifies if keys are given."""
    note = summary.get("checkpoint") if isinstance(summary, dict) else None
    if note is None:
        if result.roots:
            result.add(Problem("proof", "Rows carry inclusion proofs but the closing line has no checkpoint."))
        return
    try:
        if keys is None:
            body = transparency.parse_checkpoint(str(note).split("\n\n", 1)[0] + "\n")
        else:
            text, key = transparency.open_note(str(note), keys)
            body = transparency.parse_checkpoint(text)
            if origin is not None and body.origin != origin:
                raise transparency.ProofError(f"The checkpoint is of another log ({body.origin!r}), not of {origin!r}.")
            result.checkpoint_signed_by = key.name
    except transparency.ProofError as error:
        result.add(Problem("checkpoint", f"The export's checkpoint does not check: {error}"))
        return
    result.checkpoint_size = body.size
    if len(result.starts) > 1:
        result.add(Problem("proof", "The rows' leaf indexes do not follow their positions in the chain."))
    start = min(result.starts, default=None)
    if start is not None and result.first_unproved is not None and result.first_unproved - start < body.size:
        result.add(
            Problem(
                "proof",
                f"The row at position {result.first_unproved} carries no inclusion proof, though the export's "
                "checkpoint covers it: its proof was removed.",
                result.first_unproved,
            )
        )
    wrong = result.roots - {(body.size, body.root)}
    if wrong:
        result.add(
            Problem(
                "proof",
                f"{len(wrong)} inclusion proof(s) lead to another root than the checkpoint's at {body.size} "
                "entries: the rows, or the checkpoint, were changed.",
            )
        )
        result.proofs = 0


def _is_export_row(entry: dict) -> bool:
    if set(entry) == PROOF_ROW_KEYS and not (
        all(isinstance(entry[key], int) and not isinstance(entry[key], bool) for key in ("leaf_index", "tree_size"))
        and isinstance(entry["path"], list)
    ):
        return False
    return (
        set(entry) in (EXPORT_ROW_KEYS, LEAF_ROW_KEYS, PROOF_ROW_KEYS)
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
