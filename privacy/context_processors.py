"""What every page shows from privacy: a pending deletion of the signed-in person's account."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from privacy.deletion import deletion_get


def pending_deletion(request: HttpRequest) -> dict[str, Any]:
    """``pending_deletion``: the signed-in person's DeletionRequest, or None. Read at most once per page, and only
    when a template asks (the base template's banner), so partial and JSON responses make no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending_deletion": None}
    return {"pending_deletion": SimpleLazyObject(lambda: deletion_get(user=user))}
