"""The API's tokens: every sign-in by token is a family (a ``fam`` claim), carried by its access tokens and
through every refresh-token rotation, so that a logout or a reused refresh token ends the whole sign-in."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.request import Request
from rest_framework_simplejwt import authentication as jwt_authentication
from rest_framework_simplejwt import tokens as jwt_tokens
from rest_framework_simplejwt.exceptions import AuthenticationFailed, TokenBackendError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import RevokedTokenFamily
from core.rls import row_security_user

FAMILY_CLAIM = "fam"

REVOKED_MESSAGE = "This sign-in has ended (logged out, or its refresh token was used twice); log in again."


def family_new() -> str:
    return uuid.uuid4().hex


class RefreshToken(jwt_tokens.RefreshToken):
    """simplejwt's refresh token, born with a new family; rotation and its access tokens keep the claim."""

    def __init__(self, token: Any = None, verify: bool = True) -> None:
        super().__init__(token, verify)
        if token is None:
            self.payload[FAMILY_CLAIM] = family_new()


def family_is_revoked(family: str | None) -> bool:
    return bool(family) and RevokedTokenFamily.objects.filter(family=family).exists()


def token_pair(user: Any) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def blacklisted_refresh_payload(raw: str) -> dict[str, Any] | None:
    """The claims of a genuine, unexpired refresh token that is blacklisted (rotated out or logged out);
    None for anything else (forged, expired, another kind of token, or not blacklisted)."""
    try:
        payload = token_backend.decode(raw, verify=True)
    except TokenBackendError:
        return None
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type:
        return None
    if not BlacklistedToken.objects.filter(token__jti=payload.get(jwt_settings.JTI_CLAIM)).exists():
        return None
    return payload


def family_expiry() -> Any:
    return timezone.now() + jwt_settings.REFRESH_TOKEN_LIFETIME


class JWTAuthentication(jwt_authentication.JWTAuthentication):
    """simplejwt's bearer authentication that also refuses the access tokens of an ended sign-in (one indexed
    lookup per request; if the database cannot answer, the request fails rather than passes)."""

    def authenticate(self, request: Request) -> tuple[Any, jwt_tokens.Token] | None:
        result = super().authenticate(request)
        if result is not None:
            # Bearer tokens are read here, inside the view: from now on the database shows this person's rows.
            row_security_user(user_id=result[0].pk)
        return result

    def get_validated_token(self, raw_token: bytes) -> jwt_tokens.Token:
        token = super().get_validated_token(raw_token)
        if family_is_revoked(token.get(FAMILY_CLAIM)):
            raise AuthenticationFailed(REVOKED_MESSAGE, code="token_revoked")
        return token


class JWTAuthenticationScheme(SimpleJWTScheme):
    """The OpenAPI schema's bearer scheme for it, the same as simplejwt's."""

    target_class = "accounts.tokens.JWTAuthentication"
