"""The client's address, from a proxy the council trusts and from nowhere else (issue 18).

Behind the production proxy every request comes from the proxy's address, so the client's own is
in a header the proxy sets (X-Forwarded-For). Anyone can send that header, so it is believed only
when the request came from one of TRUSTED_PROXIES. Each proxy appends the address it received the
request from, so the header is read from the right: the first hop that is not itself a trusted proxy
is the client, as the outermost trusted proxy saw it; what lies to its left was written by the
client and is not believed. Lockouts by address (django-axes, AXES_CLIENT_IP_CALLABLE) and the
sign-in history both use it."""

import functools
import ipaddress
import logging
import re

from django.conf import settings

log = logging.getLogger(__name__)

# "203.0.113.9:51234" and "[2001:db8::1]:51234": some proxies (Azure Application Gateway among them)
# write the client's port beside its address.
_WITH_PORT = re.compile(r"^\[(?P<v6>[0-9A-Fa-f:.]+)\](?::\d+)?$|^(?P<v4>[0-9.]+):\d+$")


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(net, strict=False) for net in trusted)


def trusted_networks() -> tuple:
    """TRUSTED_PROXIES as networks (settings.py has already refused one that is not an address)."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def parse_address(text: str):
    """The address in one hop of the header, or None when it is not one: "unknown", "_hidden",
    an obfuscated identifier (RFC 7239) or plain garbage. An IPv4 address mapped into IPv6 is the
    IPv4 address."""
    text = text.strip().strip('"')
    match = _WITH_PORT.match(text)
    if match:
        text = match.group("v6") or match.group("v4")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str | None:
    """The address of the client that sent ``request``, or None when there is none to be had (a
    request without a peer address, as the test client's sign-in makes)."""
    remote = parse_address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = trusted_networks()
    header = request.META.get(settings.CLIENT_ADDRESS_HEADER, "") if settings.CLIENT_ADDRESS_HEADER else ""
    if not header or not _is_trusted(remote, networks):
        return str(remote)
    believed = remote
    for hop in reversed(header.split(",")):
        if not hop.strip():
            continue
        address = parse_address(hop)
        if address is None:
            # A trusted proxy wrote something that is not an address (a misconfigured proxy): the
            # last hop that can be believed is the one that passed it on.
            log.warning(
                "The %s header from trusted proxy %s holds %r, not an address.",
                settings.CLIENT_ADDRESS_HEADER,
                remote,
                hop.strip()[:60],
            )
            return str(believed)
        believed = address
        if not _is_trusted(address, networks):
            return str(address)
    # Every hop is a trusted address (a client inside the proxies' own network): the client is the
    # furthest of them, not the proxy, or every such client would share the proxy's address.
    return str(believed)


def axes_client_address(request) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE."""
    return client_address(request)
