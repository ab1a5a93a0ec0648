"""Issue 19, point 4, in a real Chromium: the Monitoring Officer of the demo council produces the report
to the Standards Committee for the last quarter (D5), is told plainly when a period is wrong, and
downloads the report as a PDF whose text holds Appendix A. axe-core checks every page."""

import datetime
import subprocess
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from register import selectors
from register.forms_standards_report import last_quarter
from register.models import Complaint, Concern, Person
from tests import conduct_records as records
from tests.e2e.conftest import assert_reads_well
from tests.factories import make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-register-2026"


def fill_date(page, legend, day: datetime.date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def a_quarter_of_cases(start: datetime.date, end: datetime.date) -> None:
    """A few complaints and concerns in the last quarter, in the demo council."""
    member = Person.objects.get(username="member-1")
    council = SimpleNamespace(
        monitoring_officer=Person.objects.get(username="monitoring-officer"),
        independent_person=make_person(Person.Kind.INDEPENDENT),
        groups=[SimpleNamespace(members=[member]), SimpleNamespace(members=[member])],
        directorates=[SimpleNamespace(officers=[Person.objects.get(username="officer-1")])],
    )
    day = start + datetime.timedelta(days=10)
    records.complaint(council, "2101", received_on=day, view_given_on=day + datetime.timedelta(days=5),
                      decision=Complaint.Decision.NOT_ACCEPTED, decision_reason="not acting in official capacity",
                      decided_on=day + datetime.timedelta(days=6))  # fmt: skip
    records.complaint(council, "2102", received_on=day + datetime.timedelta(days=20),
                      complainant_type=Complaint.ComplainantType.BOROUGH_COUNCILLOR,
                      nature="Behaviour on social media", training_needs="Social media training")  # fmt: skip
    records.concern(council, kind=Concern.Kind.ABOUT_MEMBER, raised_on=day)
    records.concern(council, kind=Concern.Kind.INFORMATION, state=Concern.State.CLOSED, raised_on=end)


def test_the_monitoring_officer_produces_the_report_for_a_quarter_and_downloads_the_pdf_D5(live_server, page, tmp_path):
    call_command("seed_demo", with_activity=True)
    start, end = last_quarter(selectors.today())
    a_quarter_of_cases(start, end)
    base = live_server.url
    page.set_default_timeout(15_000)
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill("monitoring-officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/standards-report/")
    assert page.get_by_role("heading", level=1).inner_text() == "Report to the Standards Committee"
    assert_reads_well(page)

    # A period that ends before it starts: named on its date, nothing else shown.
    fill_date(page, "From", end)
    fill_date(page, "To", start)
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_role("heading", name="Appendix A").count() == 0
    assert_reads_well(page)

    page.get_by_role("link", name="The last quarter").click()
    page.wait_for_load_state()
    caption = f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    assert caption in page.locator(".govuk-caption-l").inner_text()
    appendix = page.get_by_role("table", name="Code complaints table")
    assert "2101" in appendix.inner_text() and "2102" in appendix.inner_text()
    assert "Matter currently under consideration" in appendix.inner_text()
    assert page.locator("#figure-concerns").inner_text() == "2"
    assert page.get_by_role("img", name="Protocol concerns raised in the period, by kind").count() == 1
    assert_reads_well(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report as PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    for heading in ("Case Ref", "Date Received", "Borough/Parish", "Nature of Complaint", "Date of decision"):
        assert heading in text
    assert "2101" in text and "Social media training" in text and caption in text
