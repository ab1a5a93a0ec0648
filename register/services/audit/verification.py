"""Verifying the audit history's hash chain in the database (C4): links, contents, unlinked rows, published heads."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from register.models import HistoryLink
from register.models.audit import history_models
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

PROBLEMS_KEPT = 100


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
    field_sets = known_field_sets(using)
    start, _ = tree_start(using)
    linked: dict[str, set[str]] = defaultdict(set)
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
            elif (
                row_leaf(models_by_table[table], row_id, values, salts or {}, erased)
                if position > start
                else _content_hash(models_by_table[table], values, field_sets.get(digest))
            ) != stored_row_hash:
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
