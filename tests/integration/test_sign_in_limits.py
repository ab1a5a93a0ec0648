"""Sign-in limits that cannot be turned against people, and the sign-in history (issue 18, items 7-8).

An ADDRESS is locked out after AXES_FAILURE_LIMIT failures, whatever usernames it tried; a USERNAME is
only slowed, with a delay that grows and is capped, never blocked. The address is the client's, taken
from X-Forwarded-For only when the request came from a trusted proxy. Every attempt leaves a line in the
sign-in history, never with its password; the audit timeline reads those lines in words, to auditors."""

import csv
import html
import io
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from register.models import SignInEvent
from register.services import people
from register.services.sign_in.events import record_sign_in_event
from tests.factories import make_person

Kind = SignInEvent.Kind
PASSWORD = "grey-heron-over-the-marsh-17"
SPRAYED = "Summer2026!"  # the one password an attacker tries against every username
PROXY = "10.0.0.2"
ATTACKER = "198.51.100.66"
COUNCILLOR_HOME = "203.0.113.9"


@pytest.fixture(autouse=True)
def limits(settings):
    """The defaults, named here so the tests read against them; a fast hasher, the hashes being no part
    of what is tested."""
    settings.AXES_FAILURE_LIMIT = 10
    settings.SIGN_IN_SLOWDOWN_AFTER = 3
    settings.SIGN_IN_SLOWDOWN_MAX_SECONDS = 60
    settings.TRUSTED_PROXIES = []
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture
def behind_the_proxy(limits):
    limits.TRUSTED_PROXIES = [PROXY]
    return limits


def with_password(person):
    people.person_set_password(actor=person, reason="Test password", person=person, raw_password=PASSWORD)
    return person


def page_sign_in(username, password, *, address=ATTACKER, forwarded=None, client=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return (client or Client()).post("/sign-in/", {"username": username, "password": password}, **extra)


def api_sign_in(username, password, *, address=ATTACKER, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post("/api/token/", {"username": username, "password": password}, format="json", **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- One password across many usernames: the address is locked -------------------------------


def test_one_password_tried_against_20_usernames_from_one_address_locks_that_address_out(council, clock):
    """Password spraying: each username fails once (so none is slowed), but the address reaches the limit
    on its tenth failure and every later attempt from it is refused, even the right password of someone
    else, with a page that says when to try again and nothing about the usernames."""
    real = [person.username for person in (council.groups[0].members + council.groups[1].members)]
    usernames = (real + [f"guessed-{n}" for n in range(20)])[:20]
    statuses = [page_sign_in(username, SPRAYED).status_code for username in usernames]

    assert statuses[:9] == [200] * 9  # the form again: wrong password or unknown username
    assert statuses[9:] == [429] * 11
    officer = with_password(council.directorates[0].officers[0])
    refused = page_sign_in(officer.username, PASSWORD)
    assert refused.status_code == 429
    assert "too many failed attempts to sign in from your network address" in text_of(refused)
    assert "You can try again after" in text_of(refused)
    assert int(refused["Retry-After"]) > 0
    assert officer.username not in text_of(refused)
    # From anywhere else, the same person signs in: the lock is the address's, not theirs.
    assert signed_in(page_sign_in(officer.username, PASSWORD, address="192.0.2.44"))


def test_the_pages_and_the_api_count_failures_from_one_address_together_and_answer_alike(council, clock):
    for number in range(5):
        api_sign_in(f"sprayed-{number}", SPRAYED)
    for number in range(5, 10):
        page_sign_in(f"sprayed-{number}", SPRAYED)

    api = api_sign_in("sprayed-11", SPRAYED)
    page = page_sign_in("sprayed-12", SPRAYED)

    assert api.status_code == 429 and page.status_code == 429
    assert api["Content-Type"] == "application/problem+json"
    body = api.json()
    assert body["title"] == "Too many failed sign-in attempts"
    assert body["detail"] in text_of(page)
    assert int(api["Retry-After"]) > 0


def test_a_success_does_not_wipe_the_failures_of_its_address(council, clock):
    """Someone with an account cannot sign in between guesses at everyone else's passwords to keep their
    address below the limit."""
    insider = with_password(council.groups[0].members[0])
    for number in range(9):
        page_sign_in(f"target-{number}", SPRAYED)
        if number == 4:
            assert signed_in(page_sign_in(insider.username, PASSWORD))
    assert page_sign_in("target-9", SPRAYED).status_code == 429


# --- Behind the proxy: the attacker's address, not the councillor's account -------------------


def test_behind_the_proxy_a_lockout_locks_the_attackers_address_and_the_councillor_still_signs_in(
    council, clock, behind_the_proxy
):
    """Every request comes from the proxy; the proxy says who sent it. An attacker hammering a
    councillor's username locks out the attacker's own address; the councillor, from another address,
    waits out their username's delay (a minute at most) and signs in."""
    councillor = with_password(council.groups[0].leader)
    for _ in range(10):
        clock.advance(seconds=61)  # a patient attacker, past each of the username's delays
        page_sign_in(councillor.username, "not-their-password", address=PROXY, forwarded=ATTACKER)

    attacker = page_sign_in(councillor.username, PASSWORD, address=PROXY, forwarded=ATTACKER)
    assert attacker.status_code == 429

    slowed = page_sign_in(councillor.username, PASSWORD, address=PROXY, forwarded=COUNCILLOR_HOME)
    assert slowed.status_code == 200 and not signed_in(slowed)
    assert "Wait 60 seconds and try again" in text_of(slowed)

    clock.advance(seconds=60)
    assert signed_in(page_sign_in(councillor.username, PASSWORD, address=PROXY, forwarded=COUNCILLOR_HOME))
    addresses = set(SignInEvent.objects.values_list("address", flat=True))
    assert addresses == {ATTACKER, COUNCILLOR_HOME}  # never the proxy's own
    assert page_sign_in("someone", SPRAYED, address=PROXY, forwarded=ATTACKER).status_code == 429


def test_the_client_address_is_the_right_most_hop_that_is_not_a_trusted_proxy(council, clock, behind_the_proxy):
    """Whatever the client wrote at the left of X-Forwarded-For is not believed: the proxy appends the
    address it saw, and that is the one taken."""
    for number in range(10):
        page_sign_in(f"sprayed-{number}", SPRAYED, address=PROXY, forwarded=f"192.0.2.{number}, {ATTACKER}")
    assert page_sign_in("sprayed-10", SPRAYED, address=PROXY, forwarded=f"192.0.2.99, {ATTACKER}").status_code == 429
    assert set(SignInEvent.objects.values_list("address", flat=True)) == {ATTACKER}


def test_a_forged_x_forwarded_for_from_an_untrusted_peer_changes_nothing(council, clock, behind_the_proxy):
    """An attacker who reaches the register directly and writes the header themselves neither escapes
    the lock with a new address each time nor locks out the address they name."""
    councillor = with_password(council.groups[0].leader)
    for number in range(10):
        page_sign_in(f"sprayed-{number}", SPRAYED, address=ATTACKER, forwarded=COUNCILLOR_HOME)
    assert page_sign_in("sprayed-10", SPRAYED, address=ATTACKER, forwarded=f"192.0.2.{7}").status_code == 429
    assert set(SignInEvent.objects.values_list("address", flat=True)) == {ATTACKER}

    assert signed_in(page_sign_in(councillor.username, PASSWORD, address=PROXY, forwarded=COUNCILLOR_HOME))


def test_without_trusted_proxies_the_header_is_ignored_from_everyone(council, clock):
    for number in range(10):
        page_sign_in(f"sprayed-{number}", SPRAYED, address=PROXY, forwarded=f"192.0.2.{number}")
    assert page_sign_in("sprayed-10", SPRAYED, address=PROXY, forwarded="192.0.2.200").status_code == 429
    assert set(SignInEvent.objects.values_list("address", flat=True)) == {PROXY}


# --- One username: slowed with a growing delay, never blocked ---------------------------------


def addresses():
    """A new address for each attempt, so that only the username's delay is at work."""
    number = 0
    while True:
        number += 1
        yield f"192.0.2.{number}"


def test_a_usernames_delay_grows_with_each_failure_and_is_capped(council, clock):
    """Three failures in a row cost nothing; then the next attempt waits 1 s after the last failure, then
    2 s, 4 s ... never more than the maximum. A slowed attempt is refused before its password is checked
    and does not make the delay grow."""
    member = with_password(council.groups[0].members[0])
    fresh = addresses()
    for _ in range(3):
        assert page_sign_in(member.username, "wrong", address=next(fresh)).status_code == 200
    waits = []
    for _ in range(8):
        slowed = page_sign_in(member.username, "wrong", address=next(fresh))
        waits.append(int(text_of(slowed).split("Wait ")[1].split(" second")[0]))
        for _ in range(3):  # hammering while slowed changes nothing
            page_sign_in(member.username, "wrong", address=next(fresh))
        clock.advance(seconds=waits[-1])
        page_sign_in(member.username, "wrong", address=next(fresh))  # a real, failed attempt
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert SignInEvent.objects.filter(kind=Kind.FAILED).count() == 3 + 8
    assert SignInEvent.objects.filter(kind=Kind.SLOWED).count() == 8 * 4


def test_a_slowed_username_is_never_blocked_its_holder_signs_in_once_the_delay_has_passed(council, clock):
    member = with_password(council.groups[0].members[0])
    fresh = addresses()
    for _ in range(30):
        clock.advance(seconds=60)
        page_sign_in(member.username, "wrong", address=next(fresh))
    assert not signed_in(page_sign_in(member.username, PASSWORD, address=next(fresh)))
    clock.advance(seconds=60)
    assert signed_in(page_sign_in(member.username, PASSWORD, address=next(fresh)))
    # The success ends the run of failures: the next mistake costs nothing again.
    assert page_sign_in(member.username, "wrong", address=next(fresh)).status_code == 200
    assert "Enter a correct username and password" in text_of(page_sign_in(member.username, "x", address=next(fresh)))


def test_an_unknown_username_is_slowed_exactly_as_a_known_one(council, clock):
    """The delay says nothing about whether an account exists."""
    member = council.groups[0].members[0]
    answers = {}
    for username in (member.username, "nobody-here"):
        fresh = addresses()
        for _ in range(4):
            response = page_sign_in(username, "wrong", address=next(fresh))
        answers[username] = re.search(r'govuk-error-summary__list">(.*?)</ul>', text_of(response), re.S).group(1)
    assert answers[member.username] == answers["nobody-here"]
    assert "Wait 1 second and try again" in answers["nobody-here"]


def test_the_api_answers_a_slowed_username_429_with_the_pages_words_and_retry_after(council, clock):
    member = with_password(council.groups[0].members[0])
    fresh = addresses()
    for _ in range(3):
        assert api_sign_in(member.username, "wrong", address=next(fresh)).status_code == 401
    clock.advance(seconds=1)
    api_sign_in(member.username, "wrong", address=next(fresh))  # the fourth failure: 2 s to wait now
    api = api_sign_in(member.username, PASSWORD, address=next(fresh))
    page = page_sign_in(member.username, PASSWORD, address=next(fresh))

    assert api.status_code == 429 and api["Retry-After"] == "2"
    assert api.json()["detail"] in text_of(page)
    assert "Wait 2 seconds and try again" in api.json()["detail"]
    clock.advance(seconds=2)
    assert api_sign_in(member.username, PASSWORD, address=next(fresh)).status_code == 200


# --- The sign-in history ----------------------------------------------------------------------


def test_every_attempt_leaves_a_line_in_the_sign_in_history_and_none_holds_the_password(council, clock):
    """A success (pages and API), a wrong password, an unknown username (in the same words), a slowed
    attempt and a locked-out address: each one line, with the address, and no password anywhere in the
    lines or their history."""
    member = with_password(council.groups[0].members[0])
    secret_wrong = "Wrong-But-Close-Password-1"
    page_sign_in(member.username, PASSWORD, address="192.0.2.1")
    api_sign_in(member.username, PASSWORD, address="192.0.2.2")
    page_sign_in(member.username, secret_wrong, address="192.0.2.3")
    page_sign_in("no-such-person", secret_wrong, address="192.0.2.3")
    for _ in range(3):
        page_sign_in("someone-else", secret_wrong, address="192.0.2.4")
    page_sign_in("someone-else", secret_wrong, address="192.0.2.4")  # slowed
    for number in range(7):  # the address's tenth failure (the slowed attempt did not count)
        page_sign_in(f"sprayed-{number}", secret_wrong, address="192.0.2.4")
    page_sign_in(member.username, PASSWORD, address="192.0.2.4")  # locked out

    lines = list(SignInEvent.objects.order_by("id"))
    issued = [line for line in lines if line.kind == Kind.TOKEN_ISSUED]
    # The API's sign-in gives a token: its own line, right after the sign-in's (the tokens' part).
    assert [(line.person, line.address) for line in issued] == [(member, "192.0.2.2")]
    assert lines.index(issued[0]) == 2
    lines.remove(issued[0])
    assert [(line.kind, line.method, line.address) for line in lines[:4]] == [
        (Kind.SIGNED_IN, "password", "192.0.2.1"),
        (Kind.SIGNED_IN, "api", "192.0.2.2"),
        (Kind.FAILED, "password", "192.0.2.3"),
        (Kind.FAILED, "password", "192.0.2.3"),
    ]
    assert lines[0].person == member and lines[1].person == member
    assert lines[2].detail == lines[3].detail == "Wrong password or unknown username"
    assert (lines[2].username, lines[3].username) == (member.username, "no-such-person")
    assert [line.kind for line in lines[4:]] == (
        [Kind.FAILED] * 3 + [Kind.SLOWED] + [Kind.FAILED] * 7 + [Kind.LOCKED_OUT, Kind.LOCKED_OUT]
    )
    assert lines[-1].username == member.username and lines[-1].address == "192.0.2.4"
    every_value = [str(value) for line in lines for value in vars(line).values()]
    every_value += [
        str(value) for row in SignInEvent.history.model.objects.values() for value in row.values() if value is not None
    ]
    assert not [value for value in every_value if PASSWORD in value or secret_wrong in value]


def test_the_timeline_reads_sign_in_lines_in_words_to_an_auditor_and_exports_them_C2(council, clock, auditor):
    page_sign_in("leader-1", SPRAYED, address=COUNCILLOR_HOME)
    client = Client()
    client.force_login(auditor)

    timeline = text_of(client.get("/history/", {"record_type": "sign-in-event"}))
    assert f"Sign-in failed for 'leader-1' from {COUNCILLOR_HOME}" in timeline

    exported = b"".join(client.get("/history/export.csv", {"record_type": "sign-in-event"}).streaming_content)
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
    assert [row["subject"] for row in rows] == [f"Sign-in failed for 'leader-1' from {COUNCILLOR_HOME}"]

    line = SignInEvent.objects.get()
    history = text_of(client.get(f"/history/sign-in-event/{line.pk}/"))
    assert "Sign-in failed" in history and COUNCILLOR_HOME in history


def test_sign_in_lines_are_not_shown_to_a_group_leader_C2(council, clock):
    page_sign_in("leader-1", SPRAYED, address=COUNCILLOR_HOME)
    line = SignInEvent.objects.get()
    client = Client()
    client.force_login(council.groups[0].leader)
    assert client.get("/history/", {"record_type": "sign-in-event"}).status_code == 404
    assert client.get(f"/history/sign-in-event/{line.pk}/").status_code == 404


def test_the_monitoring_officer_reads_a_sign_in_lines_history_as_any_record_without_a_reader_of_its_own_C2(
    council, clock
):
    page_sign_in("leader-1", SPRAYED, address=COUNCILLOR_HOME)
    client = Client()
    client.force_login(council.monitoring_officer)
    assert client.get(f"/history/sign-in-event/{SignInEvent.objects.get().pk}/").status_code == 200


@pytest.mark.parametrize("how_many", [5, 50])
def test_a_timeline_page_of_sign_in_lines_costs_the_same_queries_at_5_and_50_rows_C2(
    council, auditor, how_many, django_assert_num_queries
):
    for number in range(how_many):
        record_sign_in_event(kind=Kind.FAILED, method="password", username=f"u{number}", address="192.0.2.1")
    client = Client()
    client.force_login(auditor)
    # As any timeline page with no person chosen: the session, the person with their posts; then the
    # auditor's roles, the page of links with their people, and the rows' records in one UNION.
    with django_assert_num_queries(2 + 3):
        response = client.get("/history/", {"record_type": "sign-in-event"})
    assert text_of(response).count("Sign-in failed for") == how_many


# --- Usernames in the API ---------------------------------------------------------------------


def test_the_api_shows_usernames_to_democratic_services_and_leaves_them_out_for_a_group_leader(council):
    leader, keeper = APIClient(), APIClient()
    leader.force_authenticate(council.groups[0].leader)
    keeper.force_authenticate(council.democratic_services)

    for_leader = leader.get("/api/people/").json()["results"]
    for_keeper = keeper.get("/api/people/").json()["results"]

    assert for_leader and all("username" not in person for person in for_leader)
    assert {person["username"] for person in for_keeper} >= {council.groups[0].leader.username}
    memberships = leader.get("/api/memberships/").json()["results"]
    assert memberships and all("username" not in membership["person"] for membership in memberships)


def test_a_group_leader_cannot_find_a_person_by_username_through_the_api(council):
    leader = APIClient()
    leader.force_authenticate(council.groups[0].leader)
    everyone = leader.get("/api/people/").json()["count"]
    narrowed = leader.get("/api/people/", {"username": council.chief_executive.username})
    assert narrowed.status_code == 200 and narrowed.json()["count"] == everyone
    assert council.chief_executive.username not in narrowed.content.decode()


def test_a_person_made_for_the_test_has_no_sign_in_lines_until_they_try(council):
    """Making people and starting sessions without a password (a test's force_login, single sign-on) is
    not a password sign-in: the history records none."""
    person = make_person("officer")
    Client().force_login(person)
    assert not SignInEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_attempts_at_one_username_at_the_same_moment_get_one_password_check_per_delay(council, clock, limits):
    """Eight attempts arrive together just as the username's delay ends, from eight addresses: each waits
    for the username's turn, so one has its password checked (and fails) and the rest find the next,
    longer delay already running. Without the turn, all eight would have been guesses."""
    fresh = addresses()
    for _ in range(3):
        page_sign_in("targeted", "wrong", address=next(fresh))
    clock.advance(seconds=1)  # the 1 s delay has just passed
    start_together = threading.Barrier(8, timeout=30)
    statuses = []

    def attempt(address):
        try:
            client = Client()
            start_together.wait()
            statuses.append(page_sign_in("targeted", "a guess", address=address, client=client).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(next(fresh),)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(statuses) == 8
    assert SignInEvent.objects.filter(username="targeted", kind=Kind.FAILED).count() == 3 + 1
    assert SignInEvent.objects.filter(username="targeted", kind=Kind.SLOWED).count() == 7
