"""Reads of the audit history (C2): the timeline across the register, each record's history with
field-by-field differences, and the rows of a CSV export.

The hash chain's links (``HistoryLink``, one per history row in write order) are the timeline's one
ordered index across every history table: pages are read by keyset on ``position`` (never OFFSET),
so a page half a million rows deep costs what the first page costs. The history rows themselves
give the record, the kind of change and the reason, read for a whole page in one UNION query.
"""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst

from register import policies, selectors
from register.errors import NotFound
from register.models import AttendanceRequest, Declaration, HistoryLink, Person
from register.models.audit import history_models
from register.policies import Standing
from register.selectors import declarations as reads
from register.selectors.standing import standing_of

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
EXPORT_CHUNK = 1000
CHANGE_TEXT = {"+": "Created", "~": "Changed", "-": "Deleted"}


# --- Record types: the register's tracked models, by a name fit for an address -----------------


@dataclass(frozen=True)
class RecordType:
    slug: str  # "attendance-request"
    label: str  # "Attendance request"
    table: str  # the history table
    history_model: type
    model: type


def _slug(model) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", model.__name__).lower()


class _RecordTypes:
    """Built on first use: the apps must be ready before the history models can be listed."""

    @cached_property
    def by_slug(self) -> dict[str, RecordType]:
        found = {}
        for history_model in history_models():
            model = history_model.instance_type
            found[_slug(model)] = RecordType(
                _slug(model),
                capfirst(str(model._meta.verbose_name)),
                history_model._meta.db_table,
                history_model,
                model,
            )
        return dict(sorted(found.items()))

    @cached_property
    def by_table(self) -> dict[str, RecordType]:
        return {record_type.table: record_type for record_type in self.by_slug.values()}


RECORD_TYPES = _RecordTypes()


def record_types() -> list[RecordType]:
    return list(RECORD_TYPES.by_slug.values())


def record_type(slug: str) -> RecordType:
    try:
        return RECORD_TYPES.by_slug[slug]
    except KeyError:
        raise NotFound("There is no such kind of record.") from None


# --- The timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineFilter:
    """What the reader narrowed the timeline to; every part optional."""

    record_type: str | None = None  # a RecordType slug
    person: int | None = None  # the history user's id
    since: datetime.date | None = None  # first day, inclusive (the council's dates)
    until: datetime.date | None = None  # last day, inclusive


@dataclass
class TimelineEntry:
    """One change: who, what record, what change, when and why."""

    position: int
    when: datetime.datetime | None
    who: Person | None
    record_type: RecordType | None
    record_id: str = ""
    change: str = ""
    reason: str = ""
    history_id: str = ""

    @property
    def change_text(self) -> str:
        return CHANGE_TEXT.get(self.change, self.change)


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    older: int | None  # the cursor for the next page back in time, if there is one
    newer: int | None  # the cursor for the page before this one, if there is one


def check_reads_all_history(viewer: Person, *, standing: Standing | None = None) -> None:
    """Only auditors read the whole timeline; to anyone else it does not exist. ``standing``: the
    viewer's, if the caller has already read it."""
    if not policies.reads_all_history(standing or standing_of(viewer)):
        raise NotFound("There is no such page.")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def timeline_links(selection: TimelineFilter) -> QuerySet:
    """The chain's links the filter picks, each with its history user; unordered (the caller keysets)."""
    links = HistoryLink.objects.select_related("history_user").only(
        "position",
        "table",
        "row_id",
        "history_date",
        "history_user__id",
        "history_user__username",
        "history_user__first_name",
        "history_user__last_name",
    )
    if selection.record_type:
        links = links.filter(table=record_type(selection.record_type).table)
    if selection.person is not None:
        links = links.filter(history_user_id=selection.person)
    if selection.since:
        start = _start_of(selection.since)
        first = _first_position_dated_from(start)
        links = links.filter(history_date__gte=start, position__gte=first if first is not None else 2**63 - 1)
    if selection.until:
        end = _start_of(selection.until + datetime.timedelta(days=1))
        beyond = _first_position_dated_from(end)
        links = links.filter(history_date__lt=end)
        if beyond is not None:
            links = links.filter(position__lt=beyond)
    return links


def _first_position_dated_from(moment: datetime.datetime) -> int | None:
    """The first link dated at or after ``moment``: one seek on the (history_date, position) index.
    The links' dates never go back along the chain (register/services/audit/chain.py), so every link
    from there on is dated at or after it and none before is: a date range is a range of
    positions, and the keyset reads only inside it, however far back it lies."""
    return (
        HistoryLink.objects.filter(history_date__gte=moment)
        .order_by("history_date", "position")
        .values_list("position", flat=True)
        .first()
    )


def timeline_page(
    viewer: Person,
    selection: TimelineFilter,
    *,
    older_than: int | None = None,
    newer_than: int | None = None,
    size: int = PAGE_SIZE,
    standing: Standing | None = None,
) -> TimelinePage:
    """One page of the timeline, newest first, by keyset on the chain position: the rows older than
    ``older_than``, or newer than ``newer_than``, or the newest. Two queries, however deep."""
    check_reads_all_history(viewer, standing=standing)
    links = timeline_links(selection)
    if newer_than is not None:
        found = list(links.filter(position__gt=newer_than).order_by("position")[: size + 1])
        more_newer, found = len(found) > size, found[:size]
        found.reverse()
        older = found[-1].position if found else None
        return TimelinePage(entries_for(found), older=older, newer=found[0].position if found and more_newer else None)
    if older_than is not None:
        links = links.filter(position__lt=older_than)
    found = list(links.order_by("-position")[: size + 1])
    more_older, found = len(found) > size, found[:size]
    newer = found[0].position if found and older_than is not None else None
    return TimelinePage(entries_for(found), older=found[-1].position if found and more_older else None, newer=newer)


def entries_for(links: list[HistoryLink]) -> list[TimelineEntry]:
    """The links as timeline entries, with their records, changes and reasons from the history rows
    (one query for all of them, whichever tables they are in)."""
    details = _history_details(links)
    entries = []
    for link in links:
        record_id, change, reason = details.get((link.table, link.row_id), ("", "", ""))
        entries.append(
            TimelineEntry(
                position=link.position,
                when=link.history_date,
                who=link.history_user,
                record_type=RECORD_TYPES.by_table.get(link.table),
                record_id=record_id,
                change=change,
                reason=reason,
                history_id=link.row_id,
            )
        )
    return entries


def _history_details(links: list[HistoryLink]) -> dict[tuple[str, str], tuple[str, str, str]]:
    wanted: dict[str, list[int]] = {}
    for link in links:
        if link.table in RECORD_TYPES.by_table and link.row_id.isdigit():
            wanted.setdefault(link.table, []).append(int(link.row_id))
    queries = []
    for table, history_ids in sorted(wanted.items()):
        history_model = RECORD_TYPES.by_table[table].history_model
        record_key = history_model.instance_type._meta.pk.attname
        queries.append(
            history_model.objects.filter(history_id__in=history_ids)
            .order_by()
            .annotate(
                link_table=Value(table, output_field=CharField()),
                record_key=Cast(F(record_key), output_field=CharField()),
            )
            .values_list("link_table", "history_id", "record_key", "history_type", "history_change_reason")
        )
    if not queries:
        return {}
    rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    return {
        (table, str(history_id)): (record_key or "", change or "", reason or "")
        for table, history_id, record_key, change, reason in rows
    }


def timeline_export(
    viewer: Person, selection: TimelineFilter, *, standing: Standing | None = None
) -> Iterator[TimelineEntry]:
    """Every entry the filter picks, oldest first, read in chunks by keyset so that memory stays
    flat however long the history. The reader is checked before the first row is read."""
    check_reads_all_history(viewer, standing=standing)
    return _export_chunks(selection)


def _export_chunks(selection: TimelineFilter) -> Iterator[TimelineEntry]:
    links = timeline_links(selection)
    last = 0
    while True:
        chunk = list(links.filter(position__gt=last).order_by("position")[:EXPORT_CHUNK])
        if not chunk:
            return
        yield from entries_for(chunk)
        last = chunk[-1].position


# --- One record's history ----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object


@dataclass
class HistoryVersion:
    """One history row of a record, with what changed from the version before it."""

    history_id: int
    when: datetime.datetime
    who: Person | None
    change: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def change_text(self) -> str:
        return CHANGE_TEXT.get(self.change, self.change)


@dataclass
class RecordHistory:
    record_type: RecordType
    record_id: int
    versions: list[HistoryVersion]  # newest first


def _may_read_record_history(viewer: Person, kind: RecordType, record_id: int, standing: Standing) -> bool:
    """DOMAIN.md: "History of anything: auditors; and anyone who may see the record itself, for that
    record" -- and never more of it than they may see. A declaration's history is read by those who
    see it in full (the person it names sees only the narrow view, so not its history); an
    attendance request's by those who see the request. Of every other record the history is read
    by auditors, and by the Monitoring Officer except for notices (which are their recipients' own)."""
    if kind.model is Declaration:
        try:
            found = reads.declaration_for(viewer, record_id, standing=standing)
            return not isinstance(found, reads.NamedDeclaration)
        except NotFound:
            return False
    if kind.model is AttendanceRequest:
        try:
            selectors.attendance_request_for(viewer=standing, pk=record_id)
        except NotFound:
            return False
        return True
    return policies.reads_history_of_any_record(standing, notices=kind.model._meta.model_name == "notification")


def record_history(viewer: Person, slug: str, record_id: int, *, standing: Standing | None = None) -> RecordHistory:
    """A record's history, newest first, each version with its field-by-field differences from the
    one before; NotFound if the viewer may not read it or it never existed."""
    kind = record_type(slug)
    if not 0 < record_id < 2**63:  # beyond any id the database can hold
        raise NotFound("There is no such record.")
    if not _may_read_record_history(viewer, kind, record_id, standing or standing_of(viewer)):
        raise NotFound("There is no such record.")
    key = kind.model._meta.pk.attname
    rows = list(
        kind.history_model.objects.filter(**{key: record_id})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not rows:
        raise NotFound("There is no such record.")
    return RecordHistory(kind, record_id, _versions(kind, rows))


def _versions(kind: RecordType, rows: list) -> list[HistoryVersion]:
    history_fields = {f.name for f in kind.history_model._meta.concrete_fields}
    labels = {
        f.name: capfirst(str(f.verbose_name)) for f in kind.model._meta.concrete_fields if f.name in history_fields
    }
    versions, previous = [], None
    for row in rows:
        if previous is None:  # what the record was created with
            changes = [
                FieldChange(name, label, None, getattr(row, _attname(kind, name)))
                for name, label in labels.items()
                if getattr(row, _attname(kind, name)) not in (None, "")
            ]
        else:
            delta = row.diff_against(previous)
            changes = [FieldChange(c.field, labels.get(c.field, c.field), c.old, c.new) for c in delta.changes]
        versions.append(
            HistoryVersion(
                row.history_id,
                row.history_date,
                row.history_user,
                row.history_type,
                row.history_change_reason or "",
                changes,
            )
        )
        previous = row
    versions.reverse()
    return versions


def _attname(kind: RecordType, name: str) -> str:
    return kind.model._meta.get_field(name).attname
