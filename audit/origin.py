"""Where a request came from (client IP and browser), for the entries written while it is served.

The IP honours the project's trusted-proxy count (``REST_FRAMEWORK["NUM_PROXIES"]``, the setting rate limits and
lockout use): behind N proxies the client is the Nth address from the right of X-Forwarded-For, else
REMOTE_ADDR. A service deep below a view (deleting a rule, importing a file) has no request; the middleware
keeps the current request's origin in a context variable that ``audit_record`` reads.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

USER_AGENT_MAX = 300


@dataclass(frozen=True)
class Origin:
    ip: str = ""
    user_agent: str = ""


NO_ORIGIN = Origin()
_current: ContextVar[Origin] = ContextVar("audit_origin", default=NO_ORIGIN)


def ip_clean(raw: str | None) -> str:
    """A valid address in one spelling (IPv4 for an IPv4-mapped IPv6 address); empty for anything else."""
    try:
        address = ipaddress.ip_address((raw or "").strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return address.compressed


def client_ip(request: Any) -> str:
    meta = getattr(request, "META", None) or {}
    proxies = int(settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return ip_clean(addresses[-min(proxies, len(addresses))])
    return ip_clean(meta.get("REMOTE_ADDR"))


def request_origin(request: Any) -> Origin:
    meta = getattr(request, "META", None) or {}
    return Origin(ip=client_ip(request), user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX])


def current_origin() -> Origin:
    return _current.get()


class AuditOriginMiddleware:
    """Keeps the request's origin for the audit entries written while it is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(request_origin(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
