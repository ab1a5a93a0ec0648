"""Single sign-on in a real Chromium through the test provider's own login page (tests/oidc_provider):
a known officer lands on their home page, first linked by the e-mail address Democratic Services recorded
and afterwards by their subject alone; an unknown person is refused with a page and nothing is created;
signing out offers the provider's sign-out (issue 18)."""

import pytest

from register.models import Person, SignInEvent
from register.services.history import save_with_history
from register.services.system import system_user
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_content_security_policy import RECORD_VIOLATIONS
from tests.factories import make_person
from tests.oidc_provider import fixtures
from tests.oidc_provider.provider import users

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
oidc_provider, single_sign_on = fixtures.oidc_provider, fixtures.single_sign_on


def sign_in_at_the_provider(page, live_server, user: users.ProviderUser) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url("http://127.0.0.1:*/accounts/login/**")
    page.get_by_label("Provider username").fill(user.username)
    page.get_by_label("Provider password").fill(user.password)
    page.get_by_role("button", name="Sign in to the provider").click()


def test_a_known_officer_signs_in_through_the_provider_and_lands_on_their_home_page(
    live_server, browser, single_sign_on
):
    """First sign-in links the officer by the address on their record; after their address changes at the
    provider, a later sign-in still finds them, by the subject."""
    officer = make_person(Person.Kind.OFFICER)
    officer.email = users.OFFICER.email
    save_with_history(officer, actor=system_user(), reason="Test data: e-mail address", update_fields=["email"])

    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/sign-in/")
    assert_reads_well(page)
    sign_in_at_the_provider(page, live_server, users.OFFICER)
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text(f"Signed in as {officer}").is_visible()
    officer.refresh_from_db()
    assert officer.sign_in_subject == f"{single_sign_on.issuer} {users.OFFICER.sub}"

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{live_server.url}/sign-out/council-account/")
    assert page.get_by_role("heading", name="You have signed out of the register").is_visible()
    assert_reads_well(page)
    provider_sign_out = page.get_by_role("button", name="Sign out of your council account")
    assert provider_sign_out.get_attribute("href").startswith(f"{single_sign_on.issuer}/logout/?")
    # The register's pages on the way (sign-in, home, signed out) broke nothing of its content security policy.
    assert page.evaluate("window.cspViolations") == []
    context.close()

    single_sign_on.set_email(users.OFFICER, "olivia.new-name@council.example")
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in_at_the_provider(page, live_server, users.OFFICER)
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text(f"Signed in as {officer}").is_visible()
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN, person=officer).count() == 2
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.LINKED).count() == 1
    context.close()


def test_someone_the_register_does_not_know_is_refused_with_a_page_and_nothing_is_created(
    live_server, page, single_sign_on
):
    make_person(Person.Kind.OFFICER)
    people_before = Person.objects.exclude(kind=Person.Kind.SYSTEM).count()

    sign_in_at_the_provider(page, live_server, users.STRANGER)

    page.wait_for_url(f"{live_server.url}/oidc/callback/**")
    assert page.get_by_role("heading", level=1).inner_text() == "We could not sign you in"
    assert page.get_by_text("Ask Democratic Services").is_visible()
    assert_reads_well(page)
    assert Person.objects.exclude(kind=Person.Kind.SYSTEM).count() == people_before
    assert list(SignInEvent.objects.values_list("kind", flat=True)) == [SignInEvent.Kind.REFUSED]
    page.get_by_role("link", name="try again from the sign-in page").click()
    page.wait_for_url(f"{live_server.url}/sign-in/")
