"""Issue 16, points 7, 8 and 9 in a real Chromium, at 1,280 and at 320 px: the service navigation
collapses behind its menu button on a phone; wide tables scroll inside their own container and long
words wrap, so the page never scrolls sideways (WCAG 2.2 1.4.10); the parity report's period is a
GOV.UK date input (A11); and ``/`` is a landing page for the public, with the public register (A8)
and the accessibility statement and privacy notice a footer link away."""

import pytest
from django.core.management import call_command

from register.models import Person
from register.services import attendance
from tests.e2e.conftest import assert_reads_well, horizontal_overflow
from tests.e2e.test_declarations_journey import Journey
from tests.factories import meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = 320
LONG_SUBJECT = "Libraries" + "x" * 291  # 300 characters and not one space


def signed_in(page, live_server, username) -> Journey:
    journey = Journey(page, live_server.url)
    journey.sign_in(username)
    return journey


def menu_button(page):
    return page.get_by_role("button", name="Menu")


def navigation_link(page, name):
    return page.locator("#navigation").get_by_role("link", name=name, exact=True)


def container_of(page, table_selector):
    return page.locator(f".register-table-container:has({table_selector})")


def scrolls_sideways(locator) -> bool:
    return locator.evaluate("element => element.scrollWidth > element.clientWidth")


def test_point_7_the_navigation_collapses_behind_its_menu_button_on_a_phone(live_server, page_at_width):
    call_command("seed_demo")
    page = page_at_width
    signed_in(page, live_server, "chief-executive")
    decisions = navigation_link(page, "Attendance decisions")
    if page.width == PHONE:
        assert menu_button(page).is_visible()
        assert menu_button(page).get_attribute("aria-expanded") == "false"
        assert not decisions.is_visible()
        # The navigation no longer fills the first screen: the heading shows above the fold.
        assert page.get_by_role("heading", level=1).bounding_box()["y"] < 450
        assert_reads_well(page)
        menu_button(page).click()
        assert menu_button(page).get_attribute("aria-expanded") == "true"
        assert decisions.is_visible()
    else:
        assert not menu_button(page).is_visible()
        assert decisions.is_visible()
    assert navigation_link(page, "Home").get_attribute("aria-current") == "page"
    assert_reads_well(page)
    decisions.click()
    page.wait_for_url(f"{live_server.url}/attendance/queue/")
    assert page.locator('#navigation a[href="/attendance/queue/"]').get_attribute("aria-current") == "page"
    assert_reads_well(page)


def test_point_7_the_parity_table_scrolls_in_its_own_container_not_the_page_A11(live_server, page_at_width):
    call_command("seed_demo")
    page = page_at_width
    signed_in(page, live_server, "chief-executive")
    page.goto(f"{live_server.url}/attendance/parity/")
    container = container_of(page, "#parity-table")
    assert container.get_attribute("role") == "region"
    assert container.get_attribute("aria-label") == "Requests by group"
    if page.width == PHONE:
        assert scrolls_sideways(container)
        # A keyboard user scrolls it: the container takes focus, then the arrow keys move it.
        container.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        assert container.evaluate("element => element.scrollLeft") > 0
        assert page.get_by_text("scroll it sideways to see every column").is_visible()
    else:
        assert not scrolls_sideways(container)
        assert not page.get_by_text("scroll it sideways to see every column").is_visible()
    assert horizontal_overflow(page) <= 0
    assert_reads_well(page)


def test_point_7_an_unbroken_300_character_subject_does_not_widen_the_queue(live_server, page_at_width, clock):
    call_command("seed_demo")
    request = attendance.attendance_request_submit(
        actor=Person.objects.get(username="leader-1"),
        meeting=meeting(),
        officers=[Person.objects.get(username="officer-1")],
        subject=LONG_SUBJECT,
        scope="The options for branch libraries.",
    )
    assert len(request.subject) == 300
    page = page_at_width
    signed_in(page, live_server, "chief-executive")
    for address in ("/attendance/queue/", f"/attendance/{request.pk}/", f"/attendance/{request.pk}/decide/"):
        page.goto(f"{live_server.url}{address}")
        assert page.get_by_text(LONG_SUBJECT[:60]).first.is_visible()
        assert_reads_well(page)
        if address == "/attendance/queue/":
            # The subject wraps in its cell, which stays narrower than the screen; on a desktop the
            # whole table fits without scrolling its container.
            cell = page.locator("td", has_text=LONG_SUBJECT[:60]).first
            assert cell.bounding_box()["width"] < page.width / 2
            if page.width != PHONE:
                assert not scrolls_sideways(page.locator(".register-table-container").first)


def test_point_8_the_parity_period_is_a_date_input_with_errors_that_name_the_date_A11(live_server, page_at_width):
    call_command("seed_demo")
    page = page_at_width
    journey = signed_in(page, live_server, "auditor")
    page.goto(f"{live_server.url}/attendance/parity/")
    start = page.get_by_role("group", name="From")
    start.get_by_label("Day").fill("31")
    start.get_by_label("Month").fill("2")
    start.get_by_label("Year").fill("2026")
    journey.submit("Show the period")
    assert page.title().startswith("Error: Parity report")
    summary = page.get_by_role("alert")
    error = summary.get_by_role("link", name="The date the period starts must be a real date, for example 27 3 2024")
    assert_reads_well(page)
    error.click()
    assert page.evaluate("document.activeElement.id") == "id_start_0"

    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("1")
    start.get_by_label("Year").fill("2026")
    journey.submit("Show the period")
    assert page.get_by_text("1 January 2026 to").is_visible()
    time_to_decision = page.locator("#parity-table tbody tr").first.locator("td").last.inner_text()
    assert time_to_decision == "No decisions yet" or time_to_decision.startswith(
        ("Average", "Decided the same", "All decided")
    )
    assert_reads_well(page)


def test_point_9_the_front_door_is_a_landing_page_with_the_public_register_and_sign_in_A8(live_server, page_at_width):
    call_command("seed_demo")
    page = page_at_width
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Member/officer register"
    assert page.get_by_role("link", name="Read the register of officer attendance at group meetings").is_visible()
    assert_reads_well(page)

    # The public register from the header's navigation (behind the menu button on a phone).
    if page.width == PHONE:
        menu_button(page).click()
    navigation_link(page, "Public register").click()
    page.wait_for_url(f"{live_server.url}/register-of-attendance/")
    assert page.locator('#navigation a[href="/register-of-attendance/"]').get_attribute("aria-current") == "page"
    assert_reads_well(page)

    for name, heading in (
        ("Accessibility statement", "Accessibility statement for the member/officer register"),
        ("Privacy notice", "Privacy notice for the member/officer register"),
    ):
        page.get_by_role("contentinfo").get_by_role("link", name=name).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert_reads_well(page)

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/sign-in/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert_reads_well(page)
