from __future__ import annotations

import datetime
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.currencies import currency_choices, timezone_choices


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
