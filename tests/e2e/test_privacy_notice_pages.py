"""The privacy notice and the records of processing (issue 21, item 4) read well at every width: no
serious accessibility violation, and the records' wide table scrolls in its own container, not the page."""

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_privacy_notice_and_the_records_of_processing_read_well(live_server, page_at_width):
    call_command("seed_demo")
    page = page_at_width
    page.goto(f"{live_server.url}/privacy/")
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy notice for the member/officer register"
    assert page.get_by_role("heading", name="Declarations of personal relationships").is_visible()
    assert_reads_well(page)

    Journey(page, live_server.url).sign_in("monitoring-officer")
    page.goto(f"{live_server.url}/privacy/records-of-processing/")
    assert page.get_by_role("heading", level=1).inner_text() == "Records of processing activities"
    container = page.locator('.register-table-container[aria-label="Records of processing"]')
    assert container.get_attribute("role") == "region"
    assert_reads_well(page)
