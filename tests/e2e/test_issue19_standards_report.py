"""Issue 19, point 4, in a real Chromium: the Monitoring Officer of the demo council produces the report
to the Standards Committee for the last quarter (D5), is told plainly when a period is wrong, and
downloads the report as a PDF whose text holds Appendix A. axe-core checks every page."""

import datetime
import subprocess

import pytest
from django.core.management import call_command

from register import selectors
from register.forms_standards_report import last_quarter
from register.models import Person
from register.selectors.standards_report import standards_report
from tests.e2e.conftest import SCREENSHOTS, assert_reads_well

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-register-2026"


def fill_date(page, legend, day: datetime.date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_the_monitoring_officer_produces_the_report_for_a_quarter_and_downloads_the_pdf_D5(live_server, page, tmp_path):
    # The demo council's year of complaints and concerns (register/management/demo_conduct.py), counted
    # back from today: which of them fall in the last quarter depends on the day the test runs, so the
    # rows expected are the report's own (the integration tests reconcile its figures with the tables).
    call_command("seed_demo", with_activity=True)
    start, end = last_quarter(selectors.today())
    expected = standards_report(
        viewer=selectors.standing_of(Person.objects.get(username="monitoring-officer")), start=start, end=end
    )
    assert expected.cases, "the demo year has complaints in every quarter"
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
    for row in expected.cases:
        assert row.case_ref in appendix.inner_text()
    assert page.locator("#figure-concerns").inner_text() == str(expected.concerns_raised)
    assert page.get_by_role("img", name="Protocol concerns raised in the period, by kind").count() == 1
    assert_reads_well(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report as PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    # The README shows the report's first page, as the committee's papers print it.
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(SCREENSHOTS / "standards-report"),
        ],
        check=True,
    )
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    for heading in ("Case Ref", "Date Received", "Borough/Parish", "Nature of Complaint", "Date of decision"):
        assert heading in text
    assert caption in text and expected.cases[0].case_ref in text
