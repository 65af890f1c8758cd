"""The client address a request counts under, for rate limits.

Only a proxy listed in ``SURVEY_TRUSTED_PROXIES`` may name the client in ``X-Forwarded-For``;
from anyone else the header is ignored, so rotating it cannot reset a limit. ``survey serve``
gives uvicorn the same list, and the rule here is the one uvicorn applies: walk the header from
the right (the entry the nearest proxy appended) past trusted proxies to the first address that
is not one. Applied again to a request uvicorn already rewrote, it changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

from litestar import Request

from survey.web.state import state_settings

Networks = Iterable[IPv4Network | IPv6Network]


def is_trusted(address: str, proxies: Networks) -> bool:
    """Whether ``address`` lies in one of the trusted proxy networks."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in proxies)


def forwarded_client(peer: str, forwarded_for: list[str], proxies: Networks) -> str:
    """The client behind ``peer``: ``peer`` itself unless it is a trusted proxy."""
    proxies = tuple(proxies)
    if not forwarded_for or not is_trusted(peer, proxies):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def client_address(request: Request[Any, Any, Any]) -> str:
    """The address rate limits count this request under."""
    peer = request.client.host if request.client else "-"
    proxies = state_settings(request.app.state).trusted_proxies
    return forwarded_client(peer, request.headers.getall("x-forwarded-for", []), proxies)
