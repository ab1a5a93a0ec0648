"""Issue 16, point 10: a newcomer to the demo council (``seed_demo --with-activity``, what ``make run``
loads) finds a year of activity, not empty pages: the Chief Executive's queue, a group leader's
requests and the auditor's timeline, at 1,280 and 320 px, each reading well (axe-core, no sideways
scrolling)."""

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def visit(journey: Journey, username: str, path: str) -> str:
    """Sign in afresh as ``username``, open ``path`` and return the page's text once it reads well."""
    journey.page.context.clear_cookies()
    journey.sign_in(username)
    journey.page.goto(f"{journey.base_url}{path}")
    assert_reads_well(journey.page)
    return journey.page.locator("main").inner_text()


def test_point_10_the_demo_councils_pages_show_a_year_of_activity_A1_A2_C2(live_server, page_at_width):
    """The Chief Executive has requests to decide (A2), one overdue; the Labour leader sees their
    group's requests, past and to come (A1); the auditor's timeline lists the year's changes (C2)."""
    call_command("seed_demo", "--with-activity")
    journey = Journey(page_at_width, live_server.url)

    queue = visit(journey, "chief-executive", "/attendance/queue/")
    assert "No request is awaiting a decision" not in queue
    for subject in ("Bus service subsidies", "The polling district review", "Winter pressures in adult social care"):
        assert subject in queue
    assert "overdue" in queue.lower()

    requests = visit(journey, "leader-1", "/attendance/")
    for subject in (
        "Winter pressures in adult social care",
        "The public health grant for 2026/27",
        "The workforce strategy and the use of agency staff",
    ):
        assert subject in requests

    timeline = visit(journey, "auditor", "/history/")
    assert "No changes match these filters" not in timeline
    assert "Notice delivered" in timeline
    journey.page.get_by_role("link", name="Older").first.click()
    journey.page.wait_for_load_state()
    assert_reads_well(journey.page)
