"""Tell django-axes which account a login attempt is for, on pages and on the API alike."""

from __future__ import annotations


def username_from_request(request, credentials: dict | None) -> str | None:
    for source in (credentials or {}, getattr(request, "data", None) or {}, request.POST):
        for key in ("email", "username"):
            value = source.get(key) if hasattr(source, "get") else None
            if value:
                return str(value).strip().lower()
    return None
