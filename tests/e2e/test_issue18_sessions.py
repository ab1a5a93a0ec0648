"""Issue 18, points 5 and 6 in a real Chromium, each page checked by axe-core: the "you will be signed
out soon" warning (keyboard, "Stay signed in", then the timeout itself), your account and API tokens
pages, and Democratic Services signing a person out everywhere."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from register.models import ApiToken, Person
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.session_timeouts]


def test_the_timeout_warning_appears_stay_signed_in_keeps_the_session_and_the_timeout_signs_out(
    live_server, page, settings
):
    """Short timeouts so that the test runs in seconds: 15 seconds idle, warned 12 seconds before."""
    settings.SESSION_IDLE_MINUTES = 0.25
    settings.SESSION_WARNING_SECONDS = 12
    call_command("seed_demo")
    journey = Journey(page, live_server.url)
    journey.sign_in("leader-1")

    dialog = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=8_000)
    expect(dialog).to_contain_text("we will sign you out in")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert_reads_well(page)

    # The keyboard alone: Enter on the focused "Stay signed in" keeps the session and closes the dialog.
    with page.expect_response(lambda response: response.url.endswith("/account/keep-alive/")) as kept:
        page.keyboard.press("Enter")
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()
    # Escape is "not now", which also keeps the session.
    expect(dialog).to_be_visible(timeout=8_000)
    with page.expect_response(lambda response: response.url.endswith("/account/keep-alive/")) as kept_again:
        page.keyboard.press("Escape")
    assert kept_again.value.status == 204
    expect(dialog).to_be_hidden()
    page.goto(f"{live_server.url}/notices/")
    assert page.url == f"{live_server.url}/notices/"

    # Left alone, the page signs out when the time runs out, and the sign-in page says why.
    page.wait_for_url(re.compile(r"/sign-in/\?next=/notices/"), timeout=25_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You were signed out because")
    assert_reads_well(page)


def test_a_person_issues_and_revokes_an_api_token_and_signs_out_everywhere_from_their_account(live_server, page):
    call_command("seed_demo")
    journey = Journey(page, live_server.url)
    journey.sign_in("leader-1")
    page.get_by_role("link", name="Your account").click()
    page.wait_for_url(f"{live_server.url}/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator("#session-details")).to_contain_text("Username and password")
    assert_reads_well(page)

    journey.follow("See, issue and revoke your API tokens")
    page.get_by_label("What is the token for?").fill("Group diary")
    journey.submit("Issue a token")
    token = page.locator("#issued-token code").inner_text()
    assert ApiToken.objects.get(person__username="leader-1", client="Group diary").prefix == token[:8]
    expect(page.locator("#tokens")).to_contain_text("Live")
    assert_reads_well(page)

    journey.submit("Revoke the token for Group diary")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been revoked")
    expect(page.locator("#tokens")).to_contain_text("Revoked")
    assert token not in page.content()

    page.goto(f"{live_server.url}/account/")
    page.get_by_role("button", name="Sign out everywhere").click()
    page.wait_for_url(f"{live_server.url}/sign-in/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have been signed out everywhere")
    assert_reads_well(page)


def test_democratic_services_sign_a_person_out_everywhere_from_their_page(live_server, page):
    call_command("seed_demo")
    person = Person.objects.get(username="officer-15")
    journey = Journey(page, live_server.url)
    journey.sign_in("democratic-services")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.get_by_role("button", name="Sign out everywhere").click()
    page.wait_for_url(f"{live_server.url}/people/{person.pk}/sign-out-everywhere/")
    assert_reads_well(page)
    journey.submit("Sign them out everywhere")
    expect(page.get_by_role("alert")).to_contain_text("Say why they are signed out everywhere")
    assert_reads_well(page)
    page.get_by_label("Why?").fill("Lost their laptop")
    journey.submit("Sign them out everywhere")
    page.wait_for_url(f"{live_server.url}/people/{person.pk}/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been signed out everywhere")
    person.refresh_from_db()
    assert person.sessions_revoked_at is not None
