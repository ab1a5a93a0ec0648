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

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BigIntegerField, Case, CharField, F, Func, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst

from register import policies, selectors
from register.errors import NotFound
from register.models import (
    Absence,
    ApiToken,
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    Concern,
    Declaration,
    DeclarationConfirmation,
    GroupMeeting,
    HistoryLink,
    HistoryTreeStart,
    InformationCopy,
    InformationProvided,
    Membership,
    Notification,
    Organization,
    Person,
    Post,
    SignInEvent,
)
from register.models.audit import history_models
from register.policies import Standing
from register.selectors import declarations as reads
from register.selectors.history_text import EMPTY, ValueText, moment_text, person_name
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
    record_id: int | None = None  # with record_type: the changes to that one record
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
    subject: str = ""  # what the record is about, as it stood at the change: a request's subject ...
    request_id: int | None = None  # the attendance request it belongs to, for its page and its story
    declaration_id: int | None = None  # likewise the declaration

    @property
    def change_text(self) -> str:
        return CHANGE_TEXT.get(self.change, self.change)

    @property
    def when_text(self) -> str:
        return moment_text(self.when)


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
        kind = record_type(selection.record_type)
        links = links.filter(table=kind.table)
        if selection.record_id is not None:
            links = _links_of_one_record(links, kind, selection.record_id)
    elif selection.record_id is not None:  # an id of no kind of record is the id of no record
        links = links.none()
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


def _links_of_one_record(links: QuerySet, kind: RecordType, record_id: int) -> QuerySet:
    """The links of one record's history rows. Its rows are read first (by the record's id, which
    every history table indexes); no link dated before the first of them can be one of its own, so
    the keyset reads from there on only."""
    if not 0 < record_id < 2**63:
        return links.none()
    rows = list(
        kind.history_model.objects.filter(**{kind.model._meta.pk.attname: record_id})
        .order_by("history_date")
        .values_list("history_id", "history_date")
    )
    if not rows:
        return links.none()
    first = _first_position_dated_from(rows[0][1])
    return links.filter(row_id__in=[str(history_id) for history_id, _ in rows], position__gte=first or 0)


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
        record_id, change, reason, subject, request_id, declaration_id = details.get(
            (link.table, link.row_id), ("", "", "", "", None, None)
        )
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
                subject=subject,
                request_id=request_id,
                declaration_id=declaration_id,
            )
        )
    return entries


# What each kind of record is about, read from its history row (as it stood at the change) in the
# timeline's one query: a request's subject, a declaration's parties, a notice's subject and reader.
SUBJECT_OF = {
    AttendanceRequest: lambda: F("subject"),
    AttendanceInvitation: lambda: Concat(F("request__subject"), Value(": "), person_name("officer__")),
    AttendanceRecord: lambda: Concat(
        F("invitation__request__subject"), Value(": "), person_name("invitation__officer__")
    ),
    InformationProvided: lambda: Concat(F("title"), Value(", for "), F("request__subject")),
    InformationCopy: lambda: Concat(F("information__title"), Value(" to "), F("group__name")),
    Declaration: lambda: Concat(person_name("declarant__"), Value(" and "), person_name("other_person__")),
    DeclarationConfirmation: lambda: person_name("person__"),
    Notification: lambda: Concat(F("subject"), Value(" (to "), person_name("recipient__"), Value(")")),
    Person: lambda: person_name(),
    Organization: lambda: F("name"),
    Post: lambda: Concat(F("label"), Value(", "), F("organization__name")),
    Membership: lambda: Concat(person_name("person__"), Value(" in "), F("organization__name")),
    GroupMeeting: lambda: Concat(F("group__name"), Value(" meeting")),
    Absence: lambda: person_name("person__"),
    SignInEvent: lambda: _sign_in_subject(),
    ApiToken: lambda: Concat(
        Value("API token "), F("prefix"), Value("… ("), F("client"), Value(") of "), person_name("person__")
    ),
}

# How a line of the sign-in history reads: "Sign-in failed for 'leader-1' from 203.0.113.9". Kinds
# without a phrase here read "<their label>: 'username'".
SIGN_IN_PHRASES = {
    SignInEvent.Kind.SIGNED_IN: "Signed in as",
    SignInEvent.Kind.FAILED: "Sign-in failed for",
    SignInEvent.Kind.SLOWED: "Sign-in slowed down for",
    SignInEvent.Kind.LOCKED_OUT: "Address locked out after a sign-in as",
}


def _sign_in_subject():
    phrase = Case(
        *(
            When(kind=kind, then=Value(SIGN_IN_PHRASES.get(kind, f"{label}:")))
            for kind, label in SignInEvent.Kind.choices
        ),
        default=Value("Sign-in:"),
        output_field=CharField(),
    )
    # host() gives "203.0.113.9", where casting the inet value to text would give "203.0.113.9/32".
    address = Case(
        When(address__isnull=False, then=Concat(Value(" from "), Func(F("address"), function="host"))),
        default=Value(""),
        output_field=CharField(),
    )
    return Concat(phrase, Value(" '"), F("username"), Value("'"), address, output_field=CharField())


def _about(model_name: str):
    return Case(When(about_type__model=model_name, then=F("about_id")), output_field=BigIntegerField())


# The attendance request or declaration a record belongs to, whose page and story it links to.
REQUEST_OF = {
    AttendanceRequest: lambda: F("id"),
    AttendanceInvitation: lambda: F("request_id"),
    AttendanceRecord: lambda: F("invitation__request_id"),
    InformationProvided: lambda: F("request_id"),
    InformationCopy: lambda: F("information__request_id"),
    Notification: lambda: _about(AttendanceRequest._meta.model_name),
}
DECLARATION_OF = {
    Declaration: lambda: F("id"),
    Notification: lambda: _about(Declaration._meta.model_name),
}


def _none(output_field):
    return lambda: Value(None, output_field=output_field)


def _history_details(links: list[HistoryLink]) -> dict[tuple[str, str], tuple]:
    wanted: dict[str, list[int]] = {}
    for link in links:
        if link.table in RECORD_TYPES.by_table and link.row_id.isdigit():
            wanted.setdefault(link.table, []).append(int(link.row_id))
    queries = []
    for table, history_ids in sorted(wanted.items()):
        history_model = RECORD_TYPES.by_table[table].history_model
        model = history_model.instance_type
        record_key = model._meta.pk.attname
        queries.append(
            history_model.objects.filter(history_id__in=history_ids)
            .order_by()
            .annotate(
                link_table=Value(table, output_field=CharField()),
                record_key=Cast(F(record_key), output_field=CharField()),
                record_subject=Cast(SUBJECT_OF.get(model, _none(CharField()))(), output_field=CharField()),
                record_request=Cast(REQUEST_OF.get(model, _none(BigIntegerField()))(), BigIntegerField()),
                record_declaration=Cast(DECLARATION_OF.get(model, _none(BigIntegerField()))(), BigIntegerField()),
            )
            .values_list(
                "link_table",
                "history_id",
                "record_key",
                "history_type",
                "history_change_reason",
                "record_subject",
                "record_request",
                "record_declaration",
            )
        )
    if not queries:
        return {}
    rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    return {
        (table, str(history_id)): (record_key or "", change or "", reason or "", subject or "", request, declaration)
        for table, history_id, record_key, change, reason, subject, request, declaration in rows
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


@dataclass
class FieldChange:
    field: str
    label: str
    old: object  # the stored values, for machines (the API)
    new: object
    old_text: str = EMPTY  # the same in words, for people (pages, the printable story, CSV)
    new_text: str = EMPTY


@dataclass
class HistoryVersion:
    """One history row of a record, with what changed from the version before it."""

    history_id: int
    when: datetime.datetime
    who: Person | None
    change: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    record_type: RecordType | None = None
    record_id: int | None = None
    subject: str = ""  # in a story: which of the request's records this is, in words

    @property
    def change_text(self) -> str:
        return CHANGE_TEXT.get(self.change, self.change)

    @property
    def when_text(self) -> str:
        return moment_text(self.when)


@dataclass
class RecordHistory:
    record_type: RecordType
    record_id: int
    versions: list[HistoryVersion]  # newest first
    request_id: int | None = None  # the request whose page and story the record belongs to
    declaration_id: int | None = None


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
    if kind.model is Concern:
        # Those who read a concern's handling read its history; the person concerned never does (its
        # history names who raised it), whatever post they hold (D1, D2, D6).
        found = Concern.objects.filter(pk=record_id).first()
        return found is not None and policies.sees_concern_handling(standing, found)
    return policies.reads_history_of_any_record(standing, notices=kind.model._meta.model_name == "notification")


def record_history(viewer: Person, slug: str, record_id: int, *, standing: Standing | None = None) -> RecordHistory:
    """A record's history, newest first, each version with its field-by-field differences from the
    one before, in stored values and in words; NotFound if the viewer may not read it or it never
    existed. The names behind its ids cost one query, and none when it has no ids."""
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
    words = ValueText()
    versions = _versions(kind, rows, words)
    words.read()
    _put_into_words(versions, kind, rows, words)
    versions.reverse()
    latest = rows[-1]
    return RecordHistory(
        kind,
        record_id,
        versions,
        request_id=_belongs_to(latest, kind.model, AttendanceRequest),
        declaration_id=_belongs_to(latest, kind.model, Declaration),
    )


def provable_rows(kind: RecordType, history_ids: list[int]) -> set[int]:
    """Which of a record's history rows an inclusion proof can be given for (issue 20): those linked
    after the history's Merkle tree began (leaves of it, their links carrying salts). One query."""
    start = Coalesce(Subquery(HistoryTreeStart.objects.order_by("position").values("position")[:1]), Value(0))
    links = HistoryLink.objects.filter(
        table=kind.table, row_id__in=[str(i) for i in history_ids], salts__isnull=False, position__gt=start
    )
    return {int(row_id) for row_id in links.values_list("row_id", flat=True)}


def history_row_for(
    viewer: Person, slug: str, record_id: int, history_id: int, *, standing: Standing | None = None
) -> tuple[models.Model, HistoryLink]:
    """One history row of a record and its link in the chain, for a proof of it: scoped as the record's
    history is (NotFound if the viewer may not read it, or the row is not of that record)."""
    kind = record_type(slug)
    if not (0 < record_id < 2**63 and 0 < history_id < 2**63):
        raise NotFound("There is no such record.")
    if not _may_read_record_history(viewer, kind, record_id, standing or standing_of(viewer)):
        raise NotFound("There is no such record.")
    row = kind.history_model.objects.filter(pk=history_id, **{kind.model._meta.pk.attname: record_id}).first()
    link = HistoryLink.objects.filter(table=kind.table, row_id=str(history_id)).first() if row else None
    if row is None or link is None:
        raise NotFound("There is no such change of this record.")
    return row, link


def _belongs_to(row, model: type, owner: type) -> int | None:
    """The request (or declaration) a record's page is, from its latest history row, with no query."""
    if model is owner:
        return row.id
    if owner is AttendanceRequest and model in (AttendanceInvitation, InformationProvided):
        return row.request_id
    if model is Notification and row.about_type_id is not None:
        about = ContentType.objects.get_for_id(row.about_type_id)
        return row.about_id if about.model_class() is owner else None
    return None


def _labels(kind: RecordType) -> dict[str, str]:
    history_fields = {f.name for f in kind.history_model._meta.concrete_fields}
    return {f.name: capfirst(str(f.verbose_name)) for f in kind.model._meta.concrete_fields if f.name in history_fields}


def _versions(kind: RecordType, rows: list, words: ValueText) -> list[HistoryVersion]:
    """The versions of one record's rows (oldest first), in stored values; each value is noted in
    ``words`` so that all their names are read at once afterwards."""
    labels = _labels(kind)
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
        for change in changes:
            words.note(kind.model, change.field, change.old)
            words.note(kind.model, change.field, change.new)
        versions.append(
            HistoryVersion(
                row.history_id,
                row.history_date,
                row.history_user,
                row.history_type,
                row.history_change_reason or "",
                changes,
                record_type=kind,
                record_id=getattr(row, kind.model._meta.pk.attname),
            )
        )
        previous = row
    return versions


def _put_into_words(versions: list[HistoryVersion], kind: RecordType, rows: list, words: ValueText) -> None:
    """Each change's values in words, once the names are read; versions and rows oldest first."""
    previous = None
    for version, row in zip(versions, rows):
        for change in version.changes:
            change.old_text = words.text(kind.model, change.field, change.old, previous)
            change.new_text = words.text(kind.model, change.field, change.new, row)
        previous = row


def _attname(kind: RecordType, name: str) -> str:
    return kind.model._meta.get_field(name).attname


# --- A request's (or a declaration's) whole story ---------------------------------------------


@dataclass
class Story:
    """Everything that happened to one request -- the request and its decision, its meeting, each
    officer's invitation and answer, their attendance, the information given and copied, and the
    notices about it -- as one list of versions, oldest first. Parts the viewer may not read the
    history of are left out, and ``complete`` says so."""

    record_type: RecordType
    record_id: int
    title: str
    versions: list[HistoryVersion]  # oldest first
    complete: bool


def request_story(viewer: Person, request_id: int, *, standing: Standing | None = None) -> Story:
    """The whole story of an attendance request, for whoever may read its history (NotFound for
    anyone else). Each of its records' histories is read in one query, whatever their number, and
    every name in them in one more."""
    standing = standing or standing_of(viewer)
    kind = RECORD_TYPES.by_slug["attendance-request"]
    if not 0 < request_id < 2**63 or not _may_read_record_history(viewer, kind, request_id, standing):
        raise NotFound("There is no such record.")
    parts = _story_parts(standing)
    own = _history_of(AttendanceRequest, id=request_id)
    if not own:
        raise NotFound("There is no such record.")
    histories = [own]
    if parts.others:
        histories.append(_history_of(GroupMeeting, id=own[-1].meeting_id))
        histories.append(_history_of(AttendanceInvitation, request_id=request_id))
        histories.append(_history_of(AttendanceRecord, invitation__request_id=request_id))
        histories.append(_history_of(InformationProvided, request_id=request_id))
        histories.append(_history_of(InformationCopy, information__request_id=request_id))
    if parts.notices:
        # The notices about the request, and about the information given at it (A10's copies).
        about_it = Q(about_type__model="attendancerequest", about_id=request_id) | Q(
            about_type__model="informationprovided",
            about_id__in=InformationProvided.objects.filter(request_id=request_id).values("pk"),
        )
        histories.append(_history_of(Notification, about_it))
    return _story(kind, request_id, f"Briefing request: {own[-1].subject}", histories, parts.complete)


def declaration_story(viewer: Person, declaration_id: int, *, standing: Standing | None = None) -> Story:
    """A declaration's whole story: its own history and the notices about it, for whoever may read
    its history."""
    standing = standing or standing_of(viewer)
    kind = RECORD_TYPES.by_slug["declaration"]
    if not 0 < declaration_id < 2**63 or not _may_read_record_history(viewer, kind, declaration_id, standing):
        raise NotFound("There is no such record.")
    parts = _story_parts(standing)
    own = _history_of(Declaration, id=declaration_id)
    if not own:
        raise NotFound("There is no such record.")
    histories = [own]
    if parts.notices:
        histories.append(_history_of(Notification, about_type__model="declaration", about_id=declaration_id))
    words = ValueText()
    words.names.want(Person, own[-1].declarant_id)
    words.names.want(Person, own[-1].other_person_id)
    story = _story(kind, declaration_id, "", histories, parts.complete, words)
    declarant, other = words.names.name(Person, own[-1].declarant_id), words.names.name(Person, own[-1].other_person_id)
    story.title = f"Declaration by {declarant} of a relationship with {other}"
    return story


@dataclass(frozen=True)
class _Parts:
    others: bool  # the records about the request besides itself
    notices: bool

    @property
    def complete(self) -> bool:
        return self.others and self.notices


def _story_parts(standing: Standing) -> _Parts:
    """Which parts of a story the viewer reads: the same rule as each record's own history page."""
    return _Parts(
        others=policies.reads_history_of_any_record(standing),
        notices=policies.reads_history_of_any_record(standing, notices=True),
    )


def _history_of(model: type, *conditions, **lookups) -> list:
    """The history rows of the records the lookups pick, oldest first, with their authors."""
    history_model = model.history.model
    return list(
        history_model.objects.filter(*conditions, **lookups)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def _story(kind, record_id, title, histories, complete, words: ValueText | None = None) -> Story:
    words = words or ValueText()
    pieces = []
    for rows in histories:
        if not rows:
            continue
        part = RECORD_TYPES.by_table[rows[0]._meta.db_table]
        by_record: dict[int, list] = {}
        for row in rows:
            by_record.setdefault(getattr(row, part.model._meta.pk.attname), []).append(row)
        for record_rows in by_record.values():
            versions = _versions(part, record_rows, words)
            pieces.append((part, record_rows, versions))
            _note_subjects(part, record_rows[-1], words)
    words.read()
    merged = []
    for part, record_rows, versions in pieces:
        _put_into_words(versions, part, record_rows, words)
        subject = _subject_in_words(part, record_rows[-1], words)
        for version in versions:
            version.subject = subject
        merged.extend(versions)
    order = {table: number for number, table in enumerate(RECORD_TYPES.by_table)}
    merged.sort(key=lambda version: (version.when, order.get(version.record_type.table, 0), version.history_id))
    return Story(kind, record_id, title, merged, complete)


def _note_subjects(part: RecordType, row, words: ValueText) -> None:
    for name in ("officer_id", "recipient_id", "provided_by_id"):
        if hasattr(row, name):
            words.names.want(Person, getattr(row, name))
    if hasattr(row, "group_id"):
        words.names.want(Organization, row.group_id)
    if part.model is AttendanceRecord:
        words.names.want(AttendanceInvitation, row.invitation_id)
    if part.model is InformationCopy:
        words.names.want(InformationProvided, row.information_id)


def _subject_in_words(part: RecordType, row, words: ValueText) -> str:
    """Which of the story's records a version is of, in a few words."""
    names = words.names
    model = part.model
    if model is AttendanceRequest:
        return f"The request: {row.subject}"
    if model is GroupMeeting:
        return f"The meeting of {names.name(Organization, row.group_id)}"
    if model is AttendanceInvitation:
        return f"{names.name(Person, row.officer_id)}'s invitation"
    if model is AttendanceRecord:
        return f"{names.name(AttendanceInvitation, row.invitation_id)}'s attendance"
    if model is InformationProvided:
        return f"Information given: {row.title}"
    if model is InformationCopy:
        return (
            f"Copy of {names.name(InformationProvided, row.information_id)} to {names.name(Organization, row.group_id)}"
        )
    if model is Notification:
        return f"Notice to {names.name(Person, row.recipient_id)} ({row.get_channel_display().lower()}): {row.subject}"
    if model is Declaration:
        return "The declaration"
    return f"{part.label} {getattr(row, model._meta.pk.attname)}"
