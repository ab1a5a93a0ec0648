"""The pages work under the register's content security policy: GOV.UK Frontend's scripts run,
and the browser reports no violation (the policy allows nothing inline)."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_govuk_frontend_runs_under_the_content_security_policy_with_no_violation(live_server, page):
    call_command("seed_demo")
    page.add_init_script(RECORD_VIOLATIONS)
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

    response = page.goto(f"{live_server.url}/sign-in/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("Username").fill("leader-1")
    page.get_by_label("Password").fill("demo-register-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    # supported.js marked the body, and init.js started the components (each gets data-*-init).
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    assert page.locator("[data-module='govuk-button'][data-govuk-button-init]").count() >= 1
    assert page.evaluate("window.cspViolations") == []
    assert not [error for error in console_errors if "Content Security Policy" in error]
