"""Issue 17, points 2 and 6 in a real Chromium at 1,280 and at 320 px, each page checked by axe-core and
for sideways scrolling: Democratic Services invite someone to set their password, who opens the link in
the e-mail, sets it and signs in with it; and they record the Monitoring Officer's absence and end it
early (A2)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command

from register import selectors
from register.models import Absence, Notification, Person
from register.services.delivery import deliver
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "kettle-orchard-lantern-83"


def fill_date(page, prefix: str, day: datetime.date) -> None:
    page.fill(f"[name={prefix}_0]", str(day.day))
    page.fill(f"[name={prefix}_1]", str(day.month))
    page.fill(f"[name={prefix}_2]", str(day.year))


def test_democratic_services_invite_a_person_who_sets_their_password_from_the_email_and_signs_in_A1(
    live_server, page_at_width
):
    page = page_at_width
    call_command("seed_demo")
    invited = Person.objects.get(username="officer-15")
    journey = Journey(page, live_server.url)
    journey.sign_in("democratic-services")

    page.goto(f"{live_server.url}/people/{invited.pk}/invite/")
    assert_reads_well(page)
    page.get_by_label("Reason").fill("Starts in Highways on Monday")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_load_state()
    assert "has been sent an invitation" in page.locator(".govuk-notification-banner").inner_text()
    assert_reads_well(page)
    journey.sign_out()

    # No worker runs in these tests: deliver the e-mail, then read it as its recipient would.
    notice = Notification.objects.get(kind="account-invitation", recipient=invited)
    deliver(notice.pk)
    email = next(message for message in mail.outbox if message.to == [invited.email])
    link = re.search(r"https?://\S+(/sign-in/set-password/\S+/)", email.body).group(1)

    page.goto(f"{live_server.url}{link}")
    assert page.get_by_role("heading", level=1).inner_text() == "Set your password"
    assert_reads_well(page)
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set your password").click()
    page.wait_for_url(f"{live_server.url}/sign-in/")
    assert "Your password is set" in page.locator(".govuk-notification-banner").inner_text()
    assert_reads_well(page)

    page.get_by_label("Username").fill("officer-15")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "officer-15" in page.content() or invited.get_full_name() in page.content()

    # The link worked once: opened again, it says so.
    page.goto(f"{live_server.url}{link}")
    assert page.get_by_role("heading", level=1).inner_text() == "This link to set a password no longer works"
    assert_reads_well(page)


def test_democratic_services_record_the_monitoring_officers_absence_and_end_it_early_A2(live_server, page_at_width):
    page = page_at_width
    call_command("seed_demo")
    start = selectors.today() + datetime.timedelta(days=7)
    journey = Journey(page, live_server.url)
    journey.sign_in("democratic-services")

    page.goto(f"{live_server.url}/people/absences/")
    assert_reads_well(page)
    page.get_by_label("Monitoring Officer", exact=True).check()
    fill_date(page, "start_date", start)
    fill_date(page, "end_date", start + datetime.timedelta(days=4))
    page.get_by_label("Reason").fill("Annual leave")
    page.get_by_role("button", name="Record the absence").click()
    page.wait_for_load_state()
    assert "has been told" in page.locator(".govuk-notification-banner").inner_text()
    assert_reads_well(page)

    absence = Absence.objects.get(post__role="monitoring-officer")
    page.get_by_role("link", name=re.compile("^End early")).click()
    page.wait_for_url(f"{live_server.url}/people/absences/{absence.pk}/end/")
    assert_reads_well(page)
    fill_date(page, "end_date", start + datetime.timedelta(days=1))
    page.get_by_label("Reason").fill("Back early")
    page.get_by_role("button", name="End the absence early").click()
    page.wait_for_url(f"{live_server.url}/people/absences/")
    assert "now ends on" in page.locator(".govuk-notification-banner").inner_text()
    assert_reads_well(page)
    absence.refresh_from_db()
    assert absence.end_date == start + datetime.timedelta(days=1)
    row = page.locator("tbody tr", has_text=absence.person.get_full_name())
    assert f"{absence.end_date:%-d %B %Y}" in row.inner_text()
