"""Issue 19, concerns (D2, D6) in a real Chromium: an officer reports after a briefing, the report
becomes a concern routed under the council's protocol, and its handler takes it to an outcome; once
under 002's routes ("redress": the officer's Chief Officer) and once under 004's ("complaints": their
line manager). Every page reads well (axe-core, no sideways scrolling)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from register import selectors
from register.models import Concern, Person
from register.services import attendance
from tests.e2e.conftest import assert_reads_well, save_screenshot
from tests.factories import meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
PASSWORD = "demo-register-2026"
MEETING_DAY = datetime.date(2026, 3, 9)  # the Monday after the clock's Monday 2 March 2026
SUBJECT = "Fees and charges for garden waste"


class Council:
    """What the journey needs of the demo council, by the demo's usernames."""

    def __init__(self):
        self.officer = Person.objects.get(username="officer-1")
        self.leader = Person.objects.get(username="leader-1")


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def sign_out(page, base_url):
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{base_url}/sign-in/")


def submit(page, button):
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    assert_reads_well(page)


@pytest.mark.parametrize(
    ("protocol", "handler_username", "capacity"),
    [
        ("redress", "director-1", "Chief Officer"),
        ("complaints", "assistant-director-1", "Line manager"),
    ],
)
def test_an_officer_reports_after_a_briefing_and_the_handler_takes_it_to_an_outcome_under_each_protocol_D2_D6(
    live_server, page, clock, settings, protocol, handler_username, capacity
):
    settings.CONCERNS_PROTOCOL = protocol
    call_command("seed_demo")
    demo = Council()
    base = live_server.url
    page.set_default_timeout(10_000)

    # A briefing agreed for the first group, the officer accepted; the meeting was this evening.
    clock.set(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON))
    starts_at = datetime.datetime.combine(MEETING_DAY, datetime.time(18, 0), tzinfo=LONDON)
    request = attendance.attendance_request_submit(
        actor=demo.leader,
        reason="Briefing wanted",
        meeting=meeting(starts_at),
        officers=[demo.officer],
        subject=SUBJECT,
        scope="The options for next year's garden waste charge, and their costs.",
    )
    request = attendance.attendance_request_approve(
        request=request, actor=Person.objects.get(username="chief-executive"), reason="Agreed"
    )
    attendance.attendance_invitation_respond(request=request, actor=demo.officer, accept=True)
    clock.set(datetime.datetime.combine(MEETING_DAY, datetime.time(21, 0), tzinfo=LONDON))

    # The officer cannot attest and reports what happened (A6, A13): it becomes a concern (D6).
    sign_in(page, base, "officer-1")
    page.goto(f"{base}/attendance/{request.pk}/")
    page.get_by_role("button", name="Record your attendance").click()
    page.wait_for_load_state()
    page.get_by_label("What time did you arrive?").fill("18:00")
    page.get_by_label("What time did you leave?").fill("18:50")
    page.get_by_label("What happened (needed if you cannot attest)").fill(
        "After my briefing the group discussed <b>its campaign</b> for the by-election while I was still there."
    )
    submit(page, "Record my attendance")
    concern = Concern.objects.get(briefing=request)
    assert (concern.rule, concern.protocol, concern.handler.username) == ("D6", protocol, handler_username)
    assert page.get_by_text(f"as a concern under the protocol ({concern.reference})").is_visible()
    assert page.get_by_role("heading", name="Concerns about this briefing").is_visible()
    page.get_by_role("link", name=f"Concern {concern.reference}").click()
    page.wait_for_load_state()
    assert_reads_well(page)
    assert page.get_by_text("its campaign").first.is_visible(), "what the officer typed, shown as text"
    save_screenshot(page, f"concern-raised-from-report-{protocol}")
    sign_out(page, base)

    # The handler finds it among the concerns to handle and takes it through to an outcome.
    sign_in(page, base, handler_username)
    page.goto(f"{base}/concerns/")
    assert_reads_well(page)
    table = page.get_by_role("table", name="Concerns for you to handle")
    assert table.get_by_text(concern.reference).is_visible()
    table.get_by_role("link", name=concern.reference).click()
    page.wait_for_load_state()
    assert_reads_well(page)
    assert page.get_by_text(capacity, exact=False).first.is_visible()
    submit(page, "Acknowledge the concern")
    assert page.get_by_text("The concern is acknowledged").is_visible()
    submit(page, "Start looking into it")
    page.get_by_label("Whom did you raise it with?").fill(f"{demo.leader}, the group leader")
    submit(page, "Record that you raised it")
    page.get_by_label("How was it resolved?").fill("The leader agreed officers leave before party business.")
    submit(page, "Record the informal resolution")
    page.get_by_label("Upheld, and action taken").check()
    page.get_by_label("What was done (optional)").fill("The group's whips will remind members of the protocol.")
    save_screenshot(page, f"concern-closing-{protocol}")
    submit(page, "Close with this outcome")
    assert page.get_by_text("The concern is closed").is_visible()
    concern.refresh_from_db()
    assert (concern.state, concern.outcome) == (Concern.State.CLOSED, Concern.Outcome.UPHELD)
    # Closed: all that is left is to tell the person concerned, should the handler decide to.
    assert page.locator(".register-concern-action h3").all_inner_texts() == ["Tell the person concerned"]
    sign_out(page, base)

    # The officer who reported reads the outcome.
    sign_in(page, base, "officer-1")
    page.goto(f"{base}/concerns/")
    assert_reads_well(page)
    page.get_by_role("table", name="Concerns you raised").get_by_role("link", name=concern.reference).click()
    page.wait_for_load_state()
    assert page.get_by_text("Upheld, and action taken").is_visible()
    assert_reads_well(page)


def test_a_councillor_raises_a_concern_through_the_form_with_the_whistleblowing_policy_beside_it_D1(
    live_server, page, settings
):
    """Under 004 the councillor's concern goes to the Monitoring Officer; the form says so, offers the
    whistleblowing policy instead, refuses an empty account on its field, and confirms where it went."""
    settings.CONCERNS_PROTOCOL = "complaints"
    settings.WHISTLEBLOWING_POLICY_URL = "https://www.demoshire.example/whistleblowing"
    call_command("seed_demo")
    base = live_server.url
    page.set_default_timeout(10_000)
    officer = Person.objects.get(username="officer-2")
    sign_in(page, base, "member-1")
    page.goto(f"{base}/concerns/")
    assert_reads_well(page)
    page.get_by_role("button", name="Raise a concern").click()
    page.wait_for_load_state()
    assert_reads_well(page)
    assert page.get_by_text("Your concern goes to").is_visible()
    whistleblowing = page.get_by_role("link", name="The Council's whistleblowing policy and procedure", exact=False)
    assert whistleblowing.get_attribute("href") == "https://www.demoshire.example/whistleblowing"

    page.get_by_label("Which officer is it about?").select_option(label=officer.name)
    submit(page, "Raise the concern")
    assert page.title().startswith("Error: Raise a concern")
    assert page.get_by_role("alert").get_by_text("Say what happened").is_visible()

    page.get_by_label("What happened?").fill("The officer shared our draft amendment with another group.")
    group = page.get_by_role("group", name="When did it happen?")
    yesterday = selectors.today() - datetime.timedelta(days=1)
    group.get_by_label("Day").fill(str(yesterday.day))
    group.get_by_label("Month").fill(str(yesterday.month))
    group.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Do not tell them who raised this").check()
    save_screenshot(page, "concern-raise")
    submit(page, "Raise the concern")
    assert page.get_by_role("heading", name="Concern raised").is_visible()
    concern = Concern.objects.get()
    assert concern.handler.username == "monitoring-officer" and concern.raiser_withheld
    assert page.get_by_text(concern.reference, exact=True).is_visible()
