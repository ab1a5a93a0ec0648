"""The audit pages (C2): the timeline across the register, its CSV export, and each record's
history with field-by-field differences. Read-only; thin over ``register.selectors.audit``.

The timeline and export are for auditors; a record's history also for those who may see the
record (the selector decides). Everyone else gets "page not found".
"""

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from register import policies
from register.forms_audit import TimelineFilterForm
from register.selectors import audit as audit
from register.views.context import standing
from register.views.domain_errors import form_page

CSV_HEADER = ["position", "when", "who", "who_username", "record_type", "record_id", "change", "reason", "history_id"]


def _cursor(request, name: str) -> int | None:
    given = request.GET.get(name)
    if given is None:
        return None
    if not given.isdigit() or len(given) > 18:
        raise Http404("There is no such page of the timeline.")
    return int(given)


def _filters(request) -> tuple[TimelineFilterForm, audit.TimelineFilter | None]:
    """The filter form, bound when any filter was given; None for the selection if it has errors."""
    given = any(key in request.GET for key in ("record_type", "person", "since_0", "until_0"))
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
    return form_page(
        request,
        "register/audit/timeline.html",
        {"page": page, "query": _query_without_cursor(request)},
        form=form,
    )


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
                timezone.localtime(entry.when).isoformat() if entry.when else "",
                _cell(who.name) if who else "",
                _cell(who.username) if who else "",
                entry.record_type.label if entry.record_type else "",
                entry.record_id,
                entry.change_text,
                _cell(entry.reason),
                entry.history_id,
            ]
        )


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
    history = audit.record_history(request.user, record_type, record_id, standing=standing(request))
    return render(
        request,
        "register/audit/record.html",
        {
            "history": history,
            "reads_all_history": policies.reads_all_history(standing(request)),
        },
    )
