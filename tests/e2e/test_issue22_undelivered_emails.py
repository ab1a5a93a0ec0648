"""Issue 22's follow-up in a real Chromium, each page checked by axe-core: Democratic Services find an
e-mail that did not arrive, are refused without a reason, and send it again."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from register.models import Notification, Person
from tests.e2e.test_declarations_journey import Journey
from tests.integration.notice_helpers import failed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_democratic_services_send_again_an_email_that_failed_C1(live_server, page, monkeypatch):
    call_command("seed_demo")
    with monkeypatch.context() as held:
        # Written and left failed without reaching the worker, as if its attempts had all failed.
        held.setattr("register.services.notifications.queue_delivery", lambda ids: None)
        notice = failed(Person.objects.get(username="officer-1"))
    journey = Journey(page, live_server.url)
    journey.sign_in("democratic-services")

    journey.follow("E-mails not delivered")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mails that did not arrive")
    row = page.locator("tr", has=page.locator(f"#notice-{notice.pk}"))
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("SMTPServerDisconnected")

    row.get_by_role("link", name="Send again").click()
    page.wait_for_load_state()
    journey.check()
    journey.submit("Send it again")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why it is sent again")

    page.get_by_label("Why is it sent again?").fill("The address was corrected on the person's record")
    journey.submit("Send it again")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("queued to be sent again")
    notice.refresh_from_db()
    # Sent again (here the tasks run in-process, so it is delivered at once), with the reason in its history.
    assert notice.sends == 2 and notice.status == Notification.Status.SENT
    assert notice.history.filter(history_change_reason="The address was corrected on the person's record").exists()
    journey.follow("E-mails not delivered")
    expect(page.locator(f"#notice-{notice.pk}")).to_have_count(0)
