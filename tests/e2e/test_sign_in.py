"""Signing in, in a real Chromium, with axe-core checking each page."""

import pytest
from django.core.management import call_command

from tests.e2e.conftest import save_screenshot, serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_demo_user_signs_in_and_sees_their_posts_and_the_pages_are_accessible(live_server, page):
    call_command("seed_demo")
    # The front door is a landing page for the public (issue 16, point 9); its "Sign in" leads on.
    page.goto(f"{live_server.url}/")
    assert page.title().startswith("Member/officer register")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/sign-in/")
    assert page.title().startswith("Sign in")
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Username").fill("leader-1")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.title().startswith("Error: Sign in")
    assert page.get_by_role("alert").get_by_text("Enter a correct username and password").is_visible()
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Password").fill("demo-register-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() != ""
    assert page.get_by_text("Leader of the Labour Group").is_visible()
    assert serious_accessibility_violations(page) == []
    save_screenshot(page, "home-group-leader")
