"""Verifying the audit history's hash chain in the database (C4): links, contents, unlinked rows, published heads."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from register import transparency
from register.models import AccessLogEntry, Checkpoint, HistoryLink, TransparencyLog
from register.models.audit import history_models
from register.services.audit import access_log
from register.services.audit.checkpoints import origin, published_keys
from register.services.audit.hashing import (
    BATCH,
    GENESIS,
    batched,
    chain_hash,
    fields_by_attname,
    hashed_fields,
    known_field_sets,
    row_hash,
    row_leaf,
    tree_start,
)
from register.services.audit.problems import Problem, Verification
from register.services.audit.published import (
    RecomputedTree,
    SignedCheckpoint,
    check_against_checkpoints,
    stored_checkpoints,
)
from register.services.audit.records import check_records


def verify_history(
    *,
    heads: Iterable[str] = (),
    checkpoints: Iterable[SignedCheckpoint] = (),
    records: bool = True,
    using: str = "default",
) -> Verification:
    """Walk the chain: every link follows from the one before, every linked row still hashes as it did,
    no history row is without a link, and every head published earlier is still in the chain. The
    Merkle tree recomputed from the rows extends every checkpoint given and every signed checkpoint the
    register keeps (so a tail cut off or a stretch rewritten with every hash recomputed shows, and where).
    Then (unless ``records`` is false) every tracked record still holds what its history's latest row says."""
    result = Verification()
    models_by_table = {model._meta.db_table: model for model in history_models()}
    field_sets = known_field_sets(using)
    # Read before the walk: a checkpoint signed while it runs is of more rows than it reads.
    stored = stored_checkpoints(result, using=using)
    start, start_chain = tree_start(using)
    tree = RecomputedTree(start, start_chain)
    linked: dict[str, set[str]] = defaultdict(set)
    erased_fields: dict[tuple[str, str], set[str]] = {}  # values erased under a retention rule, by history row
    links = (
        HistoryLink.objects.using(using)
        .order_by("position")
        .values_list("position", "table", "row_id", "field_set", "row_hash", "chain_hash", "salts", "erased")
        .iterator(chunk_size=BATCH)
    )
    previous, expected = GENESIS, 1
    for chunk in batched(links, BATCH):
        rows = rows_by_id(chunk, models_by_table, using)
        for position, table, row_id, digest, stored_row_hash, stored_chain_hash, salts, erased in chunk:
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
            if erased:
                erased_fields[(table, row_id)] = set(erased)
            values = rows.get((table, row_id))
            recomputed = None
            if values is not None:
                recomputed = (
                    row_leaf(models_by_table[table], row_id, values, salts or {}, erased)
                    if position > start
                    else _content_hash(models_by_table[table], values, field_sets.get(digest))
                )
            tree.add(position, recomputed, stored_row_hash)
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
            elif recomputed != stored_row_hash:
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
    tree.finish()
    _find_unlinked_rows(result, models_by_table, linked, using)
    check_against_checkpoints(result, tree, stored, list(checkpoints), using=using)
    for head in heads:
        if not HistoryLink.objects.using(using).filter(chain_hash=head.strip().lower()).exists():
            result.add(
                Problem(
                    "rewritten",
                    f"The head {head} published earlier is no longer in the chain: "
                    "the history up to it has been rewritten.",
                )
            )
    if records:
        check_records(result, erased=erased_fields, using=using)
    check_access_log(result, using=using)
    return result


def check_access_log(result: Verification, *, using: str = "default") -> None:
    """The access log (issue 20) by the same standard: no entry missing, every entry still hashing to its
    leaf, and its tree, recomputed from the entries, extending every signed checkpoint of it."""
    leaves: list[bytes] = []
    expected = 1
    for entry in AccessLogEntry.objects.using(using).order_by("position").iterator(chunk_size=BATCH):
        if entry.position != expected:
            result.add(
                Problem(
                    "removed",
                    f"Access log entries at positions {expected} to {entry.position - 1} are missing: "
                    "they were removed outside the register.",
                    position=expected,
                    table=AccessLogEntry._meta.db_table,
                )
            )
            leaves.extend([bytes(32)] * (entry.position - expected))
        leaf = access_log.entry_leaf_hash(entry)
        if leaf != entry.leaf_hash:
            result.add(
                Problem(
                    "edited",
                    f"The access log entry at position {entry.position} was edited outside the register: "
                    "it no longer matches its hash.",
                    position=entry.position,
                    table=AccessLogEntry._meta.db_table,
                    row_id=str(entry.id),
                )
            )
        leaves.append(bytes.fromhex(leaf))
        expected = entry.position + 1
    signed = _signed_access_checkpoints(result, using)
    roots = transparency.prefix_roots(leaves, {size for size, _, _ in signed})
    for size, root, when in signed:
        if size > len(leaves):
            result.add(
                Problem(
                    "removed",
                    f"The access log ends at position {len(leaves)}, but its checkpoint signed on {when} covers "
                    f"{size} entries: positions {len(leaves) + 1} to {size} were removed.",
                    position=len(leaves) + 1,
                    table=AccessLogEntry._meta.db_table,
                )
            )
        elif roots[size] != root:
            result.add(
                Problem(
                    "rewritten",
                    f"The access log no longer extends its checkpoint signed on {when} ({size} entries): "
                    "entries up to that position were rewritten.",
                    table=AccessLogEntry._meta.db_table,
                )
            )


def _signed_access_checkpoints(result: Verification, using: str) -> list[tuple[int, bytes, str]]:
    keys = published_keys(using)
    signed = []
    for note, signed_at in (
        Checkpoint.objects.using(using).filter(log=TransparencyLog.ACCESS).values_list("note", "signed_at")
    ):
        when = timezone.localtime(signed_at).strftime("%-d %B %Y at %H:%M")
        try:
            body = transparency.open_checkpoint(note, keys, origin(TransparencyLog.ACCESS))
        except transparency.ProofError as error:
            result.add(Problem("checkpoint", f"The stored access log checkpoint signed on {when} is refused: {error}"))
            continue
        signed.append((body.size, body.root, when))
    return signed


def _content_hash(history_model, values: dict[str, Any], names: tuple[str, ...] | None) -> str | None:
    if names is None or history_model is None:
        return None
    try:
        return row_hash(history_model._meta.db_table, hashed_fields(history_model, values, names))
    except KeyError:  # a column the row was hashed over no longer exists
        return None


def rows_by_id(chunk, models_by_table, using) -> dict[tuple[str, str], dict[str, Any]]:
    """The current values of the rows one batch of links points at, keyed by (table, row id)."""
    wanted = defaultdict(list)
    for _, table, row_id, *_ in chunk:
        wanted[table].append(row_id)
    rows = {}
    for table, ids in wanted.items():
        model = models_by_table.get(table)
        if model is None:
            continue  # a table that no longer exists: its rows are reported removed
        names = list(fields_by_attname(model))
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
