"""Issue 16, points 2 and 6, in a real Chromium at 1,280 and 320 px: the officer finder (search by name,
post or directorate; posts, directorates and politically restricted posts shown; a plain select without
JavaScript), the request form's revealed questions and character counts, and a keyboard-only request from
the home page to the confirmation that reaches the subject within 10 tab stops."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from register import workflow
from register.models import AttendanceRequest, Person
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_attendance_journey import MEETING_DAY, choose_officer, fill_meeting, wait_for_a_fresh_search_box
from tests.e2e.test_declarations_journey import PASSWORD, Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
FINDER = "Which officers would you like to attend?"


def request_form(page, base_url) -> Journey:
    """The demo council; its first group's leader on the request form."""
    call_command("seed_demo")
    journey = Journey(page, base_url)
    journey.sign_in("leader-1")
    page.goto(f"{base_url}/attendance/new/")
    return journey


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {id: e.id, name: e.getAttribute('name') || '', text: (e.innerText || '').trim()}; }"
    )


def tab_until(page, wanted, limit: int) -> int:
    """Press Tab until ``wanted(focused element)`` holds; how many presses it took (fails past ``limit``)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if wanted(focused(page)):
            return presses
    raise AssertionError(f"not reached in {limit} tab stops; focus is on {focused(page)}")


def test_point_2_the_officer_finder_searches_by_post_or_directorate_and_marks_restricted_posts_A1(
    live_server, page_at_width, clock
):
    page = page_at_width
    request_form(page, live_server.url)
    assert_reads_well(page)
    finder = page.get_by_label(FINDER)
    # By post: the suggestion names the officer, the post, the directorate and the restriction.
    finder.fill("head of planning")
    head_of_planning = page.get_by_role("option", name="Head of Planning, Place and Economy (politically restricted)")
    head_of_planning.wait_for()
    assert_reads_well(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = page.locator(".app-officer-finder__chosen")
    assert "Head of Planning, Place and Economy (politically restricted)" in chosen.inner_text()
    wait_for_a_fresh_search_box(page)
    # By directorate: every officer of it, each with their post.
    page.get_by_label(FINDER).fill("Adults and Health")
    page.get_by_role("option").first.wait_for()
    suggested = page.get_by_role("option").all_inner_texts()
    assert len(suggested) >= 5 and all("Adults and Health" in text for text in suggested)
    assert any("Head of Adult Social Care" in text for text in suggested)
    assert_reads_well(page)
    # By name; an officer already chosen is not offered twice.
    officer = Person.objects.get(username="officer-2")
    choose_officer(page, officer)
    assert chosen.locator("li").count() == 2
    chosen.get_by_role("button", name=f"Remove {officer.name}").click()
    assert chosen.locator("li").count() == 1
    assert page.locator(f'select[name="officers"] option[value="{officer.pk}"]').evaluate("o => o.selected") is False
    assert_reads_well(page)


@pytest.mark.parametrize("width", [1280, 320])
def test_point_2_without_javascript_the_officers_are_a_plain_select_showing_post_and_directorate_A1(
    live_server, browser, clock, width
):
    # With JavaScript off, Playwright can only read the page through locators (evaluate waits for ever), so
    # axe-core runs on this page in the tests above, with JavaScript.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        call_command("seed_demo")
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill("leader-1")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/attendance/new/")
        officer = Person.objects.get(username="officer-1")
        select = page.get_by_label(FINDER)
        assert page.locator("select#id_officers[multiple]").count() == 1 and select.count() == 1
        label = f"{officer.name} — Head of Adult Social Care, Adults and Health (politically restricted)"
        assert label in [text.strip() for text in select.locator("option").all_inner_texts()]
        assert page.get_by_text("hold Ctrl (Command on a Mac)").is_visible()
        # Without JavaScript the revealed question shows, and counts only when the answer is yes.
        assert page.get_by_label("Who will they be?").is_visible()
        select.select_option(str(officer.pk))
        page.get_by_label("Subject of the briefing").fill("Adult social care charging")
        page.get_by_label("Scope of the brief").fill("The charging options and their effect.")
        fill_meeting(page)
        page.get_by_label("Who will they be?").fill("Typed before answering no")
        page.get_by_role("button", name="Send the request to the Chief Executive").click()
        page.wait_for_load_state()
        assert page.locator(".govuk-panel--confirmation").is_visible()
        created = AttendanceRequest.objects.get()
        assert [i.officer for i in created.invitations.all()] == [officer]
        assert created.meeting.others_present_description == ""
    finally:
        context.close()


def test_point_6_who_will_be_there_and_how_you_are_related_are_revealed_by_their_answer_A7_B1(
    live_server, page_at_width, clock
):
    page = page_at_width
    journey = request_form(page, live_server.url)
    who = page.get_by_label("Who will they be?")
    assert not who.is_visible()
    page.locator('input[name="others_present"][value="yes"]').check()
    assert who.is_visible()
    assert_reads_well(page)
    page.locator('input[name="others_present"][value="no"]').check()
    assert not who.is_visible()
    # Sent with "yes" and nobody named: the error is on the revealed question, which shows again.
    page.locator('input[name="others_present"][value="yes"]').check()
    journey.submit("Send the request to the Chief Executive")
    assert page.get_by_role("alert").get_by_text("Say who will be present").is_visible()
    assert page.get_by_label("Who will they be?").is_visible()
    assert_reads_well(page)

    # A declaration: "How are you related?" only for a family relationship.
    journey.sign_out()
    journey.sign_in("member-1")
    page.goto(f"{live_server.url}/declarations/new/")
    related = page.get_by_label("How are you related?")
    assert not related.is_visible()
    page.get_by_label("Family", exact=True).check()
    assert related.is_visible()
    assert_reads_well(page)
    page.get_by_label("Friendship", exact=True).check()
    assert not related.is_visible()


def test_point_6_the_subject_counts_its_characters_and_an_over_long_one_is_refused_with_nothing_lost_A5(
    live_server, page_at_width, clock
):
    page = page_at_width
    journey = request_form(page, live_server.url)
    subject = "Libraries " * 31  # 310 characters
    page.get_by_label("Subject of the briefing").fill(subject)
    page.locator(".govuk-character-count__status").get_by_text("You have 10 characters too many").first.wait_for()
    page.get_by_label("Scope of the brief").fill("The three options for branch libraries.")
    choose_officer(page, Person.objects.get(username="officer-1"))
    fill_meeting(page)
    journey.submit("Send the request to the Chief Executive")
    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert")
    assert summary.get_by_text("The subject of the briefing must be 300 characters or fewer").is_visible()
    assert page.get_by_label("Subject of the briefing").input_value() == subject
    assert page.get_by_label("Scope of the brief").input_value() == "The three options for branch libraries."
    assert page.get_by_label("Day").input_value() == str(MEETING_DAY.day)
    assert page.locator(".app-officer-finder__chosen li").count() == 1
    assert_reads_well(page)
    assert not AttendanceRequest.objects.exists()


def test_point_6_a_keyboard_only_request_from_home_reaches_the_subject_within_10_tab_stops_and_the_confirmation(
    live_server, page_at_width, clock
):
    page = page_at_width
    call_command("seed_demo")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("leader-1")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # Home -> its main action, "Request a briefing", by Tab and Enter alone (on a phone the
    # navigation's links are behind its Menu button; the main action is on the first screen at both widths).
    tab_until(page, lambda e: e["text"] == "Request a briefing", 30)
    page.keyboard.press("Enter")
    page.wait_for_url("**/attendance/new/")
    presses = tab_until(page, lambda e: e["id"] == "id_subject", 10)
    assert presses <= 10

    page.keyboard.type("Adult social care charging")
    tab_until(page, lambda e: e["id"] == "id_scope", 1)
    page.keyboard.type("The charging options and their effect on day centres.")
    tab_until(page, lambda e: e["id"] == "id_officers", 1)
    page.keyboard.type("Head of Adult Social Care")
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator(".app-officer-finder__chosen li").first.wait_for()
    # A moment after a choice the finder starts afresh, empty, and takes the focus back (officer-finder.js
    # onConfirm): a Tab pressed before then would be undone, so the keyboard user goes on from there.
    finder = page.get_by_label(FINDER)
    expect(finder).to_be_focused()
    expect(finder).to_have_value("")
    for name, value in (
        ("meeting_date_0", MEETING_DAY.day),
        ("meeting_date_1", MEETING_DAY.month),
        ("meeting_date_2", MEETING_DAY.year),
        ("starts_at", "18:00"),
        ("ends_at", "19:30"),
        ("place", "Committee Room 2"),
    ):
        tab_until(page, lambda e, name=name: e["name"] == name, 3)
        page.keyboard.type(str(value))
    for radios in ("others_present", "needs_confidential_information"):
        tab_until(page, lambda e, radios=radios: e["name"] == radios, 3)
        page.keyboard.press("ArrowDown")  # from "Yes" to "No", which arrows also check
    tab_until(page, lambda e: e["name"] == "submit", 1)  # the form's one button
    page.keyboard.press("Enter")
    page.wait_for_url("**/sent/")

    assert page.locator(".govuk-panel--confirmation").get_by_text("Request sent").is_visible()
    assert page.get_by_text("The decision is due by").is_visible()
    assert_reads_well(page)
    created = AttendanceRequest.objects.get()
    assert (created.subject, created.state) == ("Adult social care charging", workflow.SUBMITTED)
    assert not created.meeting.others_present and not created.needs_confidential_information
    assert [i.officer.username for i in created.invitations.all()] == ["officer-1"]
