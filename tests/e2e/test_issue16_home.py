"""Issue 16, point 3 (notices that lead somewhere) and the signed-in side of point 9 (a home page with
the open actions first and one main action), in a real Chromium at 1,280 and at 320 px, each page
checked by axe-core and for sideways scrolling."""

import pytest
from django.core.management import call_command

from register.models import Notification, Person
from register.services import attendance
from register.services.delivery import deliver
from tests.e2e.conftest import assert_reads_well, save_screenshot
from tests.e2e.test_attendance_journey import fill_meeting
from tests.e2e.test_declarations_journey import Journey
from tests.factories import meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def reached(page) -> None:
    """A page these journeys arrive at (the lists of invitations and of requests to decide, the
    pages a main action opens) reads well too."""
    assert_reads_well(page)


def approved_briefing(subject: str, *, group_leader="leader-1", officer="officer-1"):
    """A briefing the first group's leader asked for and the Chief Executive agreed, through the
    services, with its in-app notices delivered (no worker runs in these tests)."""
    request = attendance.attendance_request_submit(
        actor=Person.objects.get(username=group_leader),
        reason="Briefing wanted",
        meeting=meeting(),
        officers=[Person.objects.get(username=officer)],
        subject=subject,
        scope="SECRET-SCOPE: the group's own line",
    )
    request = attendance.attendance_request_approve(
        request=request, actor=Person.objects.get(username="chief-executive"), reason="Agreed"
    )
    pending = Notification.objects.filter(channel=Notification.Channel.IN_APP, status=Notification.Status.PENDING)
    for notice in list(pending):
        deliver(notice.pk)
    return request


def test_point_3_an_officer_follows_the_invitation_notice_to_accept_or_decline_A4(live_server, page_at_width, clock):
    page = page_at_width
    call_command("seed_demo")
    request = approved_briefing("Library opening hours")
    journey = Journey(page, live_server.url)
    journey.sign_in("officer-1")
    assert_reads_well(page)
    page.goto(f"{live_server.url}/notices/")  # on a phone the navigation's link is behind its Menu button
    notice = page.locator(".govuk-summary-card", has_text="Library opening hours").filter(
        has=page.get_by_role("link", name="Accept or decline")
    )
    assert_reads_well(page)
    save_screenshot(page, f"notices-with-links-{page.width}px")
    notice.get_by_role("link", name="Accept or decline").click()
    page.wait_for_url(f"{live_server.url}/attendance/{request.pk}/respond/")
    assert_reads_well(page)
    assert journey.heading()  # the respond page, with the A5 reminder before answering
    page.get_by_label("Yes, I will attend").check()
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_load_state()
    assert page.get_by_text("You have accepted the invitation.").is_visible()
    reached(page)


def test_point_3_a_leader_sees_an_equivalent_on_offer_on_their_home_page_and_takes_it_up_A3_A8(
    live_server, page_at_width, clock
):
    page = page_at_width
    call_command("seed_demo")
    original = approved_briefing("Care home fees")
    journey = Journey(page, live_server.url)
    journey.sign_in("leader-2")
    offer = page.locator(f"#offer-{original.pk}")
    assert offer.get_by_role("heading", name="Care home fees").is_visible()
    assert offer.get_by_text(Person.objects.get(username="officer-1").name).is_visible()
    assert not page.get_by_text("SECRET-SCOPE").count(), "the other group's brief stays with it (A9)"
    assert page.locator("#needs-your-action").get_by_text("Briefings your group may also have", exact=True).is_visible()
    assert_reads_well(page)
    save_screenshot(page, f"home-leader-with-offer-{page.width}px")
    offer.get_by_role("link", name="Request the same briefing").click()
    page.wait_for_url(f"{live_server.url}/attendance/same/{original.pk}/")
    assert journey.heading() == "Request the same briefing"
    assert_reads_well(page)
    fill_meeting(page)
    page.get_by_role("button", name="Request the same briefing").click()
    page.wait_for_load_state()
    assert journey.heading() == "Care home fees"
    assert page.get_by_text("Your request for the same briefing has gone to the Chief Executive.").is_visible()
    assert_reads_well(page)


MAIN_ACTIONS = [
    # (who signs in, the main action, the heading of the page it opens)
    ("leader-1", "Request a briefing", "Request an officer briefing"),
    ("deputy-leader-1", "Request a briefing", "Request an officer briefing"),
    ("chief-executive", "Decide requests", "Attendance requests to decide"),
    ("monitoring-officer", "Review declarations", "Declarations to review"),
    ("auditor", "Open the audit timeline", "Audit timeline"),
    ("member-1", "Declare a relationship", "Declare a relationship"),
    ("officer-1", "Declare a relationship", "Declare a relationship"),
]


def test_point_9_each_roles_home_shows_its_main_action(live_server, page_at_width):
    page = page_at_width
    call_command("seed_demo")
    journey = Journey(page, live_server.url)
    for username, action, heading in MAIN_ACTIONS:
        journey.sign_in(username)
        start = page.locator("a.govuk-button--start")
        assert start.count() == 1, username
        assert start.inner_text().strip() == action, username
        assert start.is_visible() and start.bounding_box()["y"] < 900, (
            f"{username}: the main action is on the first screen"
        )
        assert_reads_well(page)  # its screenshot, after a year of activity: test_issue16_every_home.py
        start.click()
        page.wait_for_load_state()
        reached(page)
        assert journey.heading() == heading, username
        journey.page.goto(f"{live_server.url}/")
        journey.sign_out()
