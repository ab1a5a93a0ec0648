"""API tokens that expire (issue 18, point 6): hashed at rest, expiring, one per client, revoked on
sign-out, on "sign out everywhere" and when a person leaves; and the page where a person sees and
revokes theirs."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from register.models import ApiToken, SignInEvent
from register.services import people
from register.services.people.leavers import person_leave
from register.services.sign_in import tokens

PASSWORD = "correct horse battery staple 17"
Kind = SignInEvent.Kind


@pytest.fixture
def officer(council):
    person = council.directorates[0].officers[0]
    people.person_set_password(actor=council.system, reason="Test data", person=person, raw_password=PASSWORD)
    person.refresh_from_db()  # the service saved a locked copy: this one's password hash is stale
    return person


def token_for(person, client_name="Reporting spreadsheet", **extra) -> dict:
    response = APIClient().post(
        "/api/token/",
        {"username": person.username, "password": PASSWORD, "client": client_name, **extra},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def api_as(token: str, scheme: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {token}")
    return client


def test_a_token_is_issued_for_a_named_client_expires_after_the_configured_hours_and_signs_requests_in(
    officer, clock, settings
):
    """POST /api/token/ keeps its contract (username and password give a token), names the client and
    says when the token expires: API_TOKEN_HOURS after issue. Both "Bearer" and "Token" are accepted."""
    settings.API_TOKEN_HOURS = 8
    issued = token_for(officer)
    assert issued["client"] == "Reporting spreadsheet"
    assert datetime.datetime.fromisoformat(issued["expires_at"]) == clock.now() + datetime.timedelta(hours=8)
    assert api_as(issued["token"]).get("/api/me/").json()["username"] == officer.username
    assert api_as(issued["token"], "Token").get("/api/me/").status_code == 200
    default = APIClient().post("/api/token/", {"username": officer.username, "password": PASSWORD}, format="json")
    assert default.json()["client"] == "API client"
    assert SignInEvent.objects.filter(person=officer, kind=Kind.TOKEN_ISSUED).count() == 2


def test_an_expired_token_gets_a_401_that_says_it_expired(officer, clock):
    """A token is refused once API_TOKEN_HOURS have passed (issue 18: tokens expire)."""
    token = token_for(officer)["token"]
    clock.advance(hours=7, minutes=59)
    assert api_as(token).get("/api/me/").status_code == 200
    clock.advance(minutes=1)
    refused = api_as(token).get("/api/me/")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/token-expired")
    assert "expired" in refused.json()["detail"]
    assert refused["WWW-Authenticate"].startswith('Bearer realm="api", error="invalid_token"')


def test_a_revoked_token_gets_a_401_that_says_it_was_revoked(officer):
    """POST /api/token/revoke/ revokes the token the request is signed with; afterwards it is refused."""
    token = token_for(officer)["token"]
    client = api_as(token)
    assert client.post("/api/token/revoke/").status_code == 204
    refused = client.get("/api/me/")
    assert refused.status_code == 401
    assert refused.json()["type"].endswith("/token-revoked")
    record = ApiToken.objects.get(person=officer)
    assert record.revoked_because == "Revoked by its client"
    assert record.history.first().history_change_reason == "Revoked by its client"
    assert SignInEvent.objects.filter(person=officer, kind=Kind.TOKEN_REVOKED).count() == 1


def test_an_unknown_or_malformed_token_gets_a_401(officer):
    assert api_as("not-a-token-the-register-issued").get("/api/me/").json()["type"].endswith("/token-unknown")
    malformed = APIClient()
    malformed.credentials(HTTP_AUTHORIZATION="Bearer two words")
    assert malformed.get("/api/me/").status_code == 401
    assert APIClient().post("/api/token/revoke/").status_code == 401


def test_revoking_needs_a_token_signed_request(officer):
    """A request signed in by a session has no token to revoke: 400, not a silent success."""
    client = APIClient()
    client.force_authenticate(officer)
    response = client.post("/api/token/revoke/")
    assert response.status_code == 400
    assert response.json()["type"].endswith("/no-token")


def test_the_token_is_not_readable_from_the_database(officer):
    """Only a SHA-256 digest and an 8-character prefix are kept: no column of the tokens table, nor of
    its history, holds the token (issue 18)."""
    token = token_for(officer)["token"]
    with connection.cursor() as cursor:
        for table in ("register_apitoken", "register_historicalapitoken"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the table names are the test's own
            for row in cursor.fetchall():
                for value in row:
                    assert token not in str(value), f"{table} holds the token"
    record = ApiToken.objects.get(person=officer)
    assert record.digest == tokens.digest_of(token) and len(record.prefix) == 8 and token.startswith(record.prefix)


def test_issuing_again_for_a_client_revokes_the_token_before_and_leaves_other_clients_alone(officer):
    """One live token per person per client: the second issue revokes the first in the same step."""
    first = token_for(officer, "Reporting spreadsheet")["token"]
    other = token_for(officer, "Diary sync")["token"]
    second = token_for(officer, "Reporting spreadsheet")["token"]
    assert first != second
    assert api_as(first).get("/api/me/").json()["type"].endswith("/token-revoked")
    assert api_as(second).get("/api/me/").status_code == 200
    assert api_as(other).get("/api/me/").status_code == 200
    replaced = ApiToken.objects.get(digest=tokens.digest_of(first))
    assert replaced.revoked_because == "Replaced by a new token for Reporting spreadsheet"


def test_a_client_name_longer_than_100_characters_is_refused_with_the_field_named(officer):
    response = APIClient().post(
        "/api/token/", {"username": officer.username, "password": PASSWORD, "client": "x" * 101}, format="json"
    )
    assert response.status_code == 400
    assert "client" in response.json()["errors"]


def test_last_use_is_noted_at_most_once_a_minute_and_never_in_the_history(officer, clock):
    token = token_for(officer)["token"]
    client = api_as(token)
    client.get("/api/me/")
    record = ApiToken.objects.get(person=officer)
    first_use = record.last_used_at
    assert first_use == clock.now()
    clock.advance(seconds=30)
    client.get("/api/me/")
    record.refresh_from_db()
    assert record.last_used_at == first_use
    clock.advance(seconds=31)
    client.get("/api/me/")
    record.refresh_from_db()
    assert record.last_used_at == clock.now()
    assert record.history.count() == 1  # issued; uses add no history


def test_signing_out_of_the_pages_revokes_every_api_token_and_is_recorded(officer):
    """Signing out ends the API tokens too (issue 18: tokens survive signing out no more)."""
    tokens_before = [token_for(officer, name)["token"] for name in ("Spreadsheet", "Diary")]
    browser = Client()
    assert browser.post("/sign-in/", {"username": officer.username, "password": PASSWORD}).status_code == 302
    browser.post("/sign-out/")
    for token in tokens_before:
        assert api_as(token).get("/api/me/").json()["type"].endswith("/token-revoked")
    assert set(ApiToken.objects.filter(person=officer).values_list("revoked_because", flat=True)) == {"Signed out"}
    assert SignInEvent.objects.filter(person=officer, kind=Kind.SIGNED_OUT).count() == 1


def test_recording_a_leaver_whose_last_day_is_today_revokes_their_tokens_at_once(council, officer, clock):
    """A leaver's tokens are revoked when the leaving is recorded on or after their last day; with a
    last day ahead, the API refuses them from the day after it (test_leavers.py)."""
    token = token_for(officer)["token"]
    person_leave(actor=council.democratic_services, reason="Resigned", person=officer, left_on=clock.today)
    refused = api_as(token).get("/api/me/")
    assert refused.status_code == 401 and refused.json()["type"].endswith("/token-revoked")
    assert ApiToken.objects.get(person=officer).history.first().history_user == council.democratic_services


def test_a_leaving_date_ahead_leaves_the_token_until_the_backend_refuses_it(council, officer, clock):
    token = token_for(officer)["token"]
    last_day = clock.today + datetime.timedelta(days=3)
    person_leave(actor=council.democratic_services, reason="Retiring", person=officer, left_on=last_day)
    assert ApiToken.objects.get(person=officer).revoked_at is None
    assert api_as(token).get("/api/me/").status_code == 200


# --- The tokens page -------------------------------------------------------------------------------


def test_the_tokens_page_issues_a_token_shown_once_and_lists_it_by_prefix(officer):
    browser = Client()
    browser.force_login(officer)
    issued = browser.post("/account/tokens/", {"client": "Reporting spreadsheet"})
    assert issued.status_code == 200
    record = ApiToken.objects.get(person=officer)
    token = issued.context["issued"].token
    assert tokens.digest_of(token) == record.digest
    assert token in issued.content.decode()
    assert api_as(token).get("/api/me/").status_code == 200
    listed = browser.get("/account/tokens/").content.decode()
    assert token not in listed
    assert f"{record.prefix}…" in listed and "Reporting spreadsheet" in listed and "Live" in listed
    assert browser.post("/account/tokens/", {"client": ""}).status_code == 400


def test_a_person_revokes_their_own_token_from_the_page_and_nobody_elses(council, officer):
    token = token_for(officer)["token"]
    record = ApiToken.objects.get(person=officer)
    stranger = Client()
    stranger.force_login(council.groups[0].leader)
    assert stranger.post(f"/account/tokens/{record.pk}/revoke/").status_code == 404
    assert api_as(token).get("/api/me/").status_code == 200
    browser = Client()
    browser.force_login(officer)
    assert browser.post(f"/account/tokens/{record.pk}/revoke/").status_code == 302
    assert api_as(token).get("/api/me/").json()["type"].endswith("/token-revoked")
    assert "Revoked" in browser.get("/account/tokens/").content.decode()


def test_democratic_services_revoke_someone_elses_token_through_the_service(council, officer):
    token = token_for(officer)["token"]
    record = ApiToken.objects.get(person=officer)
    with pytest.raises(tokens.NotFound):
        tokens.revoke_token(actor=council.groups[0].leader, token=record, reason="Not mine")
    tokens.revoke_token(actor=council.democratic_services, token=record, reason="Lost laptop")
    assert api_as(token).get("/api/me/").status_code == 401
