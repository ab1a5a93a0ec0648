"""Sessions (issue 18, point 5): an idle timeout and an absolute timeout, a new session key at sign-in,
"sign out everywhere" for a person and for Democratic Services acting on a leaver, and the account page."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import ApiToken, Person, SignInEvent
from register.services import people
from register.services.sign_in import sessions, tokens

pytestmark = [pytest.mark.session_timeouts]

PASSWORD = "correct horse battery staple 17"
Kind = SignInEvent.Kind


@pytest.fixture
def officer(council):
    person = council.directorates[0].officers[0]
    people.person_set_password(actor=council.system, reason="Test data", person=person, raw_password=PASSWORD)
    person.refresh_from_db()
    return person


def signed_in(person) -> Client:
    browser = Client()
    response = browser.post("/sign-in/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return browser


def test_signing_in_gives_the_session_a_new_key(officer):
    """No session fixation: the key a browser held before signing in is not the key after."""
    browser = Client()
    browser.get("/sign-in/")
    browser.session.save()
    before = browser.session.session_key
    assert before
    browser.post("/sign-in/", {"username": officer.username, "password": PASSWORD})
    after = browser.session.session_key
    assert after and after != before
    assert browser.get("/account/").status_code == 200


def test_a_session_idle_for_the_idle_timeout_ends_with_the_reason_and_the_page_kept(officer, clock, settings):
    """SESSION_IDLE_MINUTES without a request ends the session: the person is sent to sign in, told
    why, and brought back to the page they asked for; the sign-in history says so."""
    settings.SESSION_IDLE_MINUTES = 30
    browser = signed_in(officer)
    clock.advance(minutes=29)
    assert browser.get("/notices/").status_code == 200
    clock.advance(minutes=29)  # activity moved the idle deadline on
    assert browser.get("/notices/").status_code == 200
    clock.advance(minutes=30)
    ended = browser.get("/notices/?page=1")
    assert ended.status_code == 302
    assert ended["Location"] == "/sign-in/?next=/notices/%3Fpage%3D1"
    page = browser.get(ended["Location"]).content.decode()
    assert "You were signed out because you had not done anything for 30 minutes" in page
    assert browser.get("/account/").status_code == 302
    event = SignInEvent.objects.get(person=officer, kind=Kind.SESSION_EXPIRED)
    assert event.detail == "Signed out because you had not done anything for 30 minutes"


def test_a_session_ends_after_the_absolute_timeout_however_active(officer, clock, settings):
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_ABSOLUTE_HOURS = 2
    browser = signed_in(officer)
    for _ in range(5):
        clock.advance(minutes=20)
        assert browser.get("/notices/").status_code == 200
    clock.advance(minutes=20)  # two hours after signing in
    ended = browser.get("/notices/")
    assert ended.status_code == 302 and ended["Location"].startswith("/sign-in/")
    assert "you had been signed in for 2 hours" in browser.get(ended["Location"]).content.decode()


def test_the_session_cookie_lives_no_longer_than_the_absolute_timeout():
    from register import settings as configured

    assert configured.SESSION_COOKIE_AGE == int(configured.SESSION_ABSOLUTE_HOURS * 3600)
    assert configured.SESSION_IDLE_MINUTES == 30 and configured.SESSION_ABSOLUTE_HOURS == 12


def test_an_api_request_with_a_timed_out_session_gets_a_401_problem(officer, clock):
    browser = signed_in(officer)
    assert browser.get("/api/me/").status_code == 200
    clock.advance(minutes=31)
    refused = browser.get("/api/me/")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/session-expired")
    assert "WWW-Authenticate" in refused


def test_last_activity_is_written_at_most_once_a_minute(officer, clock):
    browser = signed_in(officer)
    first = browser.session[sessions.LAST_ACTIVE_AT]
    clock.advance(seconds=30)
    browser.get("/notices/")
    assert browser.session[sessions.LAST_ACTIVE_AT] == first
    clock.advance(seconds=31)
    browser.get("/notices/")
    assert browser.session[sessions.LAST_ACTIVE_AT] == clock.now().timestamp()


def test_stay_signed_in_counts_as_activity(officer, clock):
    """The warning's "Stay signed in" posts to the keep-alive address (CSRF-protected, 204)."""
    browser = signed_in(officer)
    clock.advance(minutes=28)
    assert browser.post("/account/keep-alive/").status_code == 204
    clock.advance(minutes=28)
    assert browser.get("/notices/").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    assert strict.post("/account/keep-alive/").status_code == 403
    assert Client().post("/account/keep-alive/").status_code == 401


def test_sign_out_everywhere_ends_another_browsers_session_and_the_tokens(officer):
    """A person signs themselves out everywhere from /account/: the other browser's session ends at its
    next request, this one lands on sign-in with a message, and every API token is revoked."""
    laptop, phone = signed_in(officer), signed_in(officer)
    token = tokens.issue_token(actor=officer, person=officer, client="Spreadsheet").token
    assert phone.get("/notices/").status_code == 200
    done = laptop.post("/account/sign-out-everywhere/")
    assert done.status_code == 302 and done["Location"] == "/sign-in/"
    assert "You have been signed out everywhere" in laptop.get("/sign-in/").content.decode()
    assert laptop.get("/notices/").status_code == 302
    assert phone.get("/notices/").status_code == 302
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/me/").json()["type"].endswith("/token-revoked")
    officer.refresh_from_db()
    assert officer.sessions_revoked_at is not None
    assert officer.history.first().history_change_reason == "Signed out everywhere: Asked for by themselves"
    assert SignInEvent.objects.filter(person=officer, kind=Kind.SIGNED_OUT_EVERYWHERE).count() == 1
    # Signing in again works, with a new session.
    assert signed_in(officer).get("/notices/").status_code == 200


def test_democratic_services_sign_a_leaver_out_everywhere_from_their_page(council, officer, clock):
    import datetime

    from register.services.people.leavers import person_leave

    browser = signed_in(officer)
    tokens.issue_token(actor=officer, person=officer, client="Spreadsheet")
    person_leave(
        actor=council.democratic_services,
        reason="Leaving at the end of the week",
        person=officer,
        left_on=clock.today + datetime.timedelta(days=4),
    )
    keeper = Client()
    keeper.force_login(council.democratic_services)
    page = keeper.get(f"/people/{officer.pk}/").content.decode()
    assert f'href="/people/{officer.pk}/sign-out-everywhere/"' in page
    assert keeper.post(f"/people/{officer.pk}/sign-out-everywhere/", {"reason": ""}).status_code == 400
    done = keeper.post(f"/people/{officer.pk}/sign-out-everywhere/", {"reason": "Handed in their laptop"})
    assert done.status_code == 302 and done["Location"] == f"/people/{officer.pk}/"
    assert browser.get("/notices/").status_code == 302
    assert not ApiToken.objects.filter(person=officer, revoked_at=None).exists()
    event = SignInEvent.objects.get(person=officer, kind=Kind.SIGNED_OUT_EVERYWHERE)
    assert event.detail.endswith("Handed in their laptop") and str(council.democratic_services) in event.detail
    assert keeper.get("/notices/").status_code == 200  # their own session is untouched


def test_nobody_but_democratic_services_signs_another_person_out(council, officer):
    """A councillor is told the page is not found; the Monitoring Officer, who reads people's records,
    is refused by the rule; the service refuses both, and nothing changes."""
    member = Client()
    member.force_login(council.groups[0].members[0])
    assert member.get(f"/people/{officer.pk}/sign-out-everywhere/").status_code == 404
    assert member.post(f"/people/{officer.pk}/sign-out-everywhere/", {"reason": "x"}).status_code == 404
    reader = Client()
    reader.force_login(council.monitoring_officer)
    assert reader.post(f"/people/{officer.pk}/sign-out-everywhere/", {"reason": "x"}).status_code == 403
    assert f"/people/{officer.pk}/sign-out-everywhere/" not in reader.get(f"/people/{officer.pk}/").content.decode()
    with pytest.raises(NotFound):
        sessions.sign_out_everywhere(actor=council.groups[0].leader, person=officer, reason="x")
    with pytest.raises(NotPermitted):
        sessions.sign_out_everywhere(actor=council.monitoring_officer, person=officer, reason="x")
    with pytest.raises(RuleViolation):
        sessions.sign_out_everywhere(actor=officer, person=officer, reason=" ")
    assert Person.objects.get(pk=officer.pk).sessions_revoked_at is None


def test_the_account_page_says_how_and_when_you_signed_in(officer, clock):
    browser = signed_in(officer)
    page = browser.get("/account/").content.decode()
    assert "Username and password" in page
    assert "2 March 2026, 9:00 a.m." in page
    assert 'href="/account/tokens/"' in page and "Sign out everywhere" in page
    assert (
        'href="/account/"' in browser.get("/notices/").content.decode()
    )  # the footer's "Your account" (the header keeps its tab stops few, issue 16)
