"""Issue 16, points 1 and 4, in a real Chromium at 1,280 and 320 px: urgent requests head the Chief
Executive's queue with their meeting's date, the request form warns a leader before sending an urgent
request (A12), and an officer is shown as "asked" until approval and "not needed" after a refusal."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from register.models import AttendanceRequest, Person
from register.services import attendance
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_attendance_journey import choose_officer, fill_meeting, sent_and_opened
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
# The clock fixture's day is Monday 2 March 2026: a decision is normally due Wednesday 4 March.
SOON = datetime.date(2026, 3, 4)
LATER = datetime.date(2026, 3, 20)


def ask(leader: str, day: datetime.date, subject: str, officer: str = "officer-1") -> AttendanceRequest:
    return attendance.attendance_request_submit(
        actor=Person.objects.get(username=leader),
        reason="Requested for the test",
        meeting=attendance.MeetingDetails(
            starts_at=datetime.datetime.combine(day, datetime.time(18), tzinfo=LONDON), place="Committee Room 1"
        ),
        officers=[Person.objects.get(username=officer)],
        subject=subject,
        scope="The options and their costs.",
    )


def test_point_1_urgent_requests_head_the_queue_with_their_meeting_date_A12(live_server, page_at_width, clock):
    call_command("seed_demo")
    ask("leader-1", LATER, "Library opening hours")
    ask("leader-2", SOON, "Flood defences before the storm")
    journey = Journey(page_at_width, live_server.url)
    journey.sign_in("chief-executive")
    page_at_width.goto(f"{live_server.url}/attendance/queue/")
    rows = page_at_width.locator("table tbody tr")
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "Flood defences before the storm" in first and "Urgent" in first
    assert "Meeting: 4 March 2026, 18:00" in first and "3 March 2026" in first
    assert "Library opening hours" in second and "Urgent" not in second
    assert_reads_well(page_at_width)


def test_point_1_the_request_form_warns_before_an_urgent_request_is_sent_A12(live_server, page_at_width, clock):
    call_command("seed_demo")
    officer = Person.objects.get(username="officer-1")
    page = page_at_width
    journey = Journey(page, live_server.url)
    journey.sign_in("leader-1")
    page.goto(f"{live_server.url}/attendance/new/")
    assert page.get_by_text("if the meeting is sooner, the request is urgent").is_visible()
    fill_meeting(page, SOON)
    choose_officer(page, officer)
    page.get_by_label("Subject of the briefing").fill("Flood defences before the storm")
    page.get_by_label("Scope of the brief").fill("The sandbag stocks and the pumps.")
    journey.submit("Send the request to the Chief Executive")

    warning = page.locator("#urgent-warning")
    # The form comes back from the server with the warning: wait for that page, not the one clicked on.
    expect(warning).to_be_visible()
    assert "This request is urgent" in warning.inner_text()
    assert "due by Tuesday 3 March 2026" in warning.inner_text()
    assert not AttendanceRequest.objects.exists(), "not sent until the leader confirms"
    assert_reads_well(page)

    journey.submit("Send the request to the Chief Executive")
    expect(page.locator("#decision-due")).to_contain_text("The request is urgent")
    sent_and_opened(journey)
    assert journey.heading() == "Flood defences before the storm"
    assert page.locator(".govuk-tag", has_text="Urgent").first.is_visible()
    created = AttendanceRequest.objects.get()
    assert (created.due_on, created.urgent) == (datetime.date(2026, 3, 3), True)
    assert_reads_well(page)


def test_point_4_an_officer_is_asked_before_approval_and_not_needed_after_refusal_A4(live_server, page_at_width, clock):
    call_command("seed_demo")
    request = ask("leader-1", LATER, "Library opening hours")
    page = page_at_width
    journey = Journey(page, live_server.url)
    journey.sign_in("officer-1")
    page.goto(f"{live_server.url}/attendance/{request.pk}/")
    assert page.locator("main .govuk-tag", has_text="Asked").count() == 1
    assert page.locator("main .govuk-tag", has_text="Invited").count() == 0
    assert_reads_well(page)

    attendance.attendance_request_refuse(
        request=request, actor=Person.objects.get(username="chief-executive"), reason="Not this time"
    )
    page.reload()
    assert page.locator("main .govuk-tag", has_text="Not needed").count() == 1
    assert page.locator("main .govuk-tag", has_text="Asked").count() == 0
    assert_reads_well(page)
