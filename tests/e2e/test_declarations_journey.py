"""A relationship declaration end to end in a real Chromium (B1-B7): a councillor declares a
friendship with an officer, the Monitoring Officer records advice and the action agreed, the
councillor acknowledges it, and the officer sees that it names them. axe-core checks every page."""

import pytest
from django.core.management import call_command

from register.models import Declaration, Person
from register.models.declarations import WHAT_DOES_NOT_COUNT
from tests.e2e.conftest import save_screenshot, serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-register-2026"


class Journey:
    """One browser tab, signed in as one person at a time; every page it lands on is checked."""

    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url
        page.set_default_timeout(10_000)

    def sign_in(self, username):
        self.page.goto(f"{self.base_url}/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(f"{self.base_url}/")
        self.check()

    def sign_out(self):
        self.page.get_by_role("button", name="Sign out", exact=True).click()
        self.page.wait_for_url(f"{self.base_url}/sign-in/")

    def follow(self, link_name, *, role="link"):
        self.page.get_by_role(role, name=link_name, exact=True).first.click()
        self.page.wait_for_load_state()
        self.check()

    def submit(self, button_name):
        self.page.get_by_role("button", name=button_name).click()
        self.page.wait_for_load_state()
        self.check()

    def check(self):
        assert serious_accessibility_violations(self.page) == [], self.page.url

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()

    def needs_action(self, label) -> str:
        """How many await the person in a list on the home page: the open actions show their
        count; a list where nothing waits is under "Nothing waiting", without one."""
        quiet = self.page.locator("#nothing-waiting a", has_text=label)
        if quiet.count():
            return "0"
        row = self.page.locator("#needs-your-action .govuk-summary-list__row", has_text=label)
        return row.locator(".govuk-tag").inner_text()


def test_a_councillor_declares_the_monitoring_officer_advises_and_the_councillor_acknowledges(live_server, page):
    call_command("seed_demo")
    officer = Person.objects.get(username="officer-1")
    journey = Journey(page, live_server.url)

    # The councillor declares, with the B2 guidance in front of them.
    journey.sign_in("member-1")
    assert journey.needs_action("Advice to acknowledge") == "0"
    save_screenshot(page, "home-councillor")
    journey.follow("Your declarations")
    assert journey.heading() == "Your declarations"
    journey.follow("Declare a relationship", role="button")
    assert page.get_by_text(WHAT_DOES_NOT_COUNT[0][:60]).is_visible()
    save_screenshot(page, "declaration-form")

    journey.submit("Declare the relationship")
    assert page.title().startswith("Error: Declare a relationship")
    summary = page.get_by_role("alert")
    assert summary.get_by_text("Choose the person you have the relationship with").is_visible()
    assert summary.get_by_text("Describe the relationship in a few words").is_visible()
    save_screenshot(page, "declaration-form-errors")

    page.get_by_label("Which officer is it?").select_option(str(officer.pk))
    page.get_by_label("Friendship", exact=True).check()
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2021")
    page.get_by_label("Describe the relationship").fill("We met at a running club and run together most Sundays.")
    journey.submit("Declare the relationship")
    assert journey.heading() == f"Friendship with {officer}"
    assert page.get_by_text("Awaiting review").first.is_visible()
    declaration = Declaration.objects.get()
    assert declaration.reviewer.username == "monitoring-officer"
    journey.sign_out()

    # The Monitoring Officer records advice and the action agreed (B3, B5).
    journey.sign_in("monitoring-officer")
    assert journey.needs_action("Declarations to review") == "1"
    journey.follow("Declarations to review")
    save_screenshot(page, "declarations-to-review")
    journey.follow(f"Review the declaration by {declaration.declarant}")
    page.get_by_label("Your advice to the declarant").fill(
        "Thank you for declaring this. Declare the interest at any meeting the officer attends."
    )
    page.get_by_label("Declare the interest at meetings").check()
    save_screenshot(page, "declaration-review")
    journey.submit("Record advice and action")
    assert page.get_by_text("Your advice is recorded").is_visible()
    journey.follow("Not re-confirmed")
    save_screenshot(page, "declarations-not-confirmed")
    journey.sign_out()

    # The councillor reads the advice and acknowledges it.
    journey.sign_in("member-1")
    assert journey.needs_action("Advice to acknowledge") == "1"
    journey.follow("Your declarations")
    save_screenshot(page, "declarations-yours")
    journey.follow(f"Read the advice on your declaration of friendship with {officer}")
    assert page.get_by_text("Declare the interest at any meeting the officer attends.").is_visible()
    journey.submit("Acknowledge the advice")
    assert page.get_by_text("You have acknowledged the advice").is_visible()
    save_screenshot(page, "declaration-acknowledged")
    declaration.refresh_from_db()
    assert declaration.state == Declaration.State.ACKNOWLEDGED
    journey.sign_out()

    # The officer is told, sees only that it names them, and is offered their own in one step (B1).
    journey.sign_in("officer-1")
    assert journey.needs_action("Unread notices") == "1"
    journey.follow("Your notices")
    assert page.inner_text("#unread-count") == "You have 1 unread notice."
    assert page.get_by_role("heading", name=f"{declaration.declarant} has declared").is_visible()
    save_screenshot(page, "notices")
    journey.submit("Mark as read")
    assert page.inner_text("#unread-count") == "You have no unread notices."
    journey.follow("Your declarations")
    journey.follow("Declarations that name you")
    assert page.get_by_role("link", name="Make your own declaration").first.is_visible()
    assert page.get_by_text("running club").count() == 0
    save_screenshot(page, "declarations-naming-you")
