"""Which address a request comes from: X-Forwarded-For counts only when the peer is a proxy we were told of.

PETITION_DESK_TRUSTED_PROXIES lists the reverse proxies (addresses or CIDR blocks, comma-separated) whose
X-Forwarded-For is believed. Unset, nobody's is: a client cannot pick the address it is throttled under.
"""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache

TRUSTED_PROXIES_ENV = "PETITION_DESK_TRUSTED_PROXIES"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _parse(raw: str) -> tuple[Network, ...]:
    networks = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"{TRUSTED_PROXIES_ENV}: {part!r} is not an address or CIDR block") from None
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    """Return the networks of the trusted reverse proxies (PETITION_DESK_TRUSTED_PROXIES), empty by default."""
    return _parse(os.environ.get(TRUSTED_PROXIES_ENV, ""))


def _address(value: str | None):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted(value: str | None, proxies: tuple[Network, ...]) -> bool:
    ip = _address(value)
    return ip is not None and any(ip in net for net in proxies)


def client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """Return the client's address: the peer's, or behind trusted proxies the nearest one they did not add.

    X-Forwarded-For is read from the right (each proxy appends the address it saw) and only while the hop
    that wrote it is trusted, so a value the client put in the header itself is never taken.
    """
    proxies = trusted_proxies()
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    current = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _trusted(current, proxies):
            break
        if _address(hop) is None:  # garbage in the header: stop at the last proxy we trust
            break
        current = hop
    return current
