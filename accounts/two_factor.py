"""Two-factor sign-in: an authenticator app (TOTP), single-use recovery codes, and passkeys.

Authenticator apps are our ``AuthenticatorApp``, a django-otp device whose shared secret is encrypted at rest
(django-otp's own ``TOTPDevice`` stores it in plain hex); passkeys django-otp-webauthn's (a django-otp device
built on py_webauthn). Recovery codes are our own ``RecoveryCode`` rows, stored as SHA-256 hashes (django-otp's
static tokens are kept in plain text). A user "has two-factor sign-in" when a confirmed authenticator app or a passkey
exists; recovery codes only stand in for those.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import Any

import segno
import structlog
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import AuthenticatorApp, RecoveryCode, User
from audit.models import AuditAction
from audit.services import audit_record

log = structlog.get_logger(__name__)

METHOD_TOTP = "totp"
METHOD_PASSKEY = "passkey"
METHOD_RECOVERY = "recovery_code"
API_METHODS = (METHOD_TOTP, METHOD_RECOVERY)  # a passkey needs a browser: the API takes codes only
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper without doubt
CHALLENGE_SALT = "accounts.two_factor.challenge"
CHALLENGE_LIFETIME = timedelta(minutes=5)
WRONG_CODE = "That code is not right. Check the time on your phone, or use a recovery code."
CHALLENGE_INVALID = "This sign-in step has expired or is not valid; sign in with your password again."


# --- reads ---------------------------------------------------------------------------------------------------

def totp_device(*, user: User) -> AuthenticatorApp | None:
    device: AuthenticatorApp | None = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    return device


def _totp_set_up(user: User) -> bool:
    # Whether, without loading (and decrypting) the key: a missing encryption key then fails only the code step.
    return bool(AuthenticatorApp.objects.filter(user=user, confirmed=True).exists())


def passkey_list(*, user: User) -> QuerySet[Any]:
    passkeys: QuerySet[Any] = WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")
    return passkeys


def passkey_get(*, user: User, passkey_id: int) -> WebAuthnCredential:
    """One of the user's passkeys; another person's is a 404."""
    passkey = passkey_list(user=user).filter(pk=passkey_id).first()
    if passkey is None:
        raise Http404("No such passkey.")
    return passkey


def two_factor_enabled(*, user: User) -> bool:
    return _totp_set_up(user) or passkey_list(user=user).exists()


def recovery_codes_remaining(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def two_factor_methods(*, user: User) -> list[str]:
    """The second factors this user can sign in with, in the order a sign-in page offers them."""
    methods = []
    if _totp_set_up(user):
        methods.append(METHOD_TOTP)
    if passkey_list(user=user).exists():
        methods.append(METHOD_PASSKEY)
    if methods and recovery_codes_remaining(user=user):
        methods.append(METHOD_RECOVERY)
    return methods


def two_factor_summary(*, user: User) -> str:
    """For staff: which methods are set up, never their secrets."""
    parts = []
    if _totp_set_up(user):
        parts.append("authenticator app")
    passkeys = passkey_list(user=user).count()
    if passkeys:
        parts.append(f"{passkeys} passkey{'' if passkeys == 1 else 's'}")
    if not parts:
        return "Off"
    return f"On ({', '.join(parts)}; {recovery_codes_remaining(user=user)} recovery codes left)"


# --- the authenticator app -----------------------------------------------------------------------------------

@transaction.atomic
def totp_setup_begin(*, user: User) -> AuthenticatorApp:
    """A new, unconfirmed authenticator-app key for the user (an earlier unfinished one is replaced)."""
    if _totp_set_up(user):
        raise ValidationError("An authenticator app is already set up. Remove it first to set up another.")
    AuthenticatorApp.objects.filter(user=user, confirmed=False).delete()
    device: AuthenticatorApp = AuthenticatorApp.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_setup_pending(*, user: User) -> AuthenticatorApp | None:
    device: AuthenticatorApp | None = AuthenticatorApp.objects.filter(user=user, confirmed=False).first()
    return device


def totp_secret(device: AuthenticatorApp) -> str:
    """The key as the base32 text an app asks for when the QR code cannot be scanned, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def totp_qr_svg(device: AuthenticatorApp) -> str:
    """The key as a QR code, inline SVG drawn here (no image is fetched from anywhere)."""
    # No size of its own: it fills the box the page gives it (the viewBox keeps it square).
    return segno.make(device.config_url, error="m").svg_inline(
        dark="#0f172a", light="#ffffff", omitsize=True, svgclass="h-auto w-full",
        title="QR code for your authenticator app")


def _code_clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def totp_setup_confirm(*, user: User, code: str) -> list[str]:
    """Turn the pending key on once the app shows a right code; returns new recovery codes when the user had
    none (the caller shows them once), else []."""
    device = totp_setup_pending(user=user)
    if device is None:
        raise ValidationError("Start setting up the authenticator app again: this set-up has ended.")
    if not device.verify_token(_code_clean(code)):
        raise ValidationError({"code": ["That code is not right. Type the 6 digits your app shows now."]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action=AuditAction.TWO_FACTOR_ENABLE, actor=user, target=user, changes={"method": METHOD_TOTP})
    log.info("two_factor_enabled", user_id=user.pk, method=METHOD_TOTP)
    return [] if recovery_codes_remaining(user=user) else recovery_codes_generate(user=user, audit=False)


# --- recovery codes ------------------------------------------------------------------------------------------

def _code_hash(code: str) -> str:
    return hashlib.sha256(_code_clean(code).encode()).hexdigest()


def _recovery_code_new() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def recovery_codes_generate(*, user: User, audit: bool = True) -> list[str]:
    """Ten new single-use codes; every earlier code stops working. Only their hashes are stored."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_code_hash(c)) for c in codes])
    if audit:
        audit_record(action=AuditAction.RECOVERY_CODES_REGENERATE, actor=user, target=user)
    return codes


# --- checking a second factor --------------------------------------------------------------------------------

@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> str | None:
    """The method a code is right for (an authenticator app's current code, or an unused recovery code, which
    is then used up), or None. A wrong code is recorded in the audit log; lockout is the caller's
    (``accounts.lockout``)."""
    cleaned = _code_clean(code)
    device = totp_device(user=user)
    if device is not None and cleaned.isdigit() and len(cleaned) == device.digits:
        if device.verify_token(cleaned):
            return METHOD_TOTP
    elif cleaned:
        used = (RecoveryCode.objects.select_for_update()
                .filter(user=user, code_hash=_code_hash(cleaned), used_at__isnull=True).first())
        if used is not None and two_factor_enabled(user=user):
            used.used_at = timezone.now()
            used.save(update_fields=["used_at"])
            audit_record(action=AuditAction.RECOVERY_CODE_USE, actor=user, target=user,
                         changes={"left": recovery_codes_remaining(user=user)})
            return METHOD_RECOVERY
    second_factor_failed(user=user, method=METHOD_TOTP if cleaned.isdigit() else METHOD_RECOVERY)
    return None


def second_factor_failed(*, user: User, method: str) -> None:
    audit_record(action=AuditAction.TWO_FACTOR_FAILED, target=user, changes={"method": method})


# --- passkeys ------------------------------------------------------------------------------------------------

def passkey_register_begin(*, user: User, request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The options for the browser's ``navigator.credentials.create`` and the state to keep in the session."""
    options, state = WebAuthnHelper(request).register_begin(user=user)
    return options, state


@transaction.atomic
def passkey_register_complete(*, user: User, request: Any, state: dict[str, Any], data: dict[str, Any],
                              name: str = "") -> list[str]:
    """Store the passkey the browser made; returns new recovery codes when it is the user's first method."""
    first = not two_factor_enabled(user=user)
    try:
        passkey = WebAuthnHelper(request).register_complete(user=user, state=state, data=data)
    except Exception as error:  # py_webauthn raises many kinds; each means the same to the person
        log.info("passkey_register_refused", user_id=user.pk, error=str(error))
        raise ValidationError("This passkey could not be added. Try again, or use another device.") from None
    passkey.name = (name or "").strip()[:64] or "Passkey"
    passkey.save(update_fields=["name"])
    audit_record(action=AuditAction.TWO_FACTOR_ENABLE, actor=user, target=user,
                 changes={"method": METHOD_PASSKEY, "name": passkey.name})
    log.info("two_factor_enabled", user_id=user.pk, method=METHOD_PASSKEY)
    return recovery_codes_generate(user=user, audit=False) if first or not recovery_codes_remaining(user=user) else []


def passkey_authenticate_begin(*, user: User, request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    options, state = WebAuthnHelper(request).authenticate_begin(user=user, require_user_verification=False)
    return options, state


@transaction.atomic
def passkey_authenticate_complete(*, user: User, request: Any, state: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether the browser's answer proves one of this user's passkeys (its counter is then updated)."""
    try:
        passkey = WebAuthnHelper(request).authenticate_complete(user=user, state=state, data=data)
    except Exception as error:  # unknown credential, another's, bad signature, wrong origin...
        log.info("passkey_sign_in_refused", user_id=user.pk, error=str(error))
        second_factor_failed(user=user, method=METHOD_PASSKEY)
        return False
    return bool(passkey.confirmed and passkey.user_id == user.pk)


# --- removing ------------------------------------------------------------------------------------------------

@transaction.atomic
def two_factor_remove(*, user: User, method: str, passkey_id: int | None = None) -> None:
    """Remove the authenticator app or one passkey (the caller has checked the password or a code). With no
    method left, the recovery codes go too."""
    if method == METHOD_TOTP:
        deleted, _ = AuthenticatorApp.objects.filter(user=user).delete()
        if not deleted:
            raise Http404("No authenticator app is set up.")
        changes: dict[str, Any] = {"method": METHOD_TOTP}
    elif method == METHOD_PASSKEY and passkey_id is not None:
        passkey = passkey_get(user=user, passkey_id=passkey_id)
        changes = {"method": METHOD_PASSKEY, "name": passkey.name}
        passkey.delete()
    else:
        raise ValidationError("Choose the authenticator app or a passkey to remove.")
    if not two_factor_enabled(user=user):
        RecoveryCode.objects.filter(user=user).delete()
    audit_record(action=AuditAction.TWO_FACTOR_DISABLE, actor=user, target=user, changes=changes)
    log.info("two_factor_removed", user_id=user.pk, method=method)


@transaction.atomic
def two_factor_reset(*, user: User, by: User | None) -> None:
    """Staff turn two-factor sign-in off for someone who lost every device and code."""
    AuthenticatorApp.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(action=AuditAction.TWO_FACTOR_DISABLE, actor=by, target=user, changes={"method": "all", "by": "staff"})
    log.info("two_factor_reset", user_id=user.pk, by=getattr(by, "pk", None))


# --- the API's second step -----------------------------------------------------------------------------------

def challenge_issue(*, user: User) -> str:
    """A short-lived signed token naming the user who gave the right password (no secret inside)."""
    return signing.dumps({"u": user.pk, "p": _password_mark(user)}, salt=CHALLENGE_SALT, compress=True)


def _password_mark(user: User) -> str:
    # A changed password ends a challenge; the token is signed, not encrypted, so it carries an HMAC, not the hash.
    return salted_hmac(CHALLENGE_SALT, user.password, algorithm="sha256").hexdigest()[:16]


def challenge_user(*, token: str) -> User:
    """The user a challenge was issued to, while it is fresh and their password unchanged."""
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_LIFETIME)
    except signing.BadSignature:
        raise ValidationError({"mfa_token": [CHALLENGE_INVALID]}, code="mfa_token_invalid") from None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(_password_mark(user), str(data.get("p"))):
        raise ValidationError({"mfa_token": [CHALLENGE_INVALID]}, code="mfa_token_invalid")
    return user
