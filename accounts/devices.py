"""Where people sign in from: a sign-in from a browser or app not seen before emails its owner, with a link that
ends every sign-in (all web sessions and API tokens) at once."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta
from typing import Any

import maxminddb
import structlog
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import KnownDevice, RevokedTokenFamily, User
from accounts.tasks import email_send
from accounts.tokens import FAMILY_CLAIM, family_expiry
from audit.describe import device_describe
from audit.models import AuditAction
from audit.origin import request_origin
from audit.services import audit_record
from core.outbox import outbox_enqueue

log = structlog.get_logger(__name__)

DEVICE_COOKIE = "finsight_device"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 60 * 60  # the longest browsers keep a cookie
SESSIONS_END_SALT = "accounts.devices.sessions_end"
SESSIONS_END_LINK_LIFETIME = timedelta(days=7)
SESSIONS_END_LINK_INVALID = ("This link has expired or was already used. Sign in and use Settings → Two-factor "
                             "sign-in → Sign out everywhere, or change your password.")


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _geoip_reader(path: str) -> Any:
    return maxminddb.open_database(path)


def place_from_ip(ip: str) -> str:
    """"Berlin, Germany" from the operator's local GeoIP2/GeoLite2 file (GEOIP_DATABASE_PATH); "" without one,
    for a private address, or when the file does not know it."""
    path = settings.GEOIP_DATABASE_PATH
    if not path or not ip:
        return ""
    try:
        record = _geoip_reader(path).get(ip) or {}
    except (OSError, ValueError, maxminddb.InvalidDatabaseError) as error:
        log.warning("geoip_lookup_failed", error=str(error))
        return ""
    if not isinstance(record, dict):
        return ""
    names = [((record.get(part) or {}).get("names") or {}).get("en", "") for part in ("city", "country")]
    return ", ".join(name for name in names if name)


@transaction.atomic
def sign_in_device_note(*, user: User, request: Any, device_cookie: str | None = None, api: bool = False) -> str | None:
    """Remember the browser (by its cookie) or app (by its user agent) this sign-in came from; if it is new and
    not the person's very first sign-in, email them. Returns the cookie value a browser should keep, or None."""
    origin = request_origin(request)
    now = timezone.now()
    key = f"app:{origin.user_agent}" if api else (device_cookie or secrets.token_urlsafe(32))
    if KnownDevice.objects.filter(user=user, key_hash=_key_hash(key)).update(last_seen_at=now):
        return None if api or device_cookie else key
    first = not KnownDevice.objects.filter(user=user).exists()
    description = device_describe(origin.user_agent)
    try:
        with transaction.atomic():
            KnownDevice.objects.create(user=user, key_hash=_key_hash(key), description=description[:120],
                                       first_seen_at=now, last_seen_at=now)
    except IntegrityError:  # the same new device signing in twice at once: one email is enough
        return None if api else key
    if not first:
        new_device_email_send(user=user, description=description, ip=origin.ip, when=now)
    return None if api else key


def new_device_email_send(*, user: User, description: str, ip: str, when: Any) -> None:
    profile = getattr(user, "financial_profile", None)
    local = profile.local_now(when) if profile else when
    context = {
        "user": user,
        "device": description,
        "place": place_from_ip(ip),
        "ip": ip,
        "when": local,
        "timezone": getattr(profile, "timezone", "UTC"),
        "end_path": reverse("accounts:sessions_end", kwargs={"token": sessions_end_token(user=user)}),
        "site_url": str(settings.SITE_URL).rstrip("/"),
    }
    subject = "".join(loader.render_to_string("accounts/emails/new_device-subject.txt", context).splitlines())
    body = loader.render_to_string("accounts/emails/new_device-body.txt", context)
    html = loader.render_to_string("accounts/emails/new_device-body.html", context)
    outbox_enqueue(email_send, subject=subject, body=body, to=[user.email], html=html)
    log.info("new_device_email_queued", user_id=user.pk)


def _stamp_mark(user: User) -> str:
    return salted_hmac(SESSIONS_END_SALT, user.session_stamp or "-", algorithm="sha256").hexdigest()[:16]


def sessions_end_token(*, user: User) -> str:
    """The emailed link's token: works for a week, and once (ending the sessions changes the stamp it names)."""
    return signing.dumps({"u": user.pk, "s": _stamp_mark(user)}, salt=SESSIONS_END_SALT)


def sessions_end_link_user(*, token: str) -> User | None:
    try:
        data = signing.loads(token, salt=SESSIONS_END_SALT, max_age=SESSIONS_END_LINK_LIFETIME)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None or not constant_time_compare(_stamp_mark(user), str(data.get("s"))):
        return None
    return user


@transaction.atomic
def sessions_end(*, user: User, by: User | None, via: str) -> int:
    """End every sign-in of the user: each web session stops verifying (a new session stamp) and every API
    refresh token, with the access tokens of its sign-in, is refused. Returns how many API sign-ins ended."""
    user.session_stamp = secrets.token_hex(16)
    user.save(update_fields=["session_stamp"])
    ended = 0
    outstanding = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now())
    for token in outstanding:
        BlacklistedToken.objects.get_or_create(token=token)
        try:
            family = token_backend.decode(token.token, verify=False).get(FAMILY_CLAIM)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - an unreadable old token: blacklisted above is enough
            family = None
        if family:
            _, created = RevokedTokenFamily.objects.get_or_create(
                family=family, defaults={"user": user, "reason": RevokedTokenFamily.Reason.ENDED,
                                         "expires_at": family_expiry()})
            ended += created
    audit_record(action=AuditAction.SESSIONS_END, actor=by, target=user, changes={"via": via, "api_sign_ins": ended})
    log.info("sessions_ended", user_id=user.pk, via=via)
    return ended
