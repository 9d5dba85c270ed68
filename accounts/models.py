from __future__ import annotations

import datetime
import time
import zoneinfo
from base64 import b32encode
from binascii import unhexlify
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import hex_validator, random_hex

from accounts.currencies import currency_choices, timezone_choices
from core.fields import EncryptedTextField


class Role(models.TextChoices):
    USER = "user", "User"
    STAFF = "staff", "Staff"
    ADMIN = "admin", "Admin"


# Django group that carries each elevated role's permissions (see the 0002 data migration).
ROLE_GROUPS = {Role.STAFF: "Staff", Role.ADMIN: "Admin"}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)

    @transaction.atomic
    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        FinancialProfile.objects.using(self._db).create(user=user)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can log into the admin site.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    session_stamp = models.CharField(
        max_length=32, blank=True, editable=False,
        help_text="Changed to end every web session at once (part of the session's check, with the password).")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique",
                                    violation_error_message="A user with this email address already exists."),
        ]
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Empty stamp: the same hash as before the stamp existed, so no session ends when it is introduced.
        if not self.session_stamp:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac("accounts.User.session_stamp", f"{self.password}:{self.session_stamp}",
                           secret=secret, algorithm="sha256").hexdigest()

    @property
    def role(self) -> Role:
        if self.is_superuser:
            return Role.ADMIN
        if self.is_staff:
            return Role.STAFF
        return Role.USER


class FinancialProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="financial_profile")
    monthly_net_income = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Take-home pay per month, in the preferred currency.",
    )
    savings_rate_target = models.DecimalField(
        "savings-rate target (%)", max_digits=5, decimal_places=2, default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    preferred_currency = models.CharField(max_length=3, default="EUR", choices=currency_choices)
    timezone = models.CharField(max_length=64, default="UTC", choices=timezone_choices)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Financial profile of {self.user_id}"

    def local_now(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """The current time on the user's clock (their profile timezone)."""
        return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(self.timezone or "UTC"))

    def local_today(self, now: datetime.datetime | None = None) -> datetime.date:
        return self.local_now(now).date()

    @property
    def monthly_savings_goal(self) -> Decimal | None:
        """Income x savings-rate target, rounded half-up to the cent; None until the income is known."""
        if self.monthly_net_income is None or self.savings_rate_target is None:
            return None
        goal = Decimal(self.monthly_net_income) * Decimal(self.savings_rate_target) / 100
        return goal.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class SignupRequest(models.Model):
    """A sign-up waiting for its email link: the account is created only when the link is opened.

    Several may wait for one address (each link carries the password typed with it); opening one creates the
    account and removes them all. The link's token is stored hashed.
    """

    email = models.EmailField(max_length=254, db_index=True)
    display_name = models.CharField(max_length=80, blank=True)
    password = models.CharField(max_length=128)  # hashed, as User.password
    next_url = models.CharField(max_length=500, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Sign-up waiting for {self.email}"


class RevokedTokenFamily(models.Model):
    """A sign-in by token (one login and every refresh after it) that was ended: by logout, or because a
    refresh token of it was used twice. Its access and refresh tokens are refused until they expire."""

    class Reason(models.TextChoices):
        LOGOUT = "logout", "Logged out"
        REUSED = "reused", "A refresh token was used twice"
        ENDED = "ended", "Every sign-in ended by its owner or staff"

    family = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    revoked_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True, help_text="After this, every token of the family has expired.")

    def __str__(self) -> str:
        return f"Token family {self.family} ({self.reason})"


class RecoveryCode(models.Model):
    """A single-use recovery code for two-factor sign-in, stored only as a hash; shown once when made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="accounts_recovery_code_unique")]

    def __str__(self) -> str:
        return f"Recovery code of {self.user_id}"


class KnownDevice(models.Model):
    """A browser or app someone has signed in from: a sign-in from one not seen before sends an email.

    A browser is known by a long-lived random cookie (stored hashed), an app by its user agent.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_devices")
    key_hash = models.CharField(max_length=64)
    description = models.CharField(max_length=120, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key_hash"], name="accounts_known_device_unique")]

    def __str__(self) -> str:
        return f"{self.description or 'Device'} of {self.user_id}"


def authenticator_key_new() -> str:
    """20 random bytes, hex-encoded: the shared secret of a new authenticator app (RFC 6238's SHA-1 size)."""
    return str(random_hex(20))


def authenticator_key_validate(value: str) -> None:
    hex_validator()(value)


class AuthenticatorApp(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238): django-otp's device, with the shared secret encrypted at rest.

    django-otp's own ``TOTPDevice`` keeps the key in plain hex, so a database dump alone would let anyone compute
    codes; here ``key`` is an ``EncryptedTextField`` (core.crypto, docs/encryption.md). The codes are django-otp's
    ``TOTP``; as in ``TOTPDevice``, a code is never accepted twice (``last_t``), one step of clock drift is
    tolerated and learned, and wrong codes slow down further tries (``ThrottlingMixin``).
    """

    key = EncryptedTextField(max_length=80, validators=[authenticator_key_validate], default=authenticator_key_new,
                             help_text="The shared secret, hex-encoded, encrypted at rest.")
    step = models.PositiveSmallIntegerField(default=30, help_text="The time step in seconds.")
    t0 = models.BigIntegerField(default=0, help_text="The Unix time at which to begin counting steps.")
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1, help_text="Time steps in the past or future allowed.")
    drift = models.SmallIntegerField(default=0, help_text="Time steps the app is known to be off our clock.")
    last_t = models.BigIntegerField(default=-1, help_text="The time step of the last code accepted; the next "
                                                          "code must be of a later step.")

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def get_throttle_factor(self) -> int:
        return 1  # seconds, doubled after each wrong code in a row (django-otp's default for TOTP)

    def verify_token(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            number = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = bool(totp.verify(number, self.tolerance, self.last_t + 1))
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    @property
    def config_url(self) -> str:
        """The otpauth:// URL an app reads from the QR code (Google's Key Uri Format), issued by OTP_TOTP_ISSUER."""
        params = urlencode({"secret": b32encode(self.bin_key), "algorithm": "SHA1", "digits": self.digits,
                            "period": self.step})
        label = str(self.user.get_username())
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        if issuer:
            label = f"{issuer}:{label}"
            params += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{params}"
