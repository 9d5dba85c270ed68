"""django-axes hooks: which account a login attempt is for, and what a locked-out request gets back, on pages
and on the API alike."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.api import error_response, is_api_request


def username_from_request(request, credentials: dict | None) -> str | None:
    for source in (credentials or {}, getattr(request, "data", None) or {}, request.POST):
        for key in ("email", "username"):
            value = source.get(key) if hasattr(source, "get") else None
            if value:
                return str(value).strip().lower()
    return None


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"Too many failed login attempts. This account is locked for {minutes} minutes."


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API's JSON error (429, code locked_out) under /api/, the lockout page elsewhere."""
    if is_api_request(request):
        response = error_response(status=429, message=lockout_message(), code="locked_out")
        response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        return response
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {
        "failure_limit": get_failure_limit(request, credentials),
        "username": username_from_request(request, credentials) or "",
        "cooloff_timedelta": get_cool_off(request),
    }, status=settings.AXES_HTTP_RESPONSE_CODE)


def _two_factor_credentials(user) -> dict:
    return {"username": user.email}


def two_factor_locked(request: HttpRequest, *, user) -> bool:
    """Whether wrong passwords or wrong codes for this account from this address have locked it for now."""
    return AxesProxyHandler.is_locked(request, _two_factor_credentials(user))


def two_factor_failure_record(request: HttpRequest, *, user) -> None:
    """A wrong second-factor code counts like a wrong password towards the lockout (AXES_FAILURE_LIMIT).

    django-axes' handler is called directly rather than through ``user_login_failed``: that signal's audit
    entry says "failed sign-in", while the audit log records this as a wrong code (two_factor_failed)."""
    AxesProxyHandler.user_login_failed(sender=__name__, credentials=_two_factor_credentials(user), request=request)
