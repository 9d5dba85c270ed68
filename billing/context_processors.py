"""Whether billing is on, for the account menu's "Your plan" link (no query)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def billing(request: HttpRequest) -> dict[str, Any]:
    return {"billing_enabled": settings.BILLING_ENABLED}
