"""The sign-in limits' pages in a real Chromium (issue 18): a username slowed after failures in a row
says how many seconds to wait; an address locked out after too many failures says until when; neither
says whether the username exists, and both read well."""

import pytest

from tests.e2e.conftest import assert_reads_well

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def attempt(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_slowed_username_is_told_to_wait_and_a_locked_out_address_is_told_until_when(
    live_server, page, council, clock, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    settings.SIGN_IN_SLOWDOWN_AFTER = 3
    settings.SIGN_IN_SLOWDOWN_MAX_SECONDS = 60
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for _ in range(3):
        attempt(page, live_server, "someone", "wrong password")
        assert page.get_by_role("alert").get_by_text("Enter a correct username and password").is_visible()

    attempt(page, live_server, "someone", "another wrong password")  # the register's clock has not moved
    assert page.title().startswith("Error: Sign in")
    assert page.get_by_role("alert").get_by_text("Wait 1 second and try again").is_visible()
    assert_reads_well(page)

    attempt(page, live_server, "someone-else", "wrong password")
    attempt(page, live_server, "a-third-name", "wrong password")  # the address's fifth failure
    assert page.title().startswith("You cannot sign in for now")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "You cannot sign in for now"
    assert page.get_by_text("too many failed attempts to sign in from your network address").is_visible()
    assert page.get_by_text("You can try again after").is_visible()
    assert "a-third-name" not in page.content()
    assert_reads_well(page)
