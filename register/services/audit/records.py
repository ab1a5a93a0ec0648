"""Live records agree with their history (C4): every tracked record holds what its history's latest row says.

A record changed with SQL behind the register's back gets no history row, so the walk of the chain,
which reads only history, cannot see it while the pages serve the altered record. Comparing every
record with its own latest history row can: over the fields the history keeps (simple-history's
excluded fields, such as a password, are not kept and not compared), with the canonical values the
chain hashes.
"""

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import connections, models
from django.db.models import Max, OuterRef, Subquery, Value

from register.services.audit.hashing import BATCH, canonical_json, canonical_value
from register.services.audit.problems import Problem, Verification

LATEST = "verified_latest_history_id"  # the annotation carrying a record's latest history row
SHOWN_LENGTH = 60


def tracked_models() -> list[tuple[type[models.Model], type[models.Model]]]:
    """(model, its history model) for every model with a django-simple-history manager, in table order."""
    pairs = []
    for model in apps.get_models():
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if attribute is not None:
            pairs.append((model, getattr(model, attribute).model))
    return sorted(pairs, key=lambda pair: pair[0]._meta.db_table)


def compared_fields(model: type[models.Model], history_model: type[models.Model]) -> list[models.Field]:
    """The record's fields its history keeps a copy of (the excluded ones, like a password, are not)."""
    kept = {field.attname for field in history_model._meta.concrete_fields}
    return [field for field in history_model.tracked_fields if field.concrete and field.attname in kept]


def check_records(
    result: Verification, *, erased: dict[tuple[str, str], set[str]] | None = None, using: str = "default"
) -> None:
    """Compare every tracked record with its history's latest row; add a "record" problem for each that differs,
    each live record with no history at all, and each record whose history says it exists but that is gone.

    ``erased`` names the fields of history rows (history table, history id) whose values were erased under
    a retention rule: the history no longer says what they were, so they are not compared."""
    pairs = tracked_models()
    for number in sorted(_with_rows(pairs, using)):
        model, history_model = pairs[number]
        for problem in _model_problems(result, model, history_model, erased or {}, using):
            result.add(problem)


def _with_rows(pairs, using: str) -> set[int]:
    """Which of ``pairs`` have a record or a history row, in one query (a register has kinds of record it
    has not used yet, and a test database most): the others have nothing to compare."""
    if not connections[using].features.supports_slicing_ordering_in_compound:
        return set(range(len(pairs)))  # SQLite: one statement cannot say it; compare them all
    parts = [
        table._base_manager.using(using).order_by().annotate(which=Value(number)).values_list("which", flat=True)[:1]
        for number, pair in enumerate(pairs)
        for table in pair
    ]
    first, *rest = parts
    return set(first.union(*rest, all=True))


def _model_problems(result, model, history_model, erased, using) -> Iterator[Problem]:
    """Three queries per batch of records: the records with the id of their latest history row (read in one
    statement, so in one snapshot: a change committed meanwhile cannot show as a difference), those
    history rows (never changed once written), and the latest history row of each id in the batch's range
    (the ones not among the records read are looked for again before any is called gone)."""
    fields = compared_fields(model, history_model)
    names = [field.attname for field in fields]
    pk = model._meta.pk.attname
    history = history_model._default_manager.using(using)
    live = model._base_manager.using(using)
    # max() rather than ORDER BY history_id DESC LIMIT 1: with the LIMIT, PostgreSQL may walk the history's
    # primary key backwards looking for the record's id, reading most of a large table for each record.
    latest_row = history.filter(**{pk: OuterRef("pk")}).order_by().values(pk).annotate(latest=Max("history_id"))
    latest_row = latest_row.values("latest")
    lower = None
    while True:
        batch = live.order_by("pk") if lower is None else live.filter(pk__gt=lower).order_by("pk")
        records = list(batch.annotate(**{LATEST: Subquery(latest_row)}).values(*names, LATEST)[:BATCH])
        upper = records[-1][pk] if len(records) == BATCH else None
        kept = {
            row["history_id"]: row
            for row in history.filter(history_id__in=[r[LATEST] for r in records if r[LATEST] is not None])
            .order_by()
            .values(*names, "history_id", "history_type")
        }
        history_table = history_model._meta.db_table
        for values in records:
            latest = kept.get(values[LATEST])
            gone = erased.get((history_table, str(values[LATEST])), set()) if latest else set()
            yield from _differences(model, [f for f in fields if f.attname not in gone], values, latest)
        yield from _vanished(model, history, live, pk, {values[pk] for values in records}, lower, upper)
        result.records += len(records)
        if upper is None:
            return
        lower = upper


def _differences(model, fields, values: dict[str, Any], latest: dict[str, Any] | None) -> Iterator[Problem]:
    name, pk = model._meta.verbose_name, values[model._meta.pk.attname]
    where = {"table": model._meta.db_table, "row_id": str(pk)}
    if latest is None:
        yield Problem("record", f"The {name} {pk} has no history at all: it was written outside the register.", **where)
        return
    if latest["history_type"] == "-":
        yield Problem(
            "record",
            f"The {name} {pk} exists, but its history's latest row (history id {latest['history_id']}) says it was "
            "deleted: it was put back outside the register.",
            **where,
        )
        return
    differing = [
        field
        for field in fields
        if canonical_value(field, values[field.attname]) != canonical_value(field, latest[field.attname])
    ]
    if differing:
        said = "; its ".join(_difference(field, values[field.attname], latest[field.attname]) for field in differing)
        yield Problem(
            "record",
            f"The {name} {pk}'s {said} (history id {latest['history_id']}): changed outside the register.",
            **where,
        )


def _difference(field: models.Field, live: Any, kept: Any) -> str:
    if not _shows_value(field):
        return f"{field.verbose_name} differs from what its history's latest row says"
    return (
        f"{field.verbose_name} is {_shown(canonical_value(field, live))} "
        f"but its history's latest row says {_shown(canonical_value(field, kept))}"
    )


def _shows_value(field: models.Field) -> bool:
    """Free text (a declaration's description, a name) is not repeated in the output, which is e-mailed:
    the field is named, and the record's history page shows the values to those who may read them."""
    if field.choices:
        return True
    return not isinstance(field, (models.CharField, models.TextField, models.JSONField, models.BinaryField))


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    text = value if isinstance(value, str) else canonical_json(value)
    if len(text) > SHOWN_LENGTH:
        text = text[: SHOWN_LENGTH - 3] + "..."
    return f"'{text}'"


def _vanished(model, history, live, pk: str, seen: set, lower, upper) -> Iterator[Problem]:
    """Records in the id range (lower, upper] that the history says exist, but that are gone.

    The records of the range were just read (``seen``); the history names the others. A record written
    since that read is in a later snapshot, so the ones not seen are looked for once more, by id,
    before any is called gone (records are never deleted by the register: C3)."""
    in_range = history.all()
    if lower is not None:
        in_range = in_range.filter(**{f"{pk}__gt": lower})
    if upper is not None:
        in_range = in_range.filter(**{f"{pk}__lte": upper})
    latest = dict(in_range.order_by().values(pk).annotate(latest=Max("history_id")).values_list(pk, "latest"))
    unseen = {record_id: history_id for record_id, history_id in latest.items() if record_id not in seen}
    if not unseen:
        return
    written_since = set(live.filter(pk__in=list(unseen)).values_list("pk", flat=True))
    unseen = {record_id: history_id for record_id, history_id in unseen.items() if record_id not in written_since}
    rows = history.filter(history_id__in=list(unseen.values())).exclude(history_type="-").order_by(pk)
    for record_id, history_id in rows.values_list(pk, "history_id"):
        yield Problem(
            "record",
            f"The {model._meta.verbose_name} {record_id} is gone, but its history's latest row (history id "
            f"{history_id}) says it exists: it was deleted outside the register.",
            table=model._meta.db_table,
            row_id=str(record_id),
        )
