"""Entries written on Django's sign-in signals (connected in AuditConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from audit.models import AuditAction
from audit.services import audit_record
from core.api import is_api_request

IDENTIFIER_MAX = 254


def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The API's token endpoint sends user_logged_in too: there a sign-in is a pair of tokens issued.
    api = request is not None and is_api_request(request)
    audit_record(action=AuditAction.TOKEN_ISSUE if api else AuditAction.SIGN_IN, actor=user, target=user,
                 request=request, changes={"via": "api" if api else "web"})


def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:  # logging out without being signed in
        return
    audit_record(action=AuditAction.SIGN_OUT, actor=user, target=user, request=request)


def sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """Only the address typed is kept (Django has already masked the password); when it is someone's, the entry
    is about their account and shows in their security log."""
    User = get_user_model()
    typed = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "").strip()[:IDENTIFIER_MAX]
    owner = User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": typed}).first() if typed else None
    api = request is not None and is_api_request(request)
    audit_record(action=AuditAction.SIGN_IN_FAILED, target=owner, target_label="" if owner else typed,
                 request=request, changes={"email": typed, "via": "api" if api else "web"})
