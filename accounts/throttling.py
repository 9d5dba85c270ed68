"""Rate limits for the sign-in family, shared by the pages and the API (one set of rates in settings)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class SettingsRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle reading the rates when used, not at import, so operators and tests can change them."""

    def get_rate(self):
        if not getattr(self, "scope", None):
            return None
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class PageRateThrottle(SettingsRateThrottle):
    """DRF's scoped throttle, usable on a plain Django view: keyed by client IP and scope."""

    def __init__(self, scope: str):
        self.scope = scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ThrottledPostMixin:
    """Limit POSTs to a page view by scope; a refused request gets a 429 page that says when to retry."""

    throttle_scope: str = ""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            throttle = PageRateThrottle(self.throttle_scope)
            if not throttle.allow_request(request, self):
                wait = int(throttle.wait() or 0) + 1
                body = render_to_string("accounts/throttled.html", {"wait": wait}, request=request)
                response = HttpResponse(body, status=429)
                response["Retry-After"] = str(wait)
                return response
        return super().dispatch(request, *args, **kwargs)
