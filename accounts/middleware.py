from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.two_factor import two_factor_enabled
from core.api import error_response, is_api_request


class UserTimezoneMiddleware:
    """Render dates in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tz_name = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "financial_profile", None)
            tz_name = profile.timezone if profile else None
        if tz_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """With MFA_REQUIRED_FOR_STAFF on, a signed-in staff member or admin without two-factor sign-in can open only
    the pages that set it up (and sign out) until they have; every other page redirects there, and the API
    answers 403 ``two_factor_setup_required``."""

    OPEN_URL_NAMES = {
        "accounts:two_factor", "accounts:two_factor_totp", "accounts:two_factor_codes",
        "accounts:passkey_register_begin", "accounts:passkey_register_complete", "accounts:logout",
        "accounts:sessions_end", "accounts:sessions_end_all", "healthz",
    }
    MESSAGE = ("Staff and administrators must set up two-factor sign-in before going on: add an authenticator "
               "app or a passkey.")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (settings.MFA_REQUIRED_FOR_STAFF and user is not None and user.is_authenticated and user.is_staff
                and not request.path.startswith(settings.STATIC_URL or "/static/")
                and self.url_name(request) not in self.OPEN_URL_NAMES
                and not two_factor_enabled(user=user)):
            if is_api_request(request):
                return error_response(status=403, message=self.MESSAGE, code="two_factor_setup_required")
            messages.info(request, self.MESSAGE)
            return redirect("accounts:two_factor")
        return self.get_response(request)

    @staticmethod
    def url_name(request) -> str:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return ""
