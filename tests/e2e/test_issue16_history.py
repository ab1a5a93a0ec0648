"""Issue 16, point 5, in a real Chromium at 1,280 and 320 px: history people can read (C2). An auditor
narrows the timeline to one request, opens its whole story, reads names, capacities and UK times
rather than ids and UTC stamps, prints it without the navigation, and downloads it as CSV."""

import csv
import io
import re

import pytest
from django.core.management import call_command

from register.models import AttendanceRequest, Person
from register.selectors.history_text import moment_text
from register.services import attendance
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey
from tests.factories import meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def a_request_approved_and_answered() -> AttendanceRequest:
    leader, officer = Person.objects.get(username="leader-1"), Person.objects.get(username="officer-1")
    request = attendance.attendance_request_submit(
        actor=leader,
        reason="Briefing wanted before the budget meeting",
        meeting=meeting(),
        officers=[officer],
        subject="Libraries: the draft budget's options",
        scope="The options for branch opening hours.",
    )
    attendance.attendance_request_approve(
        request=request, actor=Person.objects.get(username="chief-executive"), reason="Agreed"
    )
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    return AttendanceRequest.objects.select_related("decided_by").get(pk=request.pk)


def test_point_5_an_auditor_reads_a_requests_whole_story_in_words_and_downloads_it_C2(live_server, page_at_width):
    call_command("seed_demo")
    request = a_request_approved_and_answered()
    page = page_at_width
    journey = Journey(page, live_server.url)
    journey.sign_in("auditor")
    if page.width < 641:  # the menu may sit behind a toggle on a phone; the timeline has its own address
        page.goto(f"{live_server.url}/history/")
    else:
        journey.follow("Audit timeline")
    assert_reads_well(page)

    # The timeline narrowed to the one request, each row with its subject.
    page.get_by_label("Kind of record").select_option("attendance-request")
    page.get_by_label("Record number").fill(str(request.pk))
    journey.submit("Filter the timeline")
    rows = page.locator(".govuk-table__body .govuk-table__row")
    assert rows.count() == request.history.count()
    assert rows.first.get_by_text(request.subject).is_visible()
    assert not re.search(r"\d{2}:\d{2}:\d{2}|\+00:00|UTC", rows.first.inner_text())
    assert_reads_well(page)

    # Its whole story, oldest first, in words.
    rows.first.get_by_role("link", name=re.compile("^Whole story")).click()
    page.wait_for_load_state()
    assert journey.heading() == f"Briefing request: {request.subject}"
    story = page.locator("main").inner_text()
    assert f"{request.decided_by.name}, Chief Executive" in story
    assert moment_text(request.decided_at) in story
    officer = Person.objects.get(username="officer-1")
    assert f"{officer.name}'s invitation: changed" in story
    assert "Accepted" in story and "False" not in story
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}", story)
    assert_reads_well(page)

    # Printed, it carries no navigation, links or buttons of the page.
    page.emulate_media(media="print")
    assert page.locator(".govuk-service-navigation").is_hidden()
    assert page.get_by_role("link", name=re.compile("^Download this story")).is_hidden()
    assert page.get_by_role("heading", level=1).is_visible()
    page.emulate_media(media="screen")
    assert page.get_by_role("button", name="Print this story").is_visible()  # shown where JavaScript can print

    # And as CSV: one row per field changed, names and UK times.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download this story as CSV")).click()
    assert download.value.suggested_filename.startswith(f"attendance-request-{request.pk}-history-")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    decided = [row for row in rows if row["field"] == "Decided by"]
    assert decided[-1]["after"] == f"{request.decided_by.name}, Chief Executive"
    assert {row["record"] for row in rows} >= {"Attendance request", "Attendance invitation", "Notification"}
