"""Single sign-on against a real OpenID Connect provider (tests/oidc_provider, django-oauth-toolkit on
loopback): the authorisation code flow with PKCE, state and nonce, the ID token checked against the
provider's published keys, the person matched on "<issuer> <subject>" and linked once by a verified
e-mail address (issue 18). Every bad answer is refused with a page that says what to do next, nothing
is created, and the sign-in history has a line saying why.

Where the register must receive a bad ID token, the provider's token response is intercepted in the
register's own process (``SingleSignOnBackend.get_token``, where mozilla-django-oidc fetches it) and
changed; the rest runs against the provider. The replayed code is a real replay at the provider.
"""

import datetime
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from django.test import Client

from register.models import Person, SignInEvent
from register.services.history import save_with_history
from register.services.system import system_user
from register.sso import SingleSignOnBackend
from tests.factories import make_person
from tests.oidc_provider import fixtures
from tests.oidc_provider.provider import users

pytestmark = pytest.mark.django_db
# The test provider (one per test module that uses it) and the register pointed at it.
oidc_provider, single_sign_on = fixtures.oidc_provider, fixtures.single_sign_on

REFUSED = SignInEvent.Kind.REFUSED
SSO = SignInEvent.Method.SINGLE_SIGN_ON


@pytest.fixture
def browser():
    """The register's test client, as the browser on this machine: the register is at http://localhost,
    so the redirect URI is the loopback one the provider has registered."""
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def officer_with_address(db):
    """The officer whose e-mail address Democratic Services recorded as the provider's OFFICER has it."""
    person = make_person(Person.Kind.OFFICER)
    person.email = users.OFFICER.email.upper()  # recorded in another case: still the same address
    save_with_history(person, actor=system_user(), reason="Test data: e-mail address", update_fields=["email"])
    return person


def begin(browser) -> str:
    """Press "Sign in with your council account": the address of the provider's authorisation page."""
    response = browser.get("/oidc/authenticate/")
    assert response.status_code == 302
    return response["Location"]


def come_back(browser, callback_url: str):
    parts = urlsplit(callback_url)
    assert parts.path == "/oidc/callback/"
    return browser.get(f"{parts.path}?{parts.query}")


def sign_in_through_provider(browser, provider, user=users.OFFICER):
    return come_back(browser, provider.sign_in(begin(browser), user))


def signed_in_person(browser):
    user_id = browser.session.get("_auth_user_id")
    return Person.objects.get(pk=user_id) if user_id else None


def people_count() -> int:
    """The people of the register (the system user, made when first needed, is not one)."""
    return Person.objects.exclude(kind=Person.Kind.SYSTEM).count()


def refusal_lines() -> list[str]:
    return list(SignInEvent.objects.filter(kind=REFUSED, method=SSO).values_list("detail", flat=True))


def assert_refused_with_a_page(response, *, says: str, people_before: int, reason_contains: str):
    """The refusal: a page in words saying what to do next, nobody signed in or created, one line of history."""
    assert response.status_code in (400, 403, 503)
    page = response.content.decode()
    assert "We could not sign you in" in page
    assert says in page
    assert people_count() == people_before
    lines = refusal_lines()
    assert len(lines) == 1, lines
    assert reason_contains in lines[0]
    assert not SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN).exists()


def tamper_with_token_response(monkeypatch, change):
    """Have the register receive the provider's real token response with its ID token changed by ``change``."""
    fetch = SingleSignOnBackend.get_token

    def get_token(self, payload):
        answer = fetch(self, payload)
        answer["id_token"] = change(answer["id_token"])
        return answer

    monkeypatch.setattr(SingleSignOnBackend, "get_token", get_token)


def resign(provider, **claim_changes):
    """A change that re-signs the provider's ID token with the provider's own key, claims changed."""

    def change(id_token: str) -> str:
        header = jwt.get_unverified_header(id_token)
        claims = jwt.decode(id_token, options={"verify_signature": False})
        claims.update(claim_changes)
        return jwt.encode(claims, provider.private_key_pem, algorithm="RS256", headers={"kid": header["kid"]})

    return change


# --- Who signs in ----------------------------------------------------------------------------------


def test_a_known_officer_is_linked_once_by_the_verified_address_democratic_services_recorded(
    single_sign_on, browser, officer_with_address
):
    """First sign-in: the provider's subject is linked to the one current person with that verified address,
    saved with history, with a LINKED and a SIGNED_IN line; the session says single sign-on."""
    response = sign_in_through_provider(browser, single_sign_on)

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_person(browser) == officer_with_address
    assert browser.session["sign_in_method"] == "single-sign-on"
    officer_with_address.refresh_from_db()
    assert officer_with_address.sign_in_subject == f"{single_sign_on.issuer} {users.OFFICER.sub}"
    latest = officer_with_address.history.latest()
    assert "first single sign-on" in latest.history_change_reason
    assert latest.history_user == officer_with_address
    kinds = list(SignInEvent.objects.filter(person=officer_with_address).order_by("id").values_list("kind", "method"))
    assert kinds == [(SignInEvent.Kind.LINKED, SSO), (SignInEvent.Kind.SIGNED_IN, SSO)]
    assert browser.get("/").status_code == 200


def test_later_sign_ins_match_the_subject_alone_even_after_the_address_changes_at_the_provider(
    single_sign_on, browser, officer_with_address
):
    """Once linked, a changed e-mail address at the provider changes nothing: the subject still signs in,
    and the address the provider now gives is not linked to anyone else."""
    sign_in_through_provider(browser, single_sign_on)
    someone_else = make_person(Person.Kind.OFFICER)
    single_sign_on.set_email(users.OFFICER, someone_else.email)

    again = Client(HTTP_HOST="localhost")
    response = sign_in_through_provider(again, single_sign_on)

    assert response.status_code == 302
    assert signed_in_person(again) == officer_with_address
    someone_else.refresh_from_db()
    assert someone_else.sign_in_subject is None
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.LINKED).count() == 1
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN, person=officer_with_address).count() == 2


def test_someone_the_register_does_not_know_is_refused_and_nothing_is_created(single_sign_on, browser, council):
    """An unknown subject whose address no person has: the refusal page (ask Democratic Services), no person made."""
    people_before = people_count()
    response = sign_in_through_provider(browser, single_sign_on, users.STRANGER)
    assert_refused_with_a_page(
        response, says="Ask Democratic Services", people_before=people_before, reason_contains="no person"
    )
    assert response.status_code == 403
    assert signed_in_person(browser) is None
    assert not Person.objects.filter(email__iexact=users.STRANGER.email).exists()


def test_an_address_the_provider_has_not_verified_links_nobody(single_sign_on, browser):
    """email_verified false: the address is not enough to link, even though a person has it."""
    person = make_person(Person.Kind.OFFICER)
    person.email = users.UNVERIFIED.email
    save_with_history(person, actor=system_user(), reason="Test data", update_fields=["email"])
    people_before = people_count()

    response = sign_in_through_provider(browser, single_sign_on, users.UNVERIFIED)

    assert_refused_with_a_page(
        response, says="Ask Democratic Services", people_before=people_before, reason_contains="not verified"
    )
    person.refresh_from_db()
    assert person.sign_in_subject is None


def test_an_unverified_address_links_when_the_council_trusts_its_providers_addresses(single_sign_on, browser, settings):
    """OIDC_TRUST_EMAIL_WITHOUT_VERIFIED (Entra ID sends no email_verified): the address links."""
    settings.OIDC_TRUST_EMAIL_WITHOUT_VERIFIED = True
    person = make_person(Person.Kind.OFFICER)
    person.email = users.UNVERIFIED.email
    save_with_history(person, actor=system_user(), reason="Test data", update_fields=["email"])

    sign_in_through_provider(browser, single_sign_on, users.UNVERIFIED)

    assert signed_in_person(browser) == person


def test_an_address_two_current_people_share_links_neither(single_sign_on, browser):
    """Ambiguous: the address belongs to two current people (in any case), so it is not linked to either."""
    first, second = make_person(Person.Kind.OFFICER), make_person(Person.Kind.MEMBER)
    for person, address in ((first, users.SECOND.email), (second, users.SECOND.email.upper())):
        person.email = address
        save_with_history(person, actor=system_user(), reason="Test data", update_fields=["email"])
    people_before = people_count()

    response = sign_in_through_provider(browser, single_sign_on, users.SECOND)

    assert_refused_with_a_page(
        response, says="Ask Democratic Services", people_before=people_before, reason_contains="more than one"
    )
    assert Person.objects.filter(sign_in_subject__isnull=False).count() == 0


def test_a_person_already_linked_to_another_identity_is_not_linked_again_by_address(single_sign_on, browser):
    """The address belongs to someone linked to another subject: the new subject does not take them over."""
    person = make_person(Person.Kind.OFFICER)
    person.email = users.SECOND.email
    person.sign_in_subject = f"{single_sign_on.issuer} some-other-subject"
    save_with_history(person, actor=system_user(), reason="Test data", update_fields=["email", "sign_in_subject"])
    people_before = people_count()

    response = sign_in_through_provider(browser, single_sign_on, users.SECOND)

    assert_refused_with_a_page(
        response, says="Ask Democratic Services", people_before=people_before, reason_contains="already linked"
    )
    person.refresh_from_db()
    assert person.sign_in_subject == f"{single_sign_on.issuer} some-other-subject"


def test_a_leaver_is_refused_though_their_identity_is_linked(single_sign_on, browser, officer_with_address):
    """A linked person recorded as having left cannot sign in through the provider either."""
    sign_in_through_provider(browser, single_sign_on)
    officer_with_address.refresh_from_db()
    officer_with_address.left_on = datetime.date.today() - datetime.timedelta(days=2)
    save_with_history(officer_with_address, actor=system_user(), reason="Test data: left", update_fields=["left_on"])
    before = set(SignInEvent.objects.values_list("id", flat=True))

    again = Client(HTTP_HOST="localhost")
    response = sign_in_through_provider(again, single_sign_on)

    assert response.status_code == 403
    assert "Ask Democratic Services" in response.content.decode()
    assert signed_in_person(again) is None
    new = SignInEvent.objects.exclude(id__in=before)
    assert [(e.kind, e.person) for e in new] == [(REFUSED, officer_with_address)]
    assert "left" in new[0].detail


# --- Bad answers from (or pretending to be from) the provider ----------------------------------------


def test_a_tampered_id_token_is_refused_by_its_signature(single_sign_on, browser, officer_with_address, monkeypatch):
    """The ID token's claims changed after the provider signed it: the signature no longer verifies."""

    def tamper(id_token: str) -> str:
        header, payload, signature = id_token.split(".")
        claims = jwt.decode(id_token, options={"verify_signature": False})
        claims["sub"] = "someone-else"
        forged = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
        return f"{header}.{forged}.{signature}"

    tamper_with_token_response(monkeypatch, tamper)
    people_before = people_count()
    response = sign_in_through_provider(browser, single_sign_on)
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="signature"
    )
    officer_with_address.refresh_from_db()
    assert officer_with_address.sign_in_subject is None


def test_an_id_token_signed_with_another_key_is_refused(single_sign_on, browser, monkeypatch):
    """Signed by a key the provider does not publish (under the provider's key id): refused."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    def resign_with_other_key(id_token):
        header = jwt.get_unverified_header(id_token)
        claims = jwt.decode(id_token, options={"verify_signature": False})
        return jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": header["kid"]})

    tamper_with_token_response(monkeypatch, resign_with_other_key)
    people_before = people_count()
    response = sign_in_through_provider(browser, single_sign_on)
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="signature"
    )


def test_an_expired_id_token_is_refused(single_sign_on, browser, officer_with_address, monkeypatch):
    """An ID token whose exp has passed (beyond the allowed clock difference) is refused."""
    an_hour_ago = int(time.time()) - 3600
    tamper_with_token_response(monkeypatch, resign(single_sign_on, exp=an_hour_ago, iat=an_hour_ago - 60))
    people_before = people_count()
    response = sign_in_through_provider(browser, single_sign_on)
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="expired"
    )


def test_an_id_token_with_the_wrong_nonce_is_refused(single_sign_on, browser, officer_with_address, monkeypatch):
    """The nonce is not the one the register sent with this sign-in: refused."""
    tamper_with_token_response(monkeypatch, resign(single_sign_on, nonce="a-nonce-from-another-sign-in"))
    people_before = people_count()
    response = sign_in_through_provider(browser, single_sign_on)
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="nonce"
    )


def test_an_id_token_from_another_issuer_is_refused(single_sign_on, browser, officer_with_address, monkeypatch):
    """Signed with the right key but naming another issuer: refused."""
    tamper_with_token_response(monkeypatch, resign(single_sign_on, iss="https://login.example.net/other-tenant/v2.0"))
    people_before = people_count()
    response = sign_in_through_provider(browser, single_sign_on)
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="another issuer"
    )


def test_an_id_token_for_another_audience_is_refused(single_sign_on, browser, officer_with_address, monkeypatch):
    """An ID token the provider issued for another client is not accepted by the register."""
    tamper_with_token_response(monkeypatch, resign(single_sign_on, aud="some-other-application"))
    people_before = people_count()
    response = sign_in_through_provider(browser, single_sign_on)
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="another client"
    )


def test_an_answer_with_a_state_this_browser_never_sent_is_refused(single_sign_on, browser, officer_with_address):
    """The state is not one this browser's session began (a forged or cross-site callback)."""
    callback = single_sign_on.sign_in(begin(browser), users.OFFICER)
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    people_before = people_count()
    response = browser.get(parts.path, {"code": query["code"][0], "state": "a-state-from-somewhere-else"})
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="state"
    )


def test_an_answer_without_a_state_is_refused(single_sign_on, browser, officer_with_address):
    """No state at all: refused, with a page rather than a bare redirect."""
    callback = single_sign_on.sign_in(begin(browser), users.OFFICER)
    query = parse_qs(urlsplit(callback).query)
    people_before = people_count()
    response = browser.get("/oidc/callback/", {"code": query["code"][0]})
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="no state"
    )


def test_a_replayed_authorisation_code_is_refused_by_the_provider(single_sign_on, browser, officer_with_address):
    """The code was already exchanged at the provider (by someone who intercepted it): when the register
    exchanges it, the provider refuses, and so does the register."""
    callback = single_sign_on.sign_in(begin(browser), users.OFFICER)
    query = parse_qs(urlsplit(callback).query)
    started = browser.session["oidc_states"][query["state"][0]]
    first_use = requests.post(
        f"{single_sign_on.issuer}/token/",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": "http://localhost/oidc/callback/",
            "client_id": users.CLIENT_ID,
            "client_secret": users.CLIENT_SECRET,
            "code_verifier": started["code_verifier"],
        },
        timeout=30,
    )
    assert first_use.status_code == 200
    people_before = people_count()

    response = come_back(browser, callback)

    assert_refused_with_a_page(
        response,
        says="Try again from the sign-in page",
        people_before=people_before,
        reason_contains="refused to exchange the authorisation code (invalid_grant)",
    )
    officer_with_address.refresh_from_db()
    assert officer_with_address.sign_in_subject is None


def test_the_same_callback_used_twice_signs_in_once(single_sign_on, browser, officer_with_address):
    """A callback address used again (its state is spent) is refused; the first sign-in stands."""
    callback = single_sign_on.sign_in(begin(browser), users.OFFICER)
    assert come_back(browser, callback).status_code == 302
    other_browser = Client(HTTP_HOST="localhost")
    other_browser.get("/oidc/authenticate/")  # a session with a sign-in of its own begun

    response = come_back(other_browser, callback)

    assert response.status_code == 400
    assert "Try again from the sign-in page" in response.content.decode()
    assert signed_in_person(other_browser) is None
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN).count() == 1
    assert "state" in refusal_lines()[0]


def test_an_error_from_the_provider_is_refused_with_a_page(single_sign_on, browser):
    """The provider sends the browser back with an error (the person cancelled): a page, and a history line."""
    begin(browser)
    state = next(iter(browser.session["oidc_states"]))
    response = browser.get("/oidc/callback/", {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "Try again from the sign-in page" in response.content.decode()
    assert refusal_lines() == ["The provider answered with access_denied."]
    assert browser.session.get("oidc_states") == {}


def test_an_unreachable_provider_is_refused_with_a_page(settings, browser, db):
    """The provider cannot be reached: the start page says so in words (503), with a line in the history."""
    from register import sso

    settings.OIDC_ISSUER = f"http://127.0.0.1:{fixtures.free_loopback_port()}/o"
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "client", "secret"
    sso.forget_discovery()
    try:
        response = browser.get("/oidc/authenticate/")
    finally:
        sso.forget_discovery()
    assert response.status_code == 503
    assert "Try again from the sign-in page" in response.content.decode()
    assert refusal_lines() == ["The provider could not be reached to start the sign-in."]


def test_the_provider_unreachable_during_the_exchange_is_refused_with_a_page(
    single_sign_on, browser, officer_with_address, monkeypatch
):
    """The provider goes away between the sign-in page and the token exchange: a page, not a crash."""

    def unreachable(self, payload):
        raise requests.ConnectionError("connection refused")

    callback = single_sign_on.sign_in(begin(browser), users.OFFICER)
    monkeypatch.setattr(SingleSignOnBackend, "get_token", unreachable)
    people_before = people_count()
    response = come_back(browser, callback)
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="reached"
    )


# --- Pages around it ---------------------------------------------------------------------------------


def test_without_an_issuer_there_is_no_single_sign_on(client, settings, db):
    """OIDC_ISSUER empty (the demo): the sign-in page has no button and the provider's pages do not exist."""
    settings.OIDC_ISSUER = ""
    page = client.get("/sign-in/").content.decode()
    assert "council account" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_the_sign_in_page_offers_the_council_account_when_configured(single_sign_on, browser):
    page = browser.get("/sign-in/").content.decode()
    assert "Sign in with your council account" in page
    assert 'href="/oidc/authenticate/"' in page


def test_the_start_sends_state_nonce_and_a_pkce_challenge(single_sign_on, browser):
    """The authorisation request: code flow, S256 PKCE, a state and a nonce kept in this session."""
    query = parse_qs(urlsplit(begin(browser)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://localhost/oidc/callback/"]
    started = browser.session["oidc_states"][query["state"][0]]
    assert started["nonce"] == query["nonce"][0]
    assert len(started["code_verifier"]) >= 43


def test_signing_out_after_single_sign_on_offers_the_providers_sign_out(single_sign_on, browser, officer_with_address):
    """The register's session ends, and the signed-out page links to the provider's end-session endpoint
    with the ID token as a hint and the sign-in page to come back to."""
    sign_in_through_provider(browser, single_sign_on)
    id_token = browser.session["oidc_id_token"]

    response = browser.post("/sign-out/")

    assert response.status_code == 302 and response["Location"] == "/sign-out/council-account/"
    assert signed_in_person(browser) is None
    page = browser.get(response["Location"])
    assert "You have signed out of the register" in page.content.decode()
    link = page.context["provider_sign_out_url"]
    assert link.startswith(f"{single_sign_on.issuer}/logout/?")
    query = parse_qs(urlsplit(link).query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://localhost/sign-in/"]
    # The provider accepts that request: it knows the token and the address to come back to.
    answer = requests.get(link, allow_redirects=False, timeout=30)
    assert answer.status_code in (200, 302), answer.text[:300]
    # Shown once: afterwards the page is the sign-in page again.
    assert browser.get("/sign-out/council-account/")["Location"] == "/sign-in/"


def test_signing_out_after_a_password_sign_in_goes_to_the_sign_in_page(single_sign_on, client, officer):
    client.force_login(officer)
    response = client.post("/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/"


def test_an_id_token_signed_with_the_client_secret_instead_of_the_providers_key_is_refused(
    single_sign_on, browser, officer_with_address, monkeypatch
):
    """Algorithm confusion: an HS256 token keyed with the client secret (which the register knows, so anyone
    holding it could forge one) is not an RS256 token from the provider."""

    def hs256(id_token):
        claims = jwt.decode(id_token, options={"verify_signature": False})
        return jwt.encode(claims, users.CLIENT_SECRET, algorithm="HS256")

    tamper_with_token_response(monkeypatch, hs256)
    people_before = people_count()
    response = sign_in_through_provider(browser, single_sign_on)
    assert_refused_with_a_page(
        response, says="Try again from the sign-in page", people_before=people_before, reason_contains="RS256"
    )


def test_production_with_single_sign_on_passes_the_deployment_checks_and_needs_the_client_secret():
    """An Entra ID configuration under REGISTER_ENV=production: `check --deploy` is clean; without the client
    secret the register refuses to start."""
    from tests.integration.test_production_settings import production_environment, run_python

    entra = {
        "DJANGO_SETTINGS_MODULE": "register.settings",
        "OIDC_ISSUER": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
        "OIDC_RP_CLIENT_ID": "11111111-1111-1111-1111-111111111111",
        "OIDC_SUBJECT_CLAIM": "oid",
        "OIDC_TRUST_EMAIL_WITHOUT_VERIFIED": "true",
    }
    checked = run_python(
        "import django, sys; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        production_environment(OIDC_RP_CLIENT_SECRET="a-client-secret", **entra),
    )
    assert checked.returncode == 0, checked.stderr
    missing = run_python("import django; django.setup()", production_environment(**entra))
    assert missing.returncode != 0
    assert "OIDC_RP_CLIENT_SECRET must be set" in missing.stderr
