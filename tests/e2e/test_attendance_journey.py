"""An officer briefing end to end in a real Chromium (A1-A13): a group leader requests a briefing;
the Chief Executive approves; another leader sees the notice and requests the same (A3); the officer
accepts, attends, attests (A6) and records information likely to be cited (A10); every leader sees
it, and the public register shows the briefing. axe-core checks every page."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from register import workflow
from register.models import AttendanceRequest, InformationProvided, Person
from tests.e2e.conftest import save_screenshot
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
MEETING_DAY = datetime.date(2026, 3, 9)  # the Monday after the clock's Monday 2 March 2026


def fill_meeting(page, day: datetime.date = MEETING_DAY, *, place="Committee Room 2, County Hall"):
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("18:00")
    page.get_by_label("End time (optional)").fill("20:00")
    page.get_by_label("Where is the meeting?").fill(place)
    page.locator('input[name="others_present"][value="no"]').check()
    page.locator('input[name="needs_confidential_information"][value="no"]').check()


def choose_officer(page, officer: Person) -> None:
    """The officer finder (accessible-autocomplete): type the officer's name, choose the suggestion."""
    page.get_by_label("Which officers would you like to attend?").fill(officer.name)
    page.get_by_role("option", name=officer.name).first.click()
    page.locator(".app-officer-finder__chosen").get_by_text(officer.name).first.wait_for()
    wait_for_a_fresh_search_box(page)


def wait_for_a_fresh_search_box(page) -> None:
    """After a choice the finder replaces its search box on the next tick; typing before then types into the
    old box, which is thrown away. The new one is empty and has the focus."""
    finder = page.get_by_label("Which officers would you like to attend?")
    expect(finder).to_have_value("")
    expect(finder).to_be_focused()


def sent_and_opened(journey) -> None:
    """The confirmation after sending a request (issue 16), then the request's own page."""
    assert journey.page.locator(".govuk-panel--confirmation").get_by_text("Request sent").is_visible()
    assert journey.page.get_by_text("The decision is due by").is_visible()
    journey.follow("View the request")


def test_a_briefing_is_requested_approved_taken_up_attended_and_shared_with_every_group(live_server, page, clock):
    call_command("seed_demo")
    officer = Person.objects.get(username="officer-1")
    journey = Journey(page, live_server.url)

    # The first group's leader asks for a briefing, with the A5-A7 guidance on the form (A1).
    journey.sign_in("leader-1")
    journey.follow("Group briefings")
    save_screenshot(page, "attendance-group")
    journey.follow("Request an officer briefing", role="button")
    assert page.get_by_text("The brief is agreed in advance").is_visible()
    journey.submit("Send the request to the Chief Executive")
    assert page.title().startswith("Error: Request an officer briefing")
    assert page.get_by_role("alert").get_by_text("Choose at least one officer").is_visible()
    save_screenshot(page, "attendance-request-errors")
    fill_meeting(page)
    choose_officer(page, officer)
    page.get_by_label("Subject of the briefing").fill("The draft budget for libraries")
    page.get_by_label("Scope of the brief").fill("The three options for branch libraries and their costs.")
    save_screenshot(page, "attendance-request-form")
    journey.submit("Send the request to the Chief Executive")
    sent_and_opened(journey)
    assert journey.heading() == "The draft budget for libraries"
    request = AttendanceRequest.objects.get()
    journey.sign_out()

    # The Chief Executive approves it from the queue, with the working days left (A2, A12).
    journey.sign_in("chief-executive")
    assert journey.needs_action("Attendance requests to decide") == "1"
    journey.follow("Attendance decisions")
    assert page.get_by_text("working days left").is_visible()
    journey.follow(f"Decide the request from the {request.group} on {request.subject}")
    page.get_by_label("Approve", exact=True).check()
    journey.submit("Record the decision")
    assert page.get_by_text("approved: the officers are invited").is_visible()
    journey.follow("Parity report")
    save_screenshot(page, "attendance-parity")
    journey.page.go_back()
    journey.follow("The Chief Executive's absences")
    save_screenshot(page, "attendance-absence")
    journey.sign_out()

    # Another group's leader sees the notice, and requests the same briefing in one step (A3, A8).
    journey.sign_in("leader-2")
    journey.follow("Your notices")
    assert page.get_by_text("The draft budget for libraries").first.is_visible()
    journey.follow("Group briefings")
    journey.follow("Briefings given to other groups")
    assert page.get_by_text("branch libraries and their costs").count() == 0
    save_screenshot(page, "attendance-other-groups")
    journey.follow("Request the same briefing on The draft budget for libraries")
    fill_meeting(page)
    save_screenshot(page, "attendance-take-up")
    journey.submit("Request the same briefing")
    taken_up = AttendanceRequest.objects.get(equivalent_of=request)
    assert taken_up.state == workflow.SUBMITTED
    journey.sign_out()

    # The officer accepts, with the A5 reminder (A4): invited by both groups, they answer the first.
    journey.sign_in("officer-1")
    assert journey.needs_action("Briefing invitations") == "2"
    journey.follow("Your briefing invitations")
    save_screenshot(page, "attendance-invitations")
    page.locator("#to-answer tr", has_text=request.group.name).get_by_role("link").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_text("You brief the group on the subject and scope agreed in advance").is_visible()
    page.get_by_label("Yes, I will attend").check()
    save_screenshot(page, "attendance-respond")
    journey.submit("Send my answer")
    assert page.get_by_text("You have accepted the invitation.").is_visible()

    # After the meeting: attendance and attestation (A6), then information likely to be cited (A10).
    clock.set(datetime.datetime.combine(MEETING_DAY, datetime.time(21, 0), tzinfo=LONDON))
    journey.follow("Home")
    assert journey.needs_action("Attendance to record") == "1"
    journey.follow("Your briefing invitations")
    journey.follow("Record your attendance at the briefing on The draft budget for libraries")
    page.get_by_label("What time did you arrive?").fill("18:00")
    page.get_by_label("What time did you leave?").fill("18:45")
    page.get_by_label("I left before the group formed its view", exact=False).check()
    save_screenshot(page, "attendance-record")
    journey.submit("Record my attendance")
    assert page.get_by_text("with your attestation").is_visible()
    journey.follow("Record information you gave", role="button")
    page.get_by_label("Title", exact=True).fill("Branch library visits 2021-2025")
    page.get_by_label("Summary", exact=True).fill("Visits by branch, year by year, with the cost per visit.")
    page.locator('input[name="likely_to_be_cited"][value="yes"]').check()
    page.get_by_label("The Executive").check()
    save_screenshot(page, "attendance-information")
    journey.submit("Record the information")
    assert page.get_by_text("a copy has gone to every group's leader").is_visible()
    assert InformationProvided.objects.get().likely_to_be_cited
    journey.sign_out()

    # Every group's leader sees it among the information shared with all groups (A10).
    for number in range(1, 5):
        journey.sign_in(f"leader-{number}")
        journey.follow("Group briefings")
        journey.follow("Information shared with all groups")
        assert page.get_by_text("Branch library visits 2021-2025").first.is_visible()
        journey.sign_out()

    # The public register: the group, the officer's post, the date and the subject, nothing more (A8).
    journey.page.goto(f"{live_server.url}/sign-in/")
    journey.follow("Register of officer attendance at group meetings")
    assert page.get_by_text("The draft budget for libraries").is_visible()
    assert page.get_by_text(officer.name).count() == 0
    save_screenshot(page, "attendance-published")
