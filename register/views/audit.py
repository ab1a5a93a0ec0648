"""The audit pages (C2): the timeline across the register, its CSV export, each record's history
with field-by-field differences, and a request's (or a declaration's) whole story, printable and
as CSV. Read-only; thin over ``register.selectors.audit``, whose values are already in words.

The timeline and export are for auditors; a record's history and a story also for those who may
see the record (the selector decides). Everyone else gets "page not found".
"""

import csv
import json
from collections.abc import Callable, Iterator

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from register import policies
from register.forms_audit import AccessLogFilterForm, TimelineFilterForm
from register.selectors import access_log as access_log
from register.selectors import audit as audit
from register.services.audit import proofs
from register.services.audit.access_log import record_kind_of, record_read
from register.views.context import standing
from register.views.domain_errors import form_page

CSV_HEADER = [
    "position",
    "when",
    "who",
    "who_username",
    "record_type",
    "record_id",
    "change",
    "reason",
    "history_id",
    "subject",
    "when_iso",
]
STORY_CSV_HEADER = ["when", "who", "record", "record_id", "about", "change", "reason", "field", "before", "after"]


def _cursor(request, name: str) -> int | None:
    given = request.GET.get(name)
    if given is None:
        return None
    if not given.isdigit() or len(given) > 18:
        raise Http404("There is no such page of the timeline.")
    return int(given)


def _filters(request) -> tuple[TimelineFilterForm, audit.TimelineFilter | None]:
    """The filter form, bound when any filter was given; None for the selection if it has errors."""
    given = any(key in request.GET for key in ("record_type", "record_id", "person", "since_0", "until_0"))
    form = TimelineFilterForm(request.GET if given else None)
    if not given:
        return form, audit.TimelineFilter()
    return form, form.selection() if form.is_valid() else None


def _query_without_cursor(request) -> str:
    query = request.GET.copy()
    for name in ("older", "newer", "submit"):
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_safe
def timeline(request):
    """Every change across the register, newest first: who, what record, what change, when, why."""
    viewer = standing(request)
    audit.check_reads_all_history(request.user, standing=viewer)
    form, selection = _filters(request)
    page = None
    if selection is not None:
        page = audit.timeline_page(
            request.user,
            selection,
            older_than=_cursor(request, "older"),
            newer_than=_cursor(request, "newer"),
            standing=viewer,
        )
    # A filter in error is bad input: the page names it in the error summary, with status 400.
    if page is not None:
        _link(page.entries, viewer)
    return form_page(
        request,
        "register/audit/timeline.html",
        {"page": page, "query": _query_without_cursor(request)},
        form=form,
    )


def _address(name: str, *kinds: type) -> Callable[..., str]:
    """An address of the URL named, to fill in per row: reversed once, not once per row (a page of
    50 rows would otherwise reverse 150 times, a third of the page's time)."""
    marks = [f"zzmark{number}" if kind is str else 900000000 + number for number, kind in enumerate(kinds)]
    pattern = reverse(name, args=marks)
    for number, mark in enumerate(marks):
        pattern = pattern.replace(str(mark), f"{{{number}}}")
    return pattern.format


def _link(entries: list[audit.TimelineEntry], viewer) -> None:
    """Each entry's links: its record's history; the whole story of the request or declaration it
    belongs to; and that record's own page when the viewer sees every one of its kind (C2)."""
    history = _address("audit:record", str, int)
    request_story, declaration_story = _address("audit:request-story", int), _address("audit:declaration-story", int)
    request_page, declaration_page = _address("attendance:detail", int), _address("declarations:detail", int)
    sees_requests, sees_declarations = policies.oversees_attendance(viewer), policies.oversees_declarations(viewer)
    for entry in entries:
        entry.history_url = (
            history(entry.record_type.slug, entry.record_id) if entry.record_type and entry.record_id else ""
        )
        entry.story_url = entry.page_url = entry.page_label = ""
        if entry.request_id:
            entry.story_url = request_story(entry.request_id)
            if sees_requests:
                entry.page_url, entry.page_label = request_page(entry.request_id), "Request"
        elif entry.declaration_id:
            entry.story_url = declaration_story(entry.declaration_id)
            if sees_declarations:
                entry.page_url, entry.page_label = declaration_page(entry.declaration_id), "Declaration"


class _Echo:
    """csv.writer writes to this, and each row comes straight back to be streamed."""

    def write(self, value):
        return value


def _csv_lines(entries: Iterator[audit.TimelineEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for entry in entries:
        who = entry.who
        yield writer.writerow(
            [
                entry.position,
                entry.when_text,
                _cell(who.name) if who else "The system",
                _cell(who.username) if who else "",
                entry.record_type.label if entry.record_type else "",
                entry.record_id,
                entry.change_text,
                _cell(entry.reason),
                entry.history_id,
                _cell(entry.subject),
                _iso_minute(entry.when),
            ]
        )


def _iso_minute(moment) -> str:
    """The moment in Europe/London for a spreadsheet to sort by: to the minute, with its offset."""
    return timezone.localtime(moment).replace(second=0, microsecond=0).isoformat() if moment else ""


def _cell(text: str) -> str:
    """Text a person typed, safe to open in a spreadsheet: one starting like a formula is quoted."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_safe
def export(request):
    """The filtered timeline as CSV, oldest first, streamed: read and written in chunks, so the
    memory it takes stays flat however long the history."""
    form, selection = _filters(request)
    entries = audit.timeline_export(request.user, selection or audit.TimelineFilter(), standing=standing(request))
    if selection is None:
        raise Http404("Correct the filters on the timeline first.")
    response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="register-history-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@login_required
@require_safe
def record_history(request, record_type: str, record_id: int):
    """One record's history, newest first, each change with its field-by-field differences."""
    viewer = standing(request)
    history = audit.record_history(request.user, record_type, record_id, standing=viewer)
    if logged := record_kind_of(history.record_type.model):  # a sensitive record's history is a read of it
        record_read(reader=request.user, record_kind=logged, record_id=record_id, via="page audit:record")
    kind = history.record_type.model._meta.model_name
    provable = audit.provable_rows(history.record_type, [version.history_id for version in history.versions])
    for version in history.versions:
        version.provable = version.history_id in provable
    return render(
        request,
        "register/audit/record.html",
        {
            "history": history,
            "reads_all_history": policies.reads_all_history(viewer),
            # The record's own page: the viewer sees it if they read its history (a request or a
            # declaration decides so itself), or if they oversee every one of its kind.
            "request_page": history.request_id
            if history.request_id and (kind == "attendancerequest" or policies.oversees_attendance(viewer))
            else None,
            "declaration_page": history.declaration_id
            if history.declaration_id and (kind == "declaration" or policies.oversees_declarations(viewer))
            else None,
        },
    )


@login_required
@require_POST
def record_proof(request, record_type: str, record_id: int, history_id: int):
    """The inclusion proof of one change of a record (issue 20), as a JSON file the stand-alone checker
    reads. A POST: when no checkpoint covers the change yet, one is signed for it."""
    row, link = audit.history_row_for(request.user, record_type, record_id, history_id, standing=standing(request))
    document = proofs.inclusion_proof(link=link, row=row, person=request.user)
    if logged := record_kind_of(audit.record_type(record_type).model):  # the proof shows the row's values
        record_read(reader=request.user, record_kind=logged, record_id=record_id, via="page audit:record-proof")
    return json_download(document, f"{record_type}-{record_id}-change-{history_id}-proof.json")


def json_download(document: dict, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(document, indent=2) + "\n", content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


STORIES = {"request": audit.request_story, "declaration": audit.declaration_story}


def _record_story_read(request, kind: str, record_id: int, via: str) -> None:
    """A declaration's story tells its history, so opening it is a read of the declaration (issue 20)."""
    if kind == "declaration":
        record_read(reader=request.user, record_kind="declaration", record_id=record_id, via=via)


@login_required
@require_safe
def story(request, record_id: int, kind: str = "request"):
    """A request's (or a declaration's) whole story in one page, oldest first; printable."""
    viewer = standing(request)
    found = STORIES[kind](request.user, record_id, standing=viewer)
    _record_story_read(request, kind, record_id, "page audit:declaration-story")
    return render(
        request,
        "register/audit/story.html",
        {"story": found, "kind": kind, "reads_all_history": policies.reads_all_history(viewer)},
    )


@login_required
@require_safe
def story_export(request, record_id: int, kind: str = "request"):
    """A story as CSV: one row per field changed (or one for a change with none), oldest first."""
    found = STORIES[kind](request.user, record_id, standing=standing(request))
    _record_story_read(request, kind, record_id, "page audit:declaration-story-export")
    response = StreamingHttpResponse(_story_lines(found), content_type="text/csv; charset=utf-8")
    name = f"{found.record_type.slug}-{found.record_id}-history-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _story_lines(found: audit.Story) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(STORY_CSV_HEADER)
    for version in found.versions:
        start = [
            version.when_text,
            _cell(version.who.name) if version.who else "The system",
            version.record_type.label,
            version.record_id,
            _cell(version.subject),
            version.change_text,
            _cell(version.reason),
        ]
        if not version.changes:
            yield writer.writerow([*start, "", "", ""])
        for change in version.changes:
            yield writer.writerow([*start, change.label, _cell(change.old_text), _cell(change.new_text)])


@login_required
@require_safe
def access_log_page(request):
    """Who opened which declaration, concern or complaint, when and through which page or endpoint,
    newest first (issue 20): for the Monitoring Officer and auditors; "page not found" for anyone else."""
    viewer = standing(request)
    access_log.check_reads_access_log(request.user, standing=viewer)
    given = any(key in request.GET for key in ("reader", "record_kind", "record_id", "since_0", "until_0"))
    form = AccessLogFilterForm(request.GET if given else None)
    selection = access_log.AccessLogFilter() if not given else (form.selection() if form.is_valid() else None)
    page = None
    if selection is not None:
        page = access_log.access_log_page(
            request.user,
            selection,
            older_than=_cursor(request, "older"),
            newer_than=_cursor(request, "newer"),
            standing=viewer,
        )
    # A filter in error is bad input: the page names it in the error summary, with status 400.
    return form_page(
        request,
        "register/audit/access_log.html",
        {"page": page, "query": _query_without_cursor(request)},
        form=form,
    )
