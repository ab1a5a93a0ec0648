"""Issue 22, open data, in a real Chromium at 1,280 and 320 px: the published register's filters,
its error summary for a nonsense date range and its links to the CSV, JSON and Atom feed read well
(axe-core, no sideways scrolling) with no sign-in; the Chief Executive corrects an entry and the
page says so."""

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_published_register_filters_pages_and_corrections_read_well_A8(live_server, page_at_width):
    call_command("seed_demo", with_activity=True)
    page = page_at_width
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/register-of-attendance/")
    assert page.get_by_label("Group").is_visible() and page.get_by_label("Directorate").is_visible()
    assert page.get_by_role("link", name="Open Government Licence v3.0").is_visible()
    for name in ("CSV (spreadsheet)", "JSON", "Atom feed of new and corrected entries"):
        assert page.get_by_role("link", name=name).is_visible()
    assert_reads_well(page)

    page.get_by_label("From (date)").fill("2030-03-10")
    page.get_by_label("To (date)").fill("2030-03-01")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert (
        "The last date must be the same as or after the first date" in page.locator(".govuk-error-summary").inner_text()
    )
    assert_reads_well(page)

    journey = Journey(page, live_server.url)
    journey.sign_in("chief-executive")
    page.goto(f"{live_server.url}/register-of-attendance/")
    page.get_by_role("link", name="Correct this entry").first.click()
    page.wait_for_load_state()
    assert "The reason is published for anyone to read" in page.content()
    assert_reads_well(page)
    page.get_by_label("Subject").fill("Corrected subject from the journey")
    page.get_by_label("Reason for the correction (this is published)").fill("The subject was recorded wrongly.")
    page.get_by_role("button", name="Publish the correction").click()
    page.wait_for_url(f"{live_server.url}/register-of-attendance/")
    assert "Corrected" in page.content() and "The subject was recorded wrongly." in page.content()
    assert_reads_well(page)
