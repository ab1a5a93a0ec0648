"""Issue 18, point 4: two-factor sign-in (TOTP with django-otp, and recovery codes) for those who decide
and see the most, set up at first sign-in, optional for others, exempt under single sign-on; five wrong
codes end the half-signed-in session; Democratic Services reset a lost phone; the API token endpoint can
ask for the code (``check_second_factor``). Every step leaves a line in the sign-in history, never a code."""

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from register.errors import NotPermitted, RuleViolation
from register.models import SignInEvent
from register.services.people import person_set_password
from register.services.sign_in import two_factor

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]
Kind = SignInEvent.Kind
PASSWORD = "lantern-orchard-kettle-58"


def code_for(device, *, steps_ahead: int = 0) -> str:
    """The code the person's authenticator app shows (``steps_ahead`` 30-second steps later: a code is
    accepted once per step, and the device accepts the next step too)."""
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def with_password(person):
    person_set_password(actor=person, reason="Test password", person=person, raw_password=PASSWORD)
    person.refresh_from_db()
    return person


def sign_in(person, client=None):
    client = client or Client()
    response = client.post("/sign-in/", {"username": person.username, "password": PASSWORD})
    return client, response


def give_authenticator(person) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.pending_authenticator(person)
    codes = two_factor.set_up_two_factor(person=person, device=device, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def through_single_sign_on(person) -> Client:
    """A session signed in through the provider (the SSO part sets this), which the gate lets through."""
    client = Client()
    client.force_login(person)
    session = client.session
    session["sign_in_method"] = "single-sign-on"
    session.save()
    return client


def events(person, kind):
    return list(SignInEvent.objects.filter(person=person, kind=kind))


def test_a_chief_executive_without_two_factor_reaches_no_page_but_its_set_up(chief_executive):
    """Required and not set up: after the password, every page leads to the set-up, but signing out,
    the set-up itself and /healthz stay open."""
    ce = with_password(chief_executive)
    client, response = sign_in(ce)
    assert response.status_code == 302
    for page in ("/", "/notices/", "/declarations/", "/people/", "/history/", "/admin/", "/account/password/"):
        answer = client.get(page)
        assert answer.status_code == 302 and answer["Location"] == "/account/two-factor/set-up/", page
    api = client.get("/api/people/")
    assert api.status_code == 403 and "Two-factor" in api.json()["title"]
    assert client.get("/account/two-factor/set-up/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/notices/")["Location"].startswith("/sign-in/")


def test_setting_up_shows_a_qr_code_and_the_secret_and_refuses_a_wrong_code_naming_the_field(chief_executive):
    ce = with_password(chief_executive)
    client, _ = sign_in(ce)
    page = client.get("/account/two-factor/set-up/").content.decode()
    assert "<svg" in page and 'role="img"' in page and "<script" not in page.split("<main")[1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=ce, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    refused = client.post("/account/two-factor/set-up/", {"code": wrong})
    assert refused.status_code == 400
    assert "The code is not right" in refused.content.decode() and 'href="#id_code"' in refused.content.decode()
    [failed] = events(ce, Kind.TWO_FACTOR_FAILED)
    assert wrong not in failed.detail and "setting up" in failed.detail
    assert not two_factor.has_two_factor(ce)


def test_right_after_a_wrong_code_even_the_right_one_waits_and_the_page_says_so(chief_executive):
    """django-otp's throttling (OTP_TOTP_THROTTLE_FACTOR): the next try after a wrong code waits."""
    ce = with_password(chief_executive)
    device, _ = give_authenticator(ce)
    client, _ = sign_in(ce)
    right = code_for(device, steps_ahead=1)
    client.post("/sign-in/code/", {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    waited = client.post("/sign-in/code/", {"code": right})
    assert waited.status_code == 400 and "Wait 1 second" in waited.content.decode()
    time.sleep(1.1)
    assert client.post("/sign-in/code/", {"code": right})["Location"] == "/"


def test_a_right_code_turns_it_on_and_shows_ten_recovery_codes_once(chief_executive):
    ce = with_password(chief_executive)
    client, _ = sign_in(ce)
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=ce, confirmed=False)
    done = client.post("/account/two-factor/set-up/", {"code": code_for(device)})
    assert done.status_code == 200
    page = done.content.decode()
    tokens = list(StaticDevice.objects.get(user=ce, confirmed=True).token_set.values_list("token", flat=True))
    assert len(tokens) == 10 and all(token in page for token in tokens)
    assert client.get("/notices/").status_code == 200  # the session is now verified
    assert len(events(ce, Kind.TWO_FACTOR_SET_UP)) == 1
    assert ce.history.filter(history_change_reason="Set up two-factor sign-in").exists()
    # The codes are shown once: the set-up page afterwards offers a new set-up, not the same codes.
    again = client.get("/account/two-factor/set-up/").content.decode()
    assert not any(token in again for token in tokens)


def test_with_an_authenticator_the_password_alone_does_not_sign_in_and_the_code_does(chief_executive):
    ce = with_password(chief_executive)
    device, _ = give_authenticator(ce)
    client, response = sign_in(ce)
    assert response["Location"] == "/sign-in/code/"
    assert client.get("/notices/")["Location"].startswith("/sign-in/")  # not signed in yet
    assert client.get("/sign-in/code/").status_code == 200
    assert not events(ce, Kind.SIGNED_IN)  # the password alone is not a sign-in
    done = client.post("/sign-in/code/", {"code": code_for(device, steps_ahead=1)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/notices/").status_code == 200
    assert client.session["sign_in_method"] == "password"
    assert len(events(ce, Kind.SIGNED_IN)) == 1  # the sign-in history has it once it is whole


def test_five_wrong_codes_in_a_row_end_the_half_signed_in_session_and_say_what_next(chief_executive):
    """Each wrong code is refused with an error on the field and a line in the sign-in history; the fifth
    ends the session with a page that says to wait, use a recovery code, or ask Democratic Services."""
    ce = with_password(chief_executive)
    device, _ = give_authenticator(ce)
    client, _ = sign_in(ce)
    for attempt in range(1, 5):
        refused = client.post("/sign-in/code/", {"code": "000000" if attempt % 2 else "not-a-recovery-code"})
        assert refused.status_code == 400, attempt
        assert 'href="#id_code"' in refused.content.decode()
    ended = client.post("/sign-in/code/", {"code": "111111"})
    assert ended.status_code == 429
    page = ended.content.decode()
    assert "You have been signed out" in page and "minute" in page
    assert "recovery codes" in page and "Democratic Services" in page
    assert len(events(ce, Kind.TWO_FACTOR_FAILED)) == 5
    assert all(
        "000000" not in event.detail and "111111" not in event.detail for event in events(ce, Kind.TWO_FACTOR_FAILED)
    )
    # The half-signed-in session is gone: even the right code now needs the password again.
    assert client.get("/sign-in/code/")["Location"] == "/sign-in/"
    assert client.post("/sign-in/code/", {"code": code_for(device, steps_ahead=1)})["Location"] == "/sign-in/"


def test_a_recovery_code_signs_in_once(chief_executive):
    ce = with_password(chief_executive)
    _, codes = give_authenticator(ce)
    client, _ = sign_in(ce)
    assert client.post("/sign-in/code/", {"code": codes[0]})["Location"] == "/"
    assert client.get("/notices/").status_code == 200
    [used] = events(ce, Kind.RECOVERY_CODE_USED)
    assert codes[0] not in used.detail and "9 recovery codes left" in used.detail
    again, _ = sign_in(ce)
    assert again.post("/sign-in/code/", {"code": codes[0]}).status_code == 400
    assert again.get("/notices/")["Location"].startswith("/sign-in/")


def test_two_factor_is_optional_for_a_group_leader_who_may_turn_it_on(group_leader):
    leader = with_password(group_leader)
    client, response = sign_in(leader)
    assert response["Location"] == "/"
    assert client.get("/notices/").status_code == 200
    assert "Two-factor sign-in is off" in client.get("/account/two-factor/").content.decode()
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=leader, confirmed=False)
    assert client.post("/account/two-factor/set-up/", {"code": code_for(device)}).status_code == 200
    # From now on the password alone is not enough for them either.
    later, response = sign_in(leader)
    assert response["Location"] == "/sign-in/code/"


def test_a_single_sign_on_session_is_exempt(chief_executive):
    """The provider's own MFA is trusted: a session signed in through single sign-on is not sent to set-up."""
    client = through_single_sign_on(with_password(chief_executive))
    assert client.get("/notices/").status_code == 200


def test_nothing_is_required_when_the_setting_is_off(chief_executive, settings):
    settings.TWO_FACTOR_REQUIRED = False
    ce = with_password(chief_executive)
    client, response = sign_in(ce)
    assert response["Location"] == "/"
    assert client.get("/notices/").status_code == 200


def test_democratic_services_reset_a_lost_phone_and_the_person_sets_it_up_again(council, chief_executive):
    ce = with_password(chief_executive)
    device, _ = give_authenticator(ce)
    ce_client, _ = sign_in(ce)
    ce_client.post("/sign-in/code/", {"code": code_for(device, steps_ahead=1)})
    assert ce_client.get("/notices/").status_code == 200

    ds = through_single_sign_on(council.democratic_services)
    assert 'id="two-factor-reset"' in ds.get(f"/people/{ce.pk}/").content.decode()
    assert ds.post(f"/people/{ce.pk}/two-factor-reset/", {"reason": ""}).status_code == 400
    done = ds.post(f"/people/{ce.pk}/two-factor-reset/", {"reason": "Lost their phone"})
    assert done.status_code == 302

    assert not two_factor.has_two_factor(ce)
    assert TOTPDevice.objects.filter(user=ce).count() == 1  # kept, not deleted, with when and who
    assert "Reset on" in TOTPDevice.objects.get(user=ce).name
    [reset] = events(ce, Kind.TWO_FACTOR_RESET)
    assert council.democratic_services.username in reset.detail and "Lost their phone" in reset.detail
    assert ce.history.filter(
        history_user=council.democratic_services, history_change_reason__contains="Two-factor sign-in reset"
    ).exists()
    # The session the old app verified is verified no more: the person sets it up again.
    assert ce_client.get("/notices/")["Location"] == "/account/two-factor/set-up/"
    new_device = two_factor.pending_authenticator(ce)
    assert new_device.pk != device.pk and new_device.key != device.key


def test_only_democratic_services_reset_two_factor(council, chief_executive, group_leader):
    ce = with_password(chief_executive)
    give_authenticator(ce)
    for who in (group_leader, council.monitoring_officer):
        client = through_single_sign_on(who)
        assert 'id="two-factor-reset"' not in client.get(f"/people/{ce.pk}/").content.decode()
        assert client.post(f"/people/{ce.pk}/two-factor-reset/", {"reason": "Because"}).status_code == 403
        with pytest.raises(NotPermitted):
            two_factor.reset_two_factor(actor=who, person=ce, reason="Because")
    assert two_factor.has_two_factor(ce)
    assert not events(ce, Kind.TWO_FACTOR_RESET)
    with pytest.raises(RuleViolation):
        two_factor.reset_two_factor(actor=council.democratic_services, person=ce, reason=" ")


def test_the_api_token_needs_the_second_factor_of_those_who_need_one(chief_executive, group_leader):
    """check_second_factor, for the token endpoint: a password alone does not give a token to someone who
    needs two-factor sign-in; without an app set up, no code works."""
    ce = with_password(chief_executive)
    assert two_factor.second_factor_needed(ce)
    assert not two_factor.check_second_factor(ce, "123456")
    device, codes = give_authenticator(ce)
    assert not two_factor.check_second_factor(ce, "")
    assert two_factor.check_second_factor(ce, code_for(device, steps_ahead=1))
    assert two_factor.check_second_factor(ce, codes[3])
    assert not two_factor.check_second_factor(ce, codes[3])
    assert [event.method for event in events(ce, Kind.TWO_FACTOR_FAILED)] == ["api", "api", "api"]
    assert not two_factor.second_factor_needed(with_password(group_leader))


def test_the_api_gives_no_token_for_a_password_alone_to_someone_with_two_factor(chief_executive, group_leader):
    """/api/token/: a Chief Executive with an authenticator app gets 401 "code-needed" for the right
    password alone and for a wrong code, and a token with the code; a group leader without two-factor
    gets one for the password, as before."""
    from rest_framework.test import APIClient

    ce = with_password(chief_executive)
    device, _codes = give_authenticator(ce)
    api = APIClient()
    alone = api.post("/api/token/", {"username": ce.username, "password": PASSWORD}, format="json")
    assert alone.status_code == 401 and alone.json()["type"].endswith("code-needed") and "token" not in alone.json()
    wrong = api.post("/api/token/", {"username": ce.username, "password": PASSWORD, "code": "000000"}, format="json")
    assert wrong.status_code == 401 and "token" not in wrong.json()
    # django-otp throttles the device after the wrong code: let its pause pass before the right one.
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.throttling_failure_count = 0
    device.save()
    right = api.post(
        "/api/token/",
        {"username": ce.username, "password": PASSWORD, "code": code_for(device, steps_ahead=1)},
        format="json",
    )
    assert right.status_code == 200 and right.json()["token"]
    member = with_password(group_leader)
    plain = api.post("/api/token/", {"username": member.username, "password": PASSWORD}, format="json")
    assert plain.status_code == 200 and plain.json()["token"]


def test_the_account_page_leads_to_the_password_and_two_factor_pages_and_says_how_you_sign_in(group_leader):
    """/account/: a password holder is offered "Change your password" and their two-factor page, and is
    told whether a code is asked for; someone signed in through single sign-on is told the register keeps
    no password for them."""
    member = with_password(group_leader)
    client, _ = sign_in(member)
    page = client.get("/account/").content.decode()
    assert 'href="/account/password/"' in page and 'href="/account/two-factor/"' in page
    assert "with your password alone" in page
    give_authenticator(member)
    assert "a code from your authenticator app" in client.get("/account/").content.decode()
    member.set_unusable_password()
    member.save()
    page = through_single_sign_on(member).get("/account/").content.decode()
    assert "keeps no password for you" in page and 'href="/account/password/"' not in page
