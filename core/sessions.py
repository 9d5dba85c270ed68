"""The session's two clocks: when its user signed in and when they last did something.

core.middleware.SessionTimeoutMiddleware signs a session out when either is too old.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest

SIGNED_IN_AT = "_finsight_signed_in_at"
ACTIVE_AT = "_finsight_active_at"
# The last activity is written to the session at most this often (seconds), not on every request.
ACTIVITY_RESOLUTION = 60

V = TypeVar("V", bound=Callable[..., Any])


def background_request(view: V) -> V:
    """Mark a view that pages call on their own (polling): it is not the user's activity."""
    view.background_request = True  # type: ignore[attr-defined]
    return view


def session_signed_in(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """user_logged_in receiver: a new sign-in starts both clocks (token sign-ins have no session to mark)."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        now = int(time.time())
        session[SIGNED_IN_AT] = now
        session[ACTIVE_AT] = now
