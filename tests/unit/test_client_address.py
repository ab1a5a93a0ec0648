"""The client's address (register/addresses.py): X-Forwarded-For believed only from TRUSTED_PROXIES, read
from the right, never a client's own words; and the username delay's schedule (register/backends.py)."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings

from register.addresses import client_address
from register.backends import username_delay_seconds

PROXY, SECOND_PROXY = "10.0.0.2", "10.0.0.3"
CLIENT = "203.0.113.9"


def address_of(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_the_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored():
    assert address_of("198.51.100.66", forwarded=CLIENT) == "198.51.100.66"


@override_settings(TRUSTED_PROXIES=[])
def test_with_no_trusted_proxies_the_header_is_ignored_from_everyone():
    assert address_of(PROXY, forwarded=CLIENT) == PROXY


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_from_the_trusted_proxy_the_right_most_hop_is_the_client_and_what_the_client_wrote_is_not_believed():
    assert address_of(PROXY, forwarded=CLIENT) == CLIENT
    assert address_of(PROXY, forwarded=f"192.0.2.1, 192.0.2.2, {CLIENT}") == CLIENT


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_chain_of_trusted_proxies_is_walked_back_to_the_first_untrusted_hop():
    assert address_of(PROXY, forwarded=f"192.0.2.1, {CLIENT}, {SECOND_PROXY}") == CLIENT


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_client_inside_the_proxies_network_is_itself_not_the_proxy():
    """Every hop trusted: the furthest is the client, or every office machine would share the proxy's
    address (and one of them could lock out all the others)."""
    assert address_of(PROXY, forwarded="10.20.30.40") == "10.20.30.40"


@override_settings(TRUSTED_PROXIES=[PROXY])
@pytest.mark.parametrize("garbage", ["unknown", "not an address", "999.1.1.1", "_hidden", "203.0.113.9; rm"])
def test_garbage_where_the_proxy_should_have_written_an_address_falls_back_to_the_hop_that_passed_it(garbage):
    assert address_of(PROXY, forwarded=garbage) == PROXY
    assert address_of(PROXY, forwarded=f"{garbage}, {CLIENT}") == CLIENT  # the client's own garbage: ignored


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_garbage_from_the_client_itself_is_not_believed_even_as_an_address():
    assert address_of("198.51.100.66", forwarded="unknown") == "198.51.100.66"


@override_settings(TRUSTED_PROXIES=[PROXY, "2001:db8::/32"])
@pytest.mark.parametrize(
    ("written", "client"),
    [
        (f"{CLIENT}:51234", CLIENT),  # Azure Application Gateway writes the port
        ("[2001:db9::7]:443", "2001:db9::7"),
        ("2001:db9::7", "2001:db9::7"),
        ("::ffff:203.0.113.9", CLIENT),
        (f" {CLIENT} ,", CLIENT),
    ],
)
def test_addresses_with_ports_ipv6_and_spaces_are_read_as_addresses(written, client):
    assert address_of(PROXY, forwarded=written) == client


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_proxy_connecting_over_ipv4_mapped_ipv6_is_recognised():
    assert address_of("::ffff:10.0.0.2", forwarded=CLIENT) == CLIENT


def test_a_request_without_a_peer_address_has_no_client_address():
    assert address_of("", forwarded=CLIENT) is None


def test_settings_refuse_a_trusted_proxy_that_is_not_an_address():
    """Fail loudly at start-up, not on each request."""
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "register.settings", "TRUSTED_PROXIES": "10.0.0.2,the-proxy", "PATH": ""},
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert run.returncode != 0
    assert "TRUSTED_PROXIES: 'the-proxy' is not an address or a network" in run.stderr


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (8, 32), (9, 60), (40, 60), (10_000, 60)],
)
def test_a_usernames_delay_doubles_after_three_failures_and_stops_at_the_maximum(settings, failures, seconds):
    settings.SIGN_IN_SLOWDOWN_AFTER = 3
    settings.SIGN_IN_SLOWDOWN_MAX_SECONDS = 60
    assert username_delay_seconds(failures) == seconds
