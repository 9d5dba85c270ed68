"""Recurring payments (bills and subscriptions), their dated occurrences, and subscriptions found in history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.currencies import currency_choices
from transactions.models import MONEY


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    EVERY_N_WEEKS = "every_n_weeks", "Every N weeks"
    MONTHLY = "monthly", "Monthly on a day"
    MONTHLY_LAST_DAY = "monthly_last_day", "Monthly on the last day"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"
    EVERY_N_DAYS = "every_n_days", "Every N days"


class RecurringSource(models.TextChoices):
    MANUAL = "manual", "Added by hand"
    DETECTED = "detected", "Confirmed from a detected subscription"


class RecurringPaymentQuerySet(models.QuerySet["RecurringPayment"]):
    def for_user(self, user) -> RecurringPaymentQuerySet:
        return self.filter(user=user)

    def active(self) -> RecurringPaymentQuerySet:
        return self.filter(is_active=True)


class RecurringPayment(models.Model):
    """A bill or subscription: what is paid, to whom, and on which schedule.

    ``next_due_date`` is the earliest occurrence that is neither paid, skipped nor already overdue; it
    advances when that occurrence is paid (a matching transaction or by hand), skipped, or missed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recurring_payments")
    name = models.CharField(max_length=100)
    payee = models.CharField(max_length=200, help_text="Matched against the merchant or description of transactions.")
    amount = models.DecimalField(**MONEY, help_text="Expected amount, positive; the lower bound of a range.")
    amount_max = models.DecimalField(**MONEY, null=True, blank=True, help_text="Upper bound when the amount varies.")
    currency = models.CharField(max_length=3, choices=currency_choices)
    account = models.ForeignKey("transactions.Account", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="recurring_payments")
    category = models.ForeignKey("transactions.Category", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="recurring_payments")
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    interval = models.PositiveSmallIntegerField(default=1, help_text="N for every N weeks or every N days.")
    day_of_month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1-31 for monthly, quarterly and yearly; a short month uses its last day.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    next_due_date = models.DateField(null=True, blank=True, help_text="Empty once the schedule has ended.")
    reminder_lead_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days before the due date to remind; empty uses your notification settings.")
    is_active = models.BooleanField(default=True, help_text="Paused bills are neither reminded nor matched.")
    source = models.CharField(max_length=10, choices=RecurringSource.choices, default=RecurringSource.MANUAL)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecurringPaymentQuerySet.as_manager()

    class Meta:
        ordering = ["next_due_date", "name", "id"]
        indexes = [
            models.Index(fields=["user", "next_due_date"]),
            models.Index(fields=["is_active", "next_due_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_recurring_amount_not_negative"),
            models.CheckConstraint(condition=Q(amount_max__isnull=True) | Q(amount_max__gte=models.F("amount")),
                                   name="payments_recurring_amount_range_ordered"),
            models.CheckConstraint(condition=Q(interval__gte=1), name="payments_recurring_interval_positive"),
            models.CheckConstraint(
                condition=Q(day_of_month__isnull=True) | Q(day_of_month__gte=1, day_of_month__lte=31),
                name="payments_recurring_day_of_month_valid"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                                   name="payments_recurring_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_frequency_display().lower()})"

    @property
    def amount_display_max(self) -> Decimal:
        return self.amount_max if self.amount_max is not None else self.amount


class OccurrenceStatus(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    SKIPPED = "skipped", "Skipped"


class BillOccurrence(models.Model):
    """One dated instance of a recurring payment, stored once it matters (reminded, paid, missed or skipped).

    The unique (recurring payment, due date) row is what reminders and matching claim, so a rerun or a
    second worker finds the row already there.
    """

    recurring_payment = models.ForeignKey(RecurringPayment, on_delete=models.CASCADE, related_name="occurrences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bill_occurrences")
    due_date = models.DateField()
    amount_due = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, choices=currency_choices)
    status = models.CharField(max_length=10, choices=OccurrenceStatus.choices, default=OccurrenceStatus.UPCOMING)
    transaction = models.ForeignKey("transactions.Transaction", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="bill_occurrences")
    paid_on = models.DateField(null=True, blank=True)
    amount_paid = models.DecimalField(**MONEY, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint("recurring_payment", "due_date", name="payments_occurrence_once_per_date"),
        ]
        indexes = [models.Index(fields=["user", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.recurring_payment.name} due {self.due_date} ({self.status})"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for you"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class SubscriptionSuggestion(models.Model):
    """A subscription found in the user's history. Confirming turns it into a recurring payment;
    a dismissed one stays dismissed (the unique merchant key keeps detection from bringing it back)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="subscription_suggestions")
    merchant_key = models.CharField(max_length=200, help_text="The normalised merchant the charges share.")
    merchant = models.CharField(max_length=200, help_text="The merchant as shown to the user.")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    interval_days = models.PositiveSmallIntegerField(help_text="Median days between charges.")
    amount = models.DecimalField(**MONEY, help_text="The latest charge, positive.")
    previous_amount = models.DecimalField(**MONEY, null=True, blank=True,
                                          help_text="The amount before a price change, if there was one.")
    currency = models.CharField(max_length=3, choices=currency_choices)
    account = models.ForeignKey("transactions.Account", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    category = models.ForeignKey("transactions.Category", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    first_date = models.DateField()
    last_date = models.DateField()
    next_date = models.DateField()
    charge_count = models.PositiveIntegerField()
    confidence = models.DecimalField(max_digits=4, decimal_places=3)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    recurring_payment = models.OneToOneField(RecurringPayment, on_delete=models.SET_NULL, null=True, blank=True,
                                             related_name="suggestion")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-confidence", "merchant", "id"]
        constraints = [
            models.UniqueConstraint("user", "merchant_key", "currency", name="payments_suggestion_once_per_merchant"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.merchant} {self.amount} {self.currency} ({self.get_frequency_display().lower()})"

    @property
    def price_rose(self) -> bool:
        return self.previous_amount is not None and self.amount > self.previous_amount
