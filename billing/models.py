"""Billing: the plans an operator sells, each person's subscription to one, and its payment history.

Stripe holds the card and charges it; Finsight keeps what it needs to decide what a person may use and to show
them what they paid. A subscription's state changes only when a verified webhook says so (``billing.webhooks``):
every row here is a copy of Stripe's current state, fetched again on each event, never guessed from the order
the events came in.

Money is a Decimal with its currency (ISO 4217), never a float or cents; every datetime is aware (UTC).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.currencies import currency_choices
from transactions.models import MONEY

#: The feature keys a plan's ``features`` may hold, with what each means. ``billing.services.feature_allowed``
#: and ``feature_limit`` read them; a key a plan leaves out falls back to ``settings.BILLING_FREE_FEATURES``.
FEATURES: dict[str, str] = {
    "advisor_model": "bool: the advisor may answer through the local language model (else the written answers)",
    "receipts_per_month": "int: receipts a person may upload per calendar month (UTC); null means no limit",
    "groups": "int: shared-expense groups a person may own; null means no limit",
}


class PlanInterval(models.TextChoices):
    MONTH = "month", "Monthly"
    YEAR = "year", "Yearly"


class Plan(models.Model):
    """A plan the operator sells, edited by staff in the admin; ``stripe_price_id`` is the Stripe Price charged."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True, help_text="One line on the plans page.")
    price = models.DecimalField(**MONEY, help_text="The price per interval, as Stripe charges it.")
    currency = models.CharField(max_length=3, choices=currency_choices, default="EUR")
    interval = models.CharField(max_length=5, choices=PlanInterval.choices, default=PlanInterval.MONTH)
    trial_days = models.PositiveSmallIntegerField(default=0)
    features = models.JSONField(
        default=dict, blank=True,
        help_text='What the plan unlocks, e.g. {"advisor_model": true, "receipts_per_month": 50, "groups": 5}; '
                  "keys: " + "; ".join(f"{key} ({meaning})" for key, meaning in FEATURES.items()),
    )
    stripe_price_id = models.CharField(max_length=255, blank=True, help_text="Stripe's Price id (price_…).")
    active = models.BooleanField(default=True, help_text="Offered on the plans page.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the plans page, lowest first.")

    class Meta:
        ordering = ["position", "price", "id"]

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    TRIALING = "trialing", "Trial"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Payment due"
    CANCELLED = "cancelled", "Cancelled"


#: Statuses in which the plan's features apply (past due keeps them for BILLING_GRACE_DAYS, until downgraded).
LIVE_STATUSES = (SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def live(self) -> SubscriptionQuerySet:
        return self.filter(status__in=LIVE_STATUSES)


class Subscription(models.Model):
    """A person's subscription to a plan, one row per Stripe subscription (or per staff grant, without one)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    cancel_at_period_end = models.BooleanField(default=False)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    # Null for a plan staff set by hand: unique among those Stripe knows.
    stripe_subscription_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["status", "past_due_since"]),
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.get_status_display()})"


class InvoiceStatus(models.TextChoices):
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    OPEN = "open", "Open"


class Invoice(models.Model):
    """One charge of a subscription, as Stripe reported it: the payment history."""

    # Kept when the account is deleted (the operator's bookkeeping), no longer linked to anyone.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="billing_invoices")
    subscription = models.ForeignKey(Subscription, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="invoices")
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=6, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    hosted_invoice_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.stripe_invoice_id} {self.amount} {self.currency} {self.status}"


class WebhookEvent(models.Model):
    """A verified Stripe event, recorded before it is handled: its unique id makes a replay a no-op."""

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.stripe_event_id} {self.type}"
