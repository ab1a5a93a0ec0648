"""The Monitoring Officer's report to the Standards Committee (D5): a page for a period, and the same
report as a tagged PDF (WeasyPrint, PDF/UA) to put in the committee's papers.

Thin: the figures are the selector's (register/selectors/standards_report.py); this module lays them
out, draws the charts (register/charts.py) and links each figure to the records behind it, for those
who may open them. The page and the PDF share one template of the report itself.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from register import charts, policies, selectors
from register.errors import NotFound, RuleViolation
from register.forms_standards_report import StandardsReportPeriodForm, last_quarter
from register.selectors.standards_report import Figure, StandardsReport, standards_report
from register.views.context import standing
from register.views.domain_errors import form_page

TEMPLATE = "register/standards_report/report.html"


def _url(name: str, *args, query: dict | None = None) -> str:
    """The address of a page, or empty when the register has no such page (yet)."""
    try:
        address = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{address}?{urlencode(query)}" if query else address


@dataclass(frozen=True)
class Chart:
    key: str
    svg: str
    table_id: str


def _records(name: str, prefix: str, ids) -> str:
    """Links to the records behind a figure: 'C12, C15'; empty where there is no such page."""
    links = [(url, f"{prefix}{pk}") for pk in ids if (url := _url(name, pk))]
    return format_html_join(", ", '<a class="govuk-link" href="{}">{}</a>', links)


def _case_reference(row) -> str:
    """Appendix A's case reference, each case linked to its complaint for those who may open it."""
    parts = []
    for pk, reference in zip(row.complaint_ids, row.references, strict=True):
        url = _url("complaints:detail", pk) if pk in row.viewable_ids else ""
        parts.append(format_html('<a class="govuk-link" href="{}">{}</a>', url, reference) if url else reference)
    if len(parts) == 1:
        return format_html("{}", parts[0])
    return format_html("{} &amp; {}", format_html_join(", ", "{}", ((part,) for part in parts[:-1])), parts[-1])


def _context(report: StandardsReport, *, links: bool) -> dict:
    period = {"start": report.start.isoformat(), "end": report.end.isoformat()}

    def concern_links(figure: Figure) -> str:
        return _records("concerns:detail", "C", figure.record_ids) if links else ""

    briefing_pairs = [(row.group.name, row.made) for row in report.briefings]
    days_pairs = [(row.group.name, row.average_working_days_to_decision or 0) for row in report.briefings]
    chart_list = [
        Chart(
            "concerns_kind",
            charts.bar_chart(
                [(f.label, f.value) for f in report.concerns_by_kind],
                title="Protocol concerns raised in the period, by kind",
                chart_id="chart-concerns-kind-title",
                described_by="concerns-by-kind",
            ),
            "concerns-by-kind",
        ),
        Chart(
            "concerns_stage",
            charts.bar_chart(
                [(f.label, f.value) for f in report.concerns_by_stage],
                title="Protocol concerns raised in the period, by stage reached",
                chart_id="chart-concerns-stage-title",
                described_by="concerns-by-stage",
            ),
            "concerns-by-stage",
        ),
        Chart(
            "briefings",
            charts.bar_chart(
                briefing_pairs,
                title="Requests for officer briefings made in the period, by group",
                chart_id="chart-briefings-title",
                described_by="briefings",
            ),
            "briefings",
        ),
        Chart(
            "decision_days",
            charts.bar_chart(
                days_pairs,
                title="Average working days from request to decision, by group",
                chart_id="chart-decision-days-title",
                described_by="briefings",
                units=("working day", "working days"),
            ),
            "briefings",
        ),
    ]
    overdue_links = {
        "attendance-decisions": _url("attendance:queue") if links and report.opens_briefings else "",
        "reconfirmations": _url("declarations:not-confirmed") if links and report.opens_confirmations else "",
    }
    return {
        "report": report,
        "links": links,
        "cases": [(row, _case_reference(row) if links else row.case_ref) for row in report.cases],
        "concerns_by_kind": [(f, concern_links(f)) for f in report.concerns_by_kind],
        "concerns_by_stage": [(f, concern_links(f)) for f in report.concerns_by_stage],
        "overdue": [(f, concern_links(f), overdue_links.get(f.key, "")) for f in report.overdue],
        "charts": {chart.key: chart for chart in chart_list},
        "parity_url": _url("attendance:parity", query=period) if links and report.opens_briefings else "",
        "declarations_url": _url("declarations:all") if links and report.opens_declarations else "",
        "pdf_url": f"{reverse('standards-report:pdf')}?{urlencode(period)}",
    }


def _period_form(request) -> tuple[StandardsReportPeriodForm, datetime.date, datetime.date]:
    today = selectors.today()
    given = StandardsReportPeriodForm.is_given(request.GET)
    form = StandardsReportPeriodForm(request.GET if given else None)
    start, end = last_quarter(today)
    if given and form.is_valid():
        start, end = form.period(today)
    if not given:
        form.initial = {"start": start, "end": end}
    return form, start, end


def _report_or_refusal(request):
    """The report for the period asked for (the last quarter by default), or the form with its
    errors. Who may read it is the selector's to say, before anything about the period."""
    viewer = standing(request)
    if not policies.reads_standards_report(viewer):
        raise NotFound("There is no such report.")
    form, start, end = _period_form(request)
    if form.is_bound and form.errors:
        return form, None
    try:
        return form, standards_report(viewer=viewer, start=start, end=end)
    except RuleViolation as error:
        form.refuse(error)
        return form, None


def _quick_periods() -> list[tuple[str, str]]:
    start, end = last_quarter(selectors.today())
    address = reverse("standards-report:report")
    return [("The last quarter", f"{address}?{urlencode({'start': start.isoformat(), 'end': end.isoformat()})}")]


@login_required
def report(request):
    """The report for a period, as a page: a period in error is named on its date (status 400)."""
    form, found = _report_or_refusal(request)
    context = {"quick_periods": _quick_periods()}
    if found is not None:
        context.update(_context(found, links=True))
    return form_page(request, TEMPLATE, context, form=form)


@login_required
def pdf(request):
    """The same report as a tagged PDF (PDF/UA), in the fonts the server has (Liberation Sans, DejaVu)."""
    form, found = _report_or_refusal(request)
    if found is None:
        return form_page(request, TEMPLATE, {"quick_periods": _quick_periods()}, form=form)
    from weasyprint import HTML  # loaded on first use: Pango is only needed to write a PDF

    html = render_to_string("register/standards_report/pdf.html", _context(found, links=False), request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(document, content_type="application/pdf")
    name = f"standards-committee-report-{found.start.isoformat()}-to-{found.end.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
