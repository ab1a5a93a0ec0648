"""The register across every role, in one journey in a real Chromium (issue 6's "Done when").

A leader requests a briefing and amends its brief (A1, A5); the Chief Executive approves (A2);
another leader sees the notice and requests the same (A3, A8), which the Chief Executive agrees and
then cancels (A2); the officer, who refers nothing but checks how, accepts (A1, A4), attends, attests
(A6) and marks information likely to be cited from the request's page (A10); every leader sees it
and the first closes the record; a member of the first group declares a relationship with the
officer (B1, B2); the Monitoring Officer records advice and action (B3); a later request by that
group naming the officer carries the conflict warning to the Chief Executive (B7); and the auditor
finds all of it in the timeline and exports it (C2). axe-core checks every page on the way."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from register import workflow
from register.models import AttendanceRequest, Declaration, InformationProvided, Person
from tests.e2e.conftest import save_screenshot
from tests.e2e.test_attendance_journey import choose_officer, fill_meeting, sent_and_opened
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
FIRST_MEETING = datetime.date(2026, 3, 9)  # the Monday after the clock's Monday 2 March 2026
SECOND_GROUPS_MEETING = datetime.date(2026, 3, 10)
LATER_MEETING = datetime.date(2026, 3, 16)
SUBJECT = "Adult social care charging"
LATER_SUBJECT = "Day centres for older people"


def request_briefing(journey, officer: Person, day: datetime.date, subject: str, scope: str):
    journey.follow("Group briefings")
    journey.follow("Request an officer briefing", role="button")
    fill_meeting(journey.page, day)
    choose_officer(journey.page, officer)
    journey.page.get_by_label("Subject of the briefing").fill(subject)
    journey.page.get_by_label("Scope of the brief").fill(scope)
    journey.submit("Send the request to the Chief Executive")
    sent_and_opened(journey)
    assert journey.heading() == subject


def error_summary_says(page, words: str) -> bool:
    return page.get_by_role("alert").get_by_text(words).first.is_visible()


def download_csv(journey) -> list[dict]:
    with journey.page.expect_download() as download:
        journey.page.get_by_role("link", name="Download this timeline as CSV").click()
    return list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))


def test_one_briefing_and_one_declaration_across_every_role_found_by_the_auditor(live_server, page, clock):
    call_command("seed_demo")
    officer = Person.objects.get(username="officer-1")
    member = Person.objects.get(username="member-1")  # of the Labour Group, which leader-1 leads
    journey = Journey(page, live_server.url)
    page.goto(f"{live_server.url}/sign-in/")
    journey.check()  # the sign-in page, where every part of the journey starts

    # 1. The first group's leader requests a briefing (A1), then amends its brief before the decision (A5).
    journey.sign_in("leader-1")
    request_briefing(journey, officer, FIRST_MEETING, SUBJECT, "The charging policy options.")
    request = AttendanceRequest.objects.get()
    journey.follow("Amend the brief", role="button")
    assert page.get_by_label("Subject of the briefing").input_value() == SUBJECT
    assert page.get_by_text("The brief is agreed in advance").is_visible()
    page.get_by_label("Scope of the brief").fill("The charging policy options, and what the consultation found.")
    journey.submit("Send the amended brief to the Chief Executive")
    assert error_summary_says(page, "Give a reason for amending the brief")
    page.get_by_label("Why is the group amending the brief?").fill("The consultation has closed; we want its results.")
    save_screenshot(page, "journey-amend")
    journey.submit("Send the amended brief to the Chief Executive")
    assert page.get_by_text("The brief is amended and has gone to the Chief Executive").is_visible()
    request.refresh_from_db()
    assert request.round == 2 and "what the consultation found" in request.scope
    journey.sign_out()

    # 2. The Chief Executive approves it from the queue (A2).
    journey.sign_in("chief-executive")
    journey.follow("Attendance decisions")
    journey.follow(f"Decide the request from the {request.group} on {SUBJECT}")
    page.get_by_label("Approve", exact=True).check()
    journey.submit("Record the decision")
    assert page.get_by_text("approved: the officers are invited").is_visible()
    journey.sign_out()

    # 3. Another group's leader sees the notice in the inbox and requests the same briefing (A3, A8).
    journey.sign_in("leader-2")
    journey.follow("Your notices")
    assert page.get_by_text(SUBJECT).first.is_visible()
    journey.follow("Group briefings")
    journey.follow("Briefings given to other groups")
    assert page.get_by_text("what the consultation found").count() == 0  # the scope stays the group's (A9)
    journey.follow(f"Request the same briefing on {SUBJECT}")
    fill_meeting(page, SECOND_GROUPS_MEETING, place="Group Room, County Hall")
    journey.submit("Request the same briefing")
    taken_up = AttendanceRequest.objects.get(equivalent_of=request)
    assert taken_up.state == workflow.SUBMITTED
    journey.sign_out()

    # 4. The Chief Executive sees the precedent and agrees the same (A3), then has to call it off (A2).
    journey.sign_in("chief-executive")
    journey.follow("Attendance decisions")
    assert page.get_by_text(f"Equivalent of the {request.group}'s briefing, approved").is_visible()
    journey.follow(f"Decide the request from the {taken_up.group} on {SUBJECT}")
    page.get_by_label("Approve", exact=True).check()
    journey.submit("Record the decision")
    page.goto(f"{live_server.url}/attendance/{taken_up.pk}/")
    journey.check()
    journey.follow("Cancel the briefing")
    journey.submit("Cancel the briefing")
    assert error_summary_says(page, "Give a reason for cancelling the briefing")
    page.get_by_label("Why are you cancelling the briefing?").fill(
        "The officer is needed at the planning inquiry that evening; we will offer another date."
    )
    save_screenshot(page, "journey-cancel")
    journey.submit("Cancel the briefing")
    assert page.get_by_text("The briefing is cancelled").is_visible()
    taken_up.refresh_from_db()
    assert taken_up.state == workflow.CANCELLED
    journey.sign_out()

    # 5. The officer learns how to refer a request made directly (A1), and accepts the invitation (A4).
    journey.sign_in("officer-1")
    journey.follow("Your briefing invitations")
    journey.follow("Refer a request to the Chief Executive", role="button")
    journey.submit("Refer the request to the Chief Executive")
    assert error_summary_says(page, "Choose the councillor who asked you")
    save_screenshot(page, "journey-refer-errors")
    journey.follow("Your briefing invitations")
    page.locator("#to-answer tr", has_text=request.group.name).get_by_role("link").click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label("Yes, I will attend").check()
    journey.submit("Send my answer")
    assert page.get_by_text("You have accepted the invitation.").is_visible()

    # 6. After the meeting: attendance and attestation (A6); information, marked likely to be cited
    #    from the request's page once the officer learns it will go to the Executive (A10).
    clock.set(datetime.datetime.combine(FIRST_MEETING, datetime.time(21, 0), tzinfo=LONDON))
    journey.follow("Home")
    assert journey.needs_action("Attendance to record") == "1"
    journey.follow("Your briefing invitations")
    journey.follow(f"Record your attendance at the briefing on {SUBJECT}")
    page.get_by_label("What time did you arrive?").fill("18:00")
    page.get_by_label("What time did you leave?").fill("18:40")
    page.get_by_label("I left before the group formed its view", exact=False).check()
    journey.submit("Record my attendance")
    assert page.get_by_text("with your attestation").is_visible()
    journey.follow("Record information you gave", role="button")
    page.get_by_label("Title", exact=True).fill("Charging consultation: the responses")
    page.get_by_label("Summary", exact=True).fill("Responses by option and by area, with the cost of each option.")
    page.locator('input[name="likely_to_be_cited"][value="no"]').check()
    journey.submit("Record the information")
    information = InformationProvided.objects.get()
    assert not information.likely_to_be_cited
    journey.follow("Mark Charging consultation: the responses as likely to be cited")
    journey.submit("Mark as likely to be cited")
    assert error_summary_says(page, "Say where it is likely to be cited")
    page.get_by_label("The Executive").check()
    save_screenshot(page, "journey-likely-to-be-cited")
    journey.submit("Mark as likely to be cited")
    assert page.get_by_text("a copy has gone to every group's leader").is_visible()
    information.refresh_from_db()
    assert information.likely_to_be_cited and information.cited_at == "executive"
    journey.sign_out()

    # 7. Every group's leader sees it (A10); the first group then closes the record of its briefing.
    for number in range(1, 5):
        journey.sign_in(f"leader-{number}")
        journey.follow("Group briefings")
        journey.follow("Information shared with all groups")
        assert page.get_by_text("Charging consultation: the responses").first.is_visible()
        if number == 1:
            save_screenshot(page, "journey-shared")
            journey.follow("Group briefings")
            journey.follow(SUBJECT)
            journey.follow("Close the record", role="button")
            page.get_by_label("Why are you closing the record?").fill(
                "The briefing took place; the officer attended and attested."
            )
            journey.submit("Close the record")
            assert page.get_by_text("The record of the briefing is closed").is_visible()
            save_screenshot(page, "journey-request-closed")
        journey.sign_out()
    request.refresh_from_db()
    assert request.state == workflow.CLOSED

    # 8. A member of the first group declares a friendship with the officer, with the B2 guidance (B1).
    journey.sign_in("member-1")
    journey.follow("Your declarations")
    journey.follow("Declare a relationship", role="button")
    assert page.get_by_text("friends on Facebook", exact=False).first.is_visible()
    page.get_by_label("Which officer is it?").select_option(str(officer.pk))
    page.get_by_label("Friendship", exact=True).check()
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2021")
    page.get_by_label("Describe the relationship").fill("We met at a running club and run together most Sundays.")
    journey.submit("Declare the relationship")
    declaration = Declaration.objects.get()
    assert declaration.declarant == member and declaration.other_person == officer
    journey.sign_out()

    # 9. The Monitoring Officer records advice and the action agreed (B3, B5).
    journey.sign_in("monitoring-officer")
    journey.follow("Declarations to review")
    journey.follow(f"Review the declaration by {member}")
    page.get_by_label("Your advice to the declarant").fill(
        "Thank you for declaring this. Declare the interest at any meeting the officer attends."
    )
    page.get_by_label("Declare the interest at meetings").check()
    journey.submit("Record advice and action")
    assert page.get_by_text("Your advice is recorded").is_visible()
    journey.sign_out()

    # 10. A later request by that member's group naming the officer ...
    journey.sign_in("leader-1")
    request_briefing(journey, officer, LATER_MEETING, LATER_SUBJECT, "The options for the three day centres.")
    later = AttendanceRequest.objects.get(subject=LATER_SUBJECT)
    journey.sign_out()

    # ... shows the Chief Executive the conflict warning, in the queue and on the decision page (B7).
    journey.sign_in("chief-executive")
    journey.follow("Attendance decisions")
    row = page.locator("tbody tr", has_text=LATER_SUBJECT)
    assert row.get_by_text("Conflict").is_visible()
    assert member.last_name in row.inner_text()
    save_screenshot(page, "journey-queue-conflict")
    journey.follow(f"Decide the request from the {later.group} on {LATER_SUBJECT}")
    assert page.get_by_text("(protocol rule B7)").first.is_visible()
    save_screenshot(page, "journey-decide-conflict")
    journey.sign_out()

    # 11. The auditor finds all of it in the timeline, by kind of record and by person, and exports it (C2).
    journey.sign_in("auditor")
    journey.follow("Audit timeline")
    page.get_by_label("Kind of record").select_option(label="Attendance request")
    journey.submit("Filter the timeline")
    changes = page.locator("table.govuk-table tbody")
    assert changes.get_by_text("The consultation has closed; we want its results.").is_visible()
    assert changes.get_by_text("The officer is needed at the planning inquiry", exact=False).is_visible()
    save_screenshot(page, "journey-timeline")
    page.get_by_label("Kind of record").select_option(label="Any kind")
    page.get_by_label("Changed by").select_option(label=f"{member.name} ({member.username})")
    journey.submit("Filter the timeline")
    assert changes.get_by_role("link", name=f"Declaration {declaration.pk}").first.is_visible()
    by_member = download_csv(journey)
    assert by_member and {row["who_username"] for row in by_member} == {"member-1"}
    assert any(row["record_type"] == "Declaration" and row["record_id"] == str(declaration.pk) for row in by_member)
    changes.get_by_role("link", name=f"Declaration {declaration.pk}").first.click()
    page.wait_for_load_state()
    journey.check()
    # The timeline's link opens the record itself for an auditor, who oversees every record (issue 16).
    assert journey.heading().startswith("Declaration by")
    assert page.get_by_text("running club", exact=False).first.is_visible()
    save_screenshot(page, "journey-record-history")
    journey.follow("Audit timeline")
    everything = download_csv(journey)
    exported = {(row["record_type"], row["record_id"]) for row in everything}
    for record_type, record in [
        ("Attendance request", request),
        ("Attendance request", taken_up),
        ("Attendance request", later),
        ("Declaration", declaration),
        ("Information provided", information),
    ]:
        assert (record_type, str(record.pk)) in exported, (record_type, record.pk)
    reasons = {row["reason"] for row in everything}
    assert "The briefing took place; the officer attended and attested." in reasons
