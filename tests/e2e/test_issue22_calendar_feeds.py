"""Issue 22, calendar feeds, in a real Chromium, each page checked by axe-core: a group leader makes
their calendar address from their account, a calendar client reads it, and a reset stops it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_leader_makes_their_calendar_address_subscribes_and_resets_it(live_server, page):
    call_command("seed_demo")
    journey = Journey(page, live_server.url)
    journey.sign_in("leader-1")
    page.get_by_role("link", name="Your account").click()
    page.wait_for_url(f"{live_server.url}/account/")
    journey.follow("Subscribe to your briefings in Outlook or on your phone")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar feeds")
    expect(page.locator("#feed-kinds")).to_contain_text("Your group's officer briefings")
    assert_reads_well(page)

    journey.submit("Make my calendar address")
    address = page.locator("#addresses code").first.inner_text()
    assert "/calendar/" in address and address.endswith("/group-briefings.ics")
    expect(page.locator("#subscribe")).to_be_visible()
    assert_reads_well(page)

    path = "/" + address.split("://", 1)[1].split("/", 1)[1]
    feed = page.request.get(f"{live_server.url}{path}")
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VTIMEZONE" in feed.text()

    page.get_by_label("Why are you resetting it?").fill("Shared it by mistake")
    journey.submit("Reset the address")
    expect(page.locator("#feeds")).to_contain_text("Shared it by mistake")
    gone = page.request.get(f"{live_server.url}{path}")
    assert gone.status == 404 and "has been reset" in gone.text()
