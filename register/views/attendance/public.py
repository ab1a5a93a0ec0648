"""The published register of officer attendance at group meetings (A8), for everyone: no sign-in.

The page, the CSV and the Atom feed (and the API's JSON, api/views_attendance.py) take the same
filters (``register.forms_published.PublishedRegisterFilter``), refuse nonsense in the same words
with 400, and show the same entries, built by ``selectors.published_entries``: the group, the
officers' posts, the date and the subject (A8, A9), each entry's publication date and, once corrected
by the Chief Executive's office, when and why. Nothing else leaves. docs/open-data.md documents the
fields and the licence.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.cache import cache_control

from register import policies, selectors
from register.errors import RuleViolation, in_words
from register.forms_published import PublishedEntryCorrectionForm, PublishedRegisterFilter
from register.services import attendance as services
from register.views.attendance.common import posted, seen
from register.views.context import standing
from register.views.domain_errors import form_page

ENTRIES_PER_PAGE = 25
# The Atom feed's length: the entries published or corrected last.
FEED_ENTRIES = 50
# The open data changes when an attendance is recorded or an entry corrected: five minutes is fresh enough,
# and lets a cache in front of the register answer the journalists' scripts.
FRESH_FOR = 300
CSV_FIELDS = ("group", "posts", "date", "subject", "published_on", "corrected", "corrected_on", "correction")
# OWASP, "CSV Injection": a cell a spreadsheet would read as a formula begins with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def licence() -> dict:
    return {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL}


def _filter(request) -> PublishedRegisterFilter:
    return PublishedRegisterFilter(request.GET)


def _refused(form: PublishedRegisterFilter, *, content_type: str) -> HttpResponse:
    """The data's answer to nonsense filters: 400, each error on a line of its own, naming the filter."""
    lines = [f"{field}: {message}" for field, message in form.error_list()]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type=content_type)


def published(request):
    """Group, officer's post, date and subject, the day each entry was published and any correction (A8)."""
    form = _filter(request)
    entries, page = [], None
    if form.is_valid():
        paginator = Paginator(selectors.published_briefings(**form.filters), ENTRIES_PER_PAGE)
        try:
            page = paginator.page(form.cleaned_data["page"] or 1)
        except EmptyPage:
            form.add_error(
                "page", f"There is no page {form.cleaned_data['page']}: the last is page {paginator.num_pages}"
            )
        else:
            briefings = list(page.object_list)
            corrects = policies.corrects_published_entry(standing(request))
            entries = [
                {"fact": fact, "correct": corrects and reverse("attendance:correct-entry", args=[briefing.pk])}
                for briefing, fact in zip(briefings, selectors.published_entries(briefings), strict=True)
            ]
    # The filters given, for the pages' links and the open data's: empty ones left out, as the API
    # refuses a filter given empty.
    query = QueryDict(mutable=True)
    for name in PublishedRegisterFilter.base_fields:
        if name != "page" and request.GET.get(name):
            query[name] = request.GET[name]
    response = render(
        request,
        "register/attendance/published.html",
        {
            "form": form,
            "entries": entries,
            "page": page,
            "pages": _pages(page, query.urlencode()) if page else [],
            "query": query.urlencode(),
            "licence": licence(),
        },
        status=400 if form.errors else 200,
    )
    # A shared cache may keep the page the public sees; the Chief Executive's (with its "Correct this
    # entry" links) is theirs alone.
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=FRESH_FOR)
    return response


def _pages(page, query: str) -> list[dict]:
    """The GOV.UK pagination component's items: the first, last and neighbouring pages, with gaps."""
    last, current = page.paginator.num_pages, page.number
    shown = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    items, before = [], 0
    for number in shown:
        if number - before > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "current": number == current, "href": f"?{query}&page={number}"})
        before = number
    return items


def spreadsheet_safe(value: str) -> str:
    """A cell that a spreadsheet would run as a formula is made text with a leading apostrophe (OWASP)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_row(entry) -> list[str]:
    cells = [
        entry.group,
        "; ".join(entry.posts),
        entry.date.isoformat(),
        entry.subject,
        entry.published_on.isoformat(),
        "yes" if entry.corrected else "no",
        entry.corrected_on.isoformat() if entry.corrected else "",
        entry.correction,
    ]
    return [spreadsheet_safe(cell) for cell in cells]


@cache_control(public=True, max_age=FRESH_FOR)
def published_csv(request):
    """Every entry the filters select, one row per briefing, the officers' posts joined by "; "."""
    form = _filter(request)
    if not form.is_valid():
        return _refused(form, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="officer-attendance.csv"'
    response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    writer = csv.writer(response)
    writer.writerow(CSV_FIELDS)
    for entry in selectors.published_entries(selectors.published_briefings(**form.filters)):
        writer.writerow(csv_row(entry))
    return response


class PublishedFeed(Feed):
    """An Atom feed of the entries published or corrected last: each entry's id is stable for its
    briefing, ``updated`` is the correction's time once corrected, and a correction says so."""

    feed_type = Atom1Feed
    title = "Register of officer attendance at group meetings"
    subtitle = "New and corrected entries: group, officers' posts, date and subject (protocol rules A8, A9)."

    def __call__(self, request, *args, **kwargs):
        form = _filter(request)
        if not form.is_valid():
            return _refused(form, content_type="text/plain; charset=utf-8")
        self.form = form
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = f"public, max-age={FRESH_FOR}"
        return response

    def link(self):
        return reverse("published-attendance")

    def author_name(self):
        # RFC 4287 wants an author for every entry: the council, for the whole feed.
        return settings.COUNCIL_NAME

    def feed_copyright(self):
        return f"{settings.OPEN_DATA_LICENCE_NAME}: {settings.OPEN_DATA_LICENCE_URL}"

    def items(self):
        return selectors.updated_entries(selectors.published_briefings(**self.form.filters), limit=FEED_ENTRIES)

    def item_title(self, entry):
        corrected = " (corrected)" if entry.corrected else ""
        return f"{entry.group}: {entry.subject}{corrected}"

    def item_description(self, entry):
        lines = [
            f"Group: {entry.group}",
            f"Officer's post: {'; '.join(entry.posts)}",
            f"Date: {entry.date:%-d %B %Y}",
            f"Subject: {entry.subject}",
            f"Published {entry.published_on:%-d %B %Y}",
        ]
        if entry.corrected:
            lines.append(f"Corrected {entry.corrected_on:%-d %B %Y}: {entry.correction}")
        return "\n".join(lines)

    def item_link(self, entry):
        # The page filtered to the entry's day, so that the entry is on its first page however old it is.
        day = entry.date.isoformat()
        return f"{reverse('published-attendance')}?start={day}&end={day}#entry-{entry.key}"

    def item_guid(self, entry):
        return f"urn:council-register:officer-attendance:{entry.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.corrected_at or entry.published_at


published_atom = PublishedFeed()


@login_required
def correct_entry(request, request_id: int):
    """The Chief Executive's office corrects a published entry's date and subject, with a published reason."""
    found = seen(request, request_id)
    entry = services.published_entry_to_correct(request=found, actor=request.user)
    initial = {"date": entry.shown_date, "subject": entry.corrected_subject or entry.subject}
    form = PublishedEntryCorrectionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.published_entry_correct(request=found, actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, in_words(error))
        else:
            messages.success(request, "The entry is corrected. The register and its Atom feed show the correction.")
            return redirect("published-attendance")
    return form_page(
        request, "register/attendance/correct_entry.html", {"attendance_request": found, "entry": entry}, form=form
    )
