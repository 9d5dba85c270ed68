"""Shared expenses: groups of people, what they paid, how each cost is split, and the payments that settle up.

Money in a group is kept in the group's currency, in minor units (cents) as integers, so every split sums
exactly to its total; the Decimal properties are for display and the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.currencies import currency_choices
from core.fields import EncryptedTextField
from transactions.models import MONEY


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


class GroupQuerySet(models.QuerySet["Group"]):
    def for_member(self, user) -> GroupQuerySet:
        return self.filter(memberships__user=user, memberships__left_at__isnull=True)


class Group(models.Model):
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, choices=currency_choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="groups_created")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"


class Membership(models.Model):
    """A user in a group. Leaving keeps the row (``left_at``) so past expenses still name them."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group_id", "joined_at", "id"]
        constraints = [models.UniqueConstraint("group", "user", name="groups_membership_once_per_group")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class InviteStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Withdrawn"
    EXPIRED = "expired", "Expired"


def invite_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.GROUP_INVITE_DAYS)


def email_masked(email: str) -> str:
    """An address shown to someone it was not sent to: its first letter and its domain (j***@example.com)."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def invite_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invite(models.Model):
    """An invitation by email. ``token`` is the secret in the link, stored only as its SHA-256 (``token_hash``), so
    a copy of the database cannot answer invitations; only the account with the invited address
    can answer it, until ``expires_at``. An existing user can also accept it from their notifications; someone
    without an account signs up through the link (with that address) and lands in the group. A pending invite
    past ``expires_at`` is expired: the owner's next invitation to the address marks it so."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="group_invites_sent")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the link's secret.")
    status = models.CharField(max_length=10, choices=InviteStatus.choices, default=InviteStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invite_expiry,
                                      help_text="After this the link no longer works; the owner can send a new one.")
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="group_invites_accepted")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint("group", "email", condition=Q(status="pending"),
                                    name="groups_invite_one_pending_per_email"),
        ]

    # The link's secret, known only to the invite_create that made it (for the messages it sends); never stored.
    token = ""

    def __str__(self) -> str:
        return f"{self.email} to {self.group} ({self.status})"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        """Past its lifetime while still unanswered (or already marked expired)."""
        if self.status == InviteStatus.EXPIRED:
            return True
        return self.status == InviteStatus.PENDING and self.expires_at <= (now or timezone.now())

    def is_for(self, user) -> bool:
        return bool(user.email) and user.email.strip().lower() == self.email.strip().lower()

    @property
    def email_masked(self) -> str:
        return email_masked(self.email)


class SplitMode(models.TextChoices):
    EQUAL = "equal", "Equally"
    EXACT = "exact", "Exact amounts"
    PERCENT = "percent", "Percentages"
    SHARES = "shares", "Shares"


class GroupExpense(models.Model):
    """A cost some members paid for and all chosen members share. ``total_cents`` is in the group's currency;
    ``original_amount``/``original_currency`` and ``fx_rate`` keep what was typed when it was another currency."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="expenses")
    description = models.CharField(max_length=200)
    date = models.DateField()
    total_cents = models.BigIntegerField()
    original_amount = models.DecimalField(**MONEY)
    original_currency = models.CharField(max_length=3, choices=currency_choices)
    fx_rate = models.DecimalField(max_digits=20, decimal_places=10, default=Decimal("1"))
    category = models.ForeignKey("transactions.Category", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="group_expenses")
    split_mode = models.CharField(max_length=10, choices=SplitMode.choices, default=SplitMode.EQUAL)
    notes = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="group_expenses_added")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["group", "-date", "-id"])]
        constraints = [models.CheckConstraint(condition=Q(total_cents__gt=0), name="groups_expense_total_positive")]

    def __str__(self) -> str:
        return f"{self.description} {self.total} {self.group.currency}"

    @property
    def total(self) -> Decimal:
        return cents_to_decimal(self.total_cents)


class ExpensePayer(models.Model):
    """Who paid how much of an expense (in the group's currency, cents). Payers' amounts sum to the total."""

    expense = models.ForeignKey(GroupExpense, on_delete=models.CASCADE, related_name="payers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    paid_cents = models.BigIntegerField()
    transaction = models.ForeignKey("transactions.Transaction", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="group_payments",
                                    help_text="The payer's own ledger transaction for this payment, if linked.")

    class Meta:
        constraints = [
            models.UniqueConstraint("expense", "user", name="groups_payer_once_per_expense"),
            models.CheckConstraint(condition=Q(paid_cents__gt=0), name="groups_payer_paid_positive"),
        ]

    @property
    def paid(self) -> Decimal:
        return cents_to_decimal(self.paid_cents)


class ExpenseShare(models.Model):
    """One member's part of an expense. ``weight`` is what the user entered for the mode (a percentage, a
    number of shares, an exact amount); ``owed_cents`` is the result, and the parts sum to the total."""

    expense = models.ForeignKey(GroupExpense, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("1"))
    owed_cents = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint("expense", "user", name="groups_share_once_per_expense"),
            models.CheckConstraint(condition=Q(owed_cents__gte=0), name="groups_share_owed_not_negative"),
        ]

    @property
    def owed(self) -> Decimal:
        return cents_to_decimal(self.owed_cents)


class Settlement(models.Model):
    """A payment from one member to another that settles (part of) what is owed, in the group's currency."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="settlements")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount_cents = models.BigIntegerField()
    date = models.DateField()
    note = EncryptedTextField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="groups_settlement_amount_positive"),
            models.CheckConstraint(condition=~Q(payer=models.F("payee")), name="groups_settlement_two_people"),
        ]

    @property
    def amount(self) -> Decimal:
        return cents_to_decimal(self.amount_cents)


class ActivityVerb(models.TextChoices):
    CREATED = "created", "created the group"
    JOINED = "joined", "joined"
    LEFT = "left", "left"
    REMOVED = "removed", "removed a member"
    INVITED = "invited", "invited someone"
    EXPENSE_ADDED = "expense_added", "added an expense"
    EXPENSE_EDITED = "expense_edited", "edited an expense"
    EXPENSE_DELETED = "expense_deleted", "deleted an expense"
    SETTLED = "settled", "recorded a payment"
    SETTLEMENT_DELETED = "settlement_deleted", "deleted a payment"
    INVITE_REVOKED = "invite_revoked", "withdrew an invitation"


class GroupActivity(models.Model):
    """Who did what in a group, for the members' activity log. ``summary`` is the sentence shown, written
    when it happened (an expense deleted later still reads as it was)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=20, choices=ActivityVerb.choices)
    summary = models.CharField(max_length=300)
    expense = models.ForeignKey(GroupExpense, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "-created_at"])]
        verbose_name_plural = "group activity"

    def __str__(self) -> str:
        return self.summary
