"""The client's address, from a proxy the council trusts and from nowhere else (issue 18).

Behind the production proxy every request comes from the proxy's address, so the client's own is
in a header the proxy sets (X-Forwarded-For). Anyone can send that header, so it is believed only
when the request came from one of TRUSTED_PROXIES; the address taken is the last one in the list
that is not itself a trusted proxy (the one the outermost trusted proxy saw). Lockouts by address
(django-axes, AXES_CLIENT_IP_CALLABLE) and the sign-in history both use it."""

import ipaddress

from django.conf import settings


def _networks():
    return [ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str | None:
    """The address of the client that sent ``request``, or None when there is none to be had."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks()
    header = request.META.get(settings.CLIENT_ADDRESS_HEADER, "") if settings.CLIENT_ADDRESS_HEADER else ""
    if remote is None or not header or not _is_trusted(remote, networks):
        return remote
    for hop in reversed([part.strip() for part in header.split(",") if part.strip()]):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                # Garbage in the header: the proxy's own address is all that can be believed.
                return remote
    return remote


def axes_client_address(request) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE."""
    return client_address(request)
