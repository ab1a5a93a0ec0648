"""Every demo role's home page after a year of activity, at 1,280 and at 320 px (issue 16, points 3,
9 and 10): it opens with one main action, reads well (axe-core finds nothing serious, no sideways
scrolling) and is saved to docs/screenshots/ for the README."""

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_reads_well, save_screenshot
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# One person for each kind of post in the demo council (README, "Demo users").
ROLES = [
    "leader-1",
    "deputy-leader-1",
    "member-1",
    "co-opted-1",
    "chief-executive",
    "deputy-chief-executive",
    "monitoring-officer",
    "deputy-monitoring-officer",
    "director-1",
    "assistant-director-1",
    "officer-1",
    "auditor",
]


def test_every_roles_home_page_opens_with_its_main_action_and_reads_well_after_a_year_A1_B1_C2(
    live_server, page_at_width
):
    page = page_at_width
    call_command("seed_demo", with_activity=True)
    journey = Journey(page, live_server.url)
    for username in ROLES:
        journey.sign_in(username)
        main_action = page.locator("a.govuk-button--start")
        assert main_action.count() == 1, f"{username} has one main action"
        assert main_action.bounding_box()["y"] < 900, f"{username}: the main action is on the first screen"
        assert_reads_well(page)
        save_screenshot(page, f"home-{username}-{page.width}px")
        journey.sign_out()
