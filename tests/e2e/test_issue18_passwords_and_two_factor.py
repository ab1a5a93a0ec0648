"""Issue 18, points 3 and 4 in a real Chromium, each page checked by axe-core: a Chief Executive with a
local password sets up two-factor sign-in at their first sign-in (QR code, the secret typed into an app,
recovery codes), signs out and signs in again with a code; a member who has forgotten their password asks
for a link, reads the e-mail, chooses a new password and signs in with it."""

import base64
import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.oath import TOTP

from register.models import Notification, Person, SignInEvent
from register.services.delivery import deliver
from tests.e2e.conftest import assert_reads_well

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DEMO_PASSWORD = "demo-register-2026"
NEW_PASSWORD = "walnut-ferry-compass-64"


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given ``secret`` (base32, as the page shows it) displays now."""
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in_with_password(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.two_factor
def test_a_chief_executive_sets_up_two_factor_at_first_sign_in_and_signs_in_with_a_code(live_server, page):
    call_command("seed_demo")
    base = live_server.url
    sign_in_with_password(page, base, "chief-executive", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/account/two-factor/set-up/")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert page.get_by_role("img", name="QR code").is_visible()
    assert_reads_well(page)
    # Every other page leads back here until it is done.
    page.goto(f"{base}/declarations/")
    page.wait_for_url(f"{base}/account/two-factor/set-up/")

    secret = page.locator("#secret").inner_text()
    page.get_by_label("Code from the app").fill("000000" if app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert "The code is not right" in page.locator(".govuk-error-summary").inner_text()
    assert_reads_well(page)

    # After a wrong code django-otp makes the next try wait a second (OTP_TOTP_THROTTLE_FACTOR).
    time.sleep(1.5)
    page.get_by_label("Code from the app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Two-factor sign-in is on"
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert_reads_well(page)
    page.get_by_role("button", name="I have kept my recovery codes: continue").click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{base}/sign-in/")

    sign_in_with_password(page, base, "chief-executive", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/sign-in/code/")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter the code from your authenticator app"
    assert_reads_well(page)
    # The code of the next 30 seconds: the one of this step was used by the set-up, and is not taken twice.
    page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("button", name="Sign out", exact=True).is_visible()

    ce = Person.objects.get(username="chief-executive")
    kinds = set(SignInEvent.objects.filter(person=ce).values_list("kind", flat=True))
    assert {SignInEvent.Kind.TWO_FACTOR_SET_UP, SignInEvent.Kind.TWO_FACTOR_FAILED} <= kinds


def test_a_member_resets_a_forgotten_password_from_the_email_and_signs_in_with_it(live_server, page):
    call_command("seed_demo")
    base = live_server.url
    member = Person.objects.get(username="member-1")
    page.goto(f"{base}/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.wait_for_url(f"{base}/sign-in/forgotten-password/")
    assert_reads_well(page)
    page.get_by_label("E-mail address").fill(member.email)
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url(f"{base}/sign-in/forgotten-password/sent/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"
    assert_reads_well(page)

    # No worker runs in these tests: deliver the e-mail, then read it as its recipient would.
    notice = Notification.objects.get(kind="password-reset", recipient=member)
    deliver(notice.pk)
    email = next(message for message in mail.outbox if message.to == [member.email])
    link = re.search(r"https?://\S+(/sign-in/forgotten-password/\S+/\S+/)", email.body).group(1)

    page.goto(f"{base}{link}")
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    assert_reads_well(page)
    page.get_by_label("Choose a password").fill("too-short")
    page.get_by_label("Type the password again").fill("too-short")
    page.get_by_role("button", name="Save your new password").click()
    page.wait_for_load_state()
    assert "at least 12 characters" in page.locator(".govuk-error-summary").inner_text()
    assert_reads_well(page)
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save your new password").click()
    page.wait_for_url(f"{base}/sign-in/forgotten-password/done/")
    assert_reads_well(page)

    sign_in_with_password(page, base, "member-1", NEW_PASSWORD)
    page.wait_for_url(f"{base}/")

    # The link worked once: opened again, it says so and how to ask for another.
    page.goto(f"{base}{link}")
    assert page.get_by_role("heading", level=1).inner_text() == "This link to reset your password no longer works"
    assert page.get_by_role("link", name="Ask for a new link").is_visible()
    assert_reads_well(page)


def test_wrong_codes_end_the_sign_in_democratic_services_reset_it_and_a_member_changes_their_password(
    live_server, page
):
    """The other pages of the part: the page after five wrong codes, Democratic Services' reset from a
    person's page, changing one's password, and the two-factor page of someone for whom it is optional."""
    from register.services.sign_in import two_factor

    call_command("seed_demo")
    base = live_server.url
    ce = Person.objects.get(username="chief-executive")
    device = two_factor.pending_authenticator(ce)
    two_factor.set_up_two_factor(person=ce, device=device, code=app_code(base64.b32encode(device.bin_key).decode()))

    sign_in_with_password(page, base, "chief-executive", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/sign-in/code/")
    for _ in range(5):
        page.get_by_label("Code").fill("not-the-code")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "You have been signed out"
    assert "Democratic Services" in page.locator("main").inner_text()
    assert_reads_well(page)

    sign_in_with_password(page, base, "democratic-services", DEMO_PASSWORD)
    page.goto(f"{base}/people/{ce.pk}/")
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    page.wait_for_url(f"{base}/people/{ce.pk}/two-factor-reset/")
    assert_reads_well(page)
    page.get_by_label("Reason").fill("Lost their phone on the train")
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    page.wait_for_url(f"{base}/people/{ce.pk}/")
    assert "has been reset" in page.locator(".govuk-notification-banner").inner_text()
    assert not two_factor.has_two_factor(ce)
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{base}/sign-in/")

    sign_in_with_password(page, base, "member-1", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/account/two-factor/")
    assert "Two-factor sign-in is off" in page.locator("main").inner_text()
    assert_reads_well(page)
    page.goto(f"{base}/account/password/")
    assert_reads_well(page)
    page.get_by_label("Your current password").fill(DEMO_PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change your password").click()
    page.wait_for_url(f"{base}/account/password/")
    assert "Your password has been changed" in page.locator(".govuk-notification-banner").inner_text()
    assert_reads_well(page)
