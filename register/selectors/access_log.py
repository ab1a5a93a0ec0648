"""Reads of the access log (issue 20, item 6): who opened which sensitive record, when, and through
which page or endpoint, for the Monitoring Officer and auditors; to everyone else it does not exist.

Pages are read newest first by keyset on the entry's position (never OFFSET), in one query whatever
the log's length or the page's: the reader's name is joined, and a complaint's case reference is read
in the same statement.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, CharField, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Cast
from django.utils import timezone

from register import policies
from register.errors import NotFound
from register.models import AccessLogEntry, Person
from register.models.conduct import Complaint
from register.policies import Standing
from register.selectors.history_text import moment_text
from register.selectors.standing import standing_of

PAGE_SIZE = 50
RECORD_KINDS = {"declaration": "Declaration", "concern": "Concern", "complaint": "Complaint"}

# The pages and endpoints that log a read (register/views, api), in words.
VIA_TEXT = {
    "page declarations:detail": "The declaration's page",
    "page concerns:detail": "The concern's page",
    "page complaints:detail": "The complaint's page",
    "page audit:record": "The record's history page",
    "page audit:record-proof": "A proof of one change, downloaded from the record's history page",
    "page audit:declaration-story": "The declaration's whole story",
    "page audit:declaration-story-export": "The declaration's whole story, downloaded as CSV",
}


@dataclass(frozen=True)
class AccessLogFilter:
    """What the reader narrowed the log to; every part optional."""

    reader: int | None = None  # the person who read, by id
    record_kind: str | None = None  # declaration, concern or complaint
    record_id: str | None = None  # with or without a kind: reads of records of that id
    since: datetime.date | None = None  # first day, inclusive (the council's dates)
    until: datetime.date | None = None  # last day, inclusive


@dataclass
class AccessLogPage:
    entries: list[AccessLogEntry]
    older: int | None  # the cursor for the next page back in time, if there is one
    newer: int | None  # the cursor for the page before this one, if there is one


def check_reads_access_log(viewer: Person, *, standing: Standing | None = None) -> None:
    """Only the Monitoring Officer and auditors read the access log; to anyone else it does not exist."""
    if not policies.reads_access_log(standing or standing_of(viewer)):
        raise NotFound("There is no such page.")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_log_entries(selection: AccessLogFilter) -> QuerySet:
    """The entries the filter picks, each with its reader and (for a complaint) its case reference;
    unordered (the caller keysets). Each entry is put into words as it is read (``in_words``)."""
    complaint_reference = Complaint.objects.filter(
        pk=Cast(OuterRef("record_id"), output_field=BigIntegerField())
    ).values("reference")[:1]
    # Only a complaint's reference is looked up (its record id is a complaint's, written by the register).
    entries = (
        AccessLogEntry.objects.select_related("reader")
        .defer("salts")
        .annotate(
            complaint_reference=Case(
                When(record_kind="complaint", then=Subquery(complaint_reference)),
                default=None,
                output_field=CharField(),
            )
        )
    )
    if selection.reader is not None:
        entries = entries.filter(reader_id=selection.reader)
    if selection.record_kind:
        entries = entries.filter(record_kind=selection.record_kind)
    if selection.record_id:
        entries = entries.filter(record_id=selection.record_id)
    if selection.since:
        entries = entries.filter(read_at__gte=_start_of(selection.since))
    if selection.until:
        entries = entries.filter(read_at__lt=_start_of(selection.until + datetime.timedelta(days=1)))
    return entries


def access_log_page(
    viewer: Person,
    selection: AccessLogFilter,
    *,
    older_than: int | None = None,
    newer_than: int | None = None,
    size: int = PAGE_SIZE,
    standing: Standing | None = None,
) -> AccessLogPage:
    """One page of the log, newest first, by keyset on the position: the entries older than
    ``older_than``, or newer than ``newer_than``, or the newest. One query, however deep."""
    check_reads_access_log(viewer, standing=standing)
    entries = access_log_entries(selection)
    if newer_than is not None:
        found = list(entries.filter(position__gt=newer_than).order_by("position")[: size + 1])
        more_newer, found = len(found) > size, found[:size]
        found.reverse()
        older = found[-1].position if found else None
        return AccessLogPage(in_words(found), older=older, newer=found[0].position if found and more_newer else None)
    if older_than is not None:
        entries = entries.filter(position__lt=older_than)
    found = list(entries.order_by("-position")[: size + 1])
    more_older, found = len(found) > size, found[:size]
    newer = found[0].position if found and older_than is not None else None
    return AccessLogPage(in_words(found), older=found[-1].position if found and more_older else None, newer=newer)


def in_words(entries: list[AccessLogEntry]) -> list[AccessLogEntry]:
    """Each entry with ``reader_name``, ``record_text`` ("Complaint 1325a"), ``via_text`` and
    ``read_at_text`` (Europe/London): no query."""
    for entry in entries:
        entry.reader_name = entry.reader.name if entry.reader is not None else "Unknown"
        entry.record_text = record_text(entry)
        entry.via_text = via_text(entry.via)
        entry.read_at_text = moment_text(entry.read_at)
    return entries


def record_text(entry: AccessLogEntry) -> str:
    kind = RECORD_KINDS.get(entry.record_kind, entry.record_kind.capitalize())
    if entry.record_kind == "concern":
        return f"{kind} C{entry.record_id}"
    if entry.record_kind == "complaint" and getattr(entry, "complaint_reference", None):
        return f"{kind} {entry.complaint_reference}"
    return f"{kind} {entry.record_id}"


def via_text(via: str) -> str:
    """A page in words; an endpoint as "API: GET /api/..."."""
    if via in VIA_TEXT:
        return VIA_TEXT[via]
    if via.startswith("api "):
        return f"API: {via[4:]}"
    return via
