"""Alerts: one row per transaction the anomaly detectors flagged, with its level, its reasons and the person's answer.

The alert keeps a copy of the charge (date, amount, currency, description), so it stays readable after the
transaction is deleted (the "Duplicate" answer deletes one of a pair).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AlertLevel(models.TextChoices):
    HIGH = "high", "High risk"
    MEDIUM = "medium", "Medium risk"
    LOW = "low", "Low risk"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Waiting for you"
    FINE = "fine", "This is fine"
    NOT_MINE = "not_mine", "Not mine"
    DUPLICATE = "duplicate", "Duplicate"


# Most serious first, for ordering a list by level.
LEVEL_RANK = {AlertLevel.HIGH: 0, AlertLevel.MEDIUM: 1, AlertLevel.LOW: 2}


class AlertQuerySet(models.QuerySet["Alert"]):
    def for_user(self, user) -> AlertQuerySet:
        return self.filter(user=user)

    def open(self) -> AlertQuerySet:
        return self.filter(status=AlertStatus.OPEN)

    def notifying(self) -> AlertQuerySet:
        """The levels that tell the person (High and Medium); Low ones are only listed."""
        return self.filter(level__in=[AlertLevel.HIGH, AlertLevel.MEDIUM])


class Alert(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    transaction = models.ForeignKey("transactions.Transaction", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="alerts")
    # The charge as it was when flagged: the alert outlives a deleted duplicate.
    date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Signed: negative is money out.")
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=500)
    level = models.CharField(max_length=6, choices=AlertLevel.choices)
    score = models.DecimalField(max_digits=4, decimal_places=3, help_text="The combined risk, 0 to 1.")
    kind = models.CharField(max_length=20, help_text="The detector that weighed most (amount, duplicate, ...).")
    factors = models.JSONField(default=list, help_text="Each reason: {detector, score, sentence}, strongest first.")
    related_ids = models.JSONField(default=list, blank=True,
                                   help_text="Other transactions in the finding, e.g. the other charge of a duplicate.")
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    notification = models.ForeignKey("notifications.Notification", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Each alert is created once: a rerun of the scan finds the transaction's alert already there.
            models.UniqueConstraint("user", "transaction", condition=Q(transaction__isnull=False),
                                    name="alerts_alert_once_per_transaction"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="alerts_alert_score_0_to_1"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"]),
            models.Index(fields=["user", "status", "level"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.kind}: {self.date} {self.amount} {self.currency} {self.description}"

    @property
    def detectors(self) -> list[str]:
        return [factor["detector"] for factor in self.factors]

    @property
    def sentences(self) -> list[str]:
        return [factor["sentence"] for factor in self.factors]

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN


class ProtectionScan(models.Model):
    """When the scan of a user's transactions last ran and what it found (each row it looked at is marked
    ``Transaction.checked_at``, so a run scores only rows not checked yet)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="protection_scan")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_scored = models.PositiveIntegerField(default=0, help_text="Transactions scored by the last run.")
    last_flagged = models.PositiveIntegerField(default=0, help_text="Alerts the last run created.")

    def __str__(self) -> str:
        return f"Protection scan of user {self.user_id} at {self.last_run_at}"
