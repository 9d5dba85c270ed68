"""Response headers every page shares, and the session's idle and absolute time limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers

from core import rls
from core.sessions import ACTIVE_AT, ACTIVITY_RESOLUTION, SIGNED_IN_AT

API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"
GetResponse = Callable[[HttpRequest], HttpResponseBase]



def _duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


class SessionTimeoutMiddleware:
    """Sign out a session idle for SESSION_IDLE_TIMEOUT_SECONDS, or signed in SESSION_COOKIE_AGE ago.

    A page then goes to the sign-in page with a message saying why; an htmx request (a poll from an open
    tab, too) takes the whole page there; the API answers as to anyone signed out. Requests of views
    marked @background_request (polling) do not count as activity.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = request.session
        if not (request.user.is_authenticated and SESSION_KEY in session):
            return self.get_response(request)
        now = int(time.time())
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        active_at = session.setdefault(ACTIVE_AT, now)
        if now - signed_in_at >= settings.SESSION_COOKIE_AGE:
            reason = f"Your session ended {_duration(settings.SESSION_COOKIE_AGE)} after you signed in."
        elif now - active_at >= settings.SESSION_IDLE_TIMEOUT_SECONDS:
            reason = (f"You were signed out after {_duration(settings.SESSION_IDLE_TIMEOUT_SECONDS)} "
                      "of inactivity.")
        else:
            response = self.get_response(request)
            if (SESSION_KEY in session and not getattr(request, "_background_request", False)
                    and now - session.get(ACTIVE_AT, now) >= ACTIVITY_RESOLUTION):
                session[ACTIVE_AT] = now
            return response
        logout(request)
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        messages.info(request, f"{reason} Sign in again to continue.")
        if request.headers.get("HX-Request"):
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            page = (current.path or "/") + (f"?{current.query}" if current.query else "")
            response = HttpResponse(status=200)
            response["HX-Redirect"] = redirect_to_login(page).url
            return response
        return redirect_to_login(request.get_full_path())

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: object,
                     view_kwargs: object) -> None:
        view = getattr(view_func, "view_class", view_func)
        if getattr(view_func, "background_request", False) or getattr(view, "background_request", False):
            request._background_request = True  # type: ignore[attr-defined]


class NoStoreMiddleware:
    """Cache-Control: no-store on every API response and every page for a signed-in user.

    Nothing private stays in the browser's or a proxy's cache after signing out. A response that already
    says how it may be cached privately (the avatar) keeps its header. Static files never get here.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "private" in response.get("Cache-Control", ""):
            return response
        user = getattr(request, "user", None)
        if request.path_info.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header of settings.PERMISSIONS_POLICY: browser features no page may use."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response


class RowSecurityMiddleware:
    """Whose rows this request may touch on PostgreSQL (core.rls): the signed-in person's; everyone's for staff in
    the admin and for anonymous pages (sign-in, sign-up, reset and invitation links find their rows themselves).
    The API's bearer tokens are read inside the view: accounts.tokens narrows to the token's person there."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if rls.row_security_on():
            user = request.user
            if user.is_authenticated and not (user.is_staff and request.path.startswith(ADMIN_PREFIX)):
                rls.row_security_user(user_id=user.pk)
            else:
                rls.row_security_bypass()
        # Back to nothing at request_finished (core.apps), after a streamed body has been read too.
        return self.get_response(request)
