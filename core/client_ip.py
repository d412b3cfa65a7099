"""The address a request came from, believing forwarded headers only from our own proxies.

nginx in front of the portal adds the peer it saw to X-Forwarded-For (and sets X-Real-IP). A client can put
anything in those headers itself, so they count only when the request's direct peer (REMOTE_ADDR) is one
of PORTAL_TRUSTED_PROXIES, and X-Forwarded-For is read from the right: the first address that is not one
of our proxies is the client. With no trusted proxies configured, the direct peer is the client.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return trusted_networks(entries)


def trusted_networks(entries) -> tuple:
    """PORTAL_TRUSTED_PROXIES as networks: IPs or CIDRs; a wrong entry stops the portal from starting."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"PORTAL_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from exc
    return tuple(networks)


def from_trusted_proxy(request) -> bool:
    """True when the request's direct peer is one of our own proxies (the one owner of that question)."""
    networks = _networks(tuple(settings.PORTAL_TRUSTED_PROXIES))
    return bool(networks) and _is_trusted(_address(request.META.get("REMOTE_ADDR", "")), networks)


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    peer = request.META.get("REMOTE_ADDR")
    if not from_trusted_proxy(request):
        return peer
    networks = _networks(tuple(settings.PORTAL_TRUSTED_PROXIES))
    forwarded = [_address(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if address is None:
            return peer  # a garbled chain: do not guess, count the proxy itself
        if not _is_trusted(address, networks):
            return str(address)
    real_ip = _address(request.META.get("HTTP_X_REAL_IP", ""))
    if real_ip is not None:
        return str(real_ip)
    return str(forwarded[0]) if forwarded else peer
