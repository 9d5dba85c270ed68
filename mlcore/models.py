from __future__ import annotations

from django.conf import settings
from django.db import models


class FeedbackKind(models.TextChoices):
    ACCEPT = "accept", "Accepted the suggestion"
    CORRECT = "correct", "Chose another category"


class FeedbackEvent(models.Model):
    """A person confirming or correcting a category: what the learner trains on, and what it is measured by."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="category_feedback")
    # No database constraint and no cascade: deleting 100k transactions must not touch (or wait on) their
    # feedback, which keeps its own copy of the text below; a deleted transaction's id simply points nowhere.
    transaction = models.ForeignKey("transactions.Transaction", on_delete=models.DO_NOTHING, db_constraint=False,
                                    null=True, blank=True, related_name="feedback_events")
    kind = models.CharField(max_length=10, choices=FeedbackKind.choices)
    suggested_category = models.ForeignKey("transactions.Category", on_delete=models.SET_NULL, null=True,
                                           blank=True, related_name="+")
    chosen_category = models.ForeignKey("transactions.Category", on_delete=models.CASCADE, related_name="+")
    # The text as it was, so the event stays useful if the transaction is later edited or deleted.
    description = models.CharField(max_length=500)
    merchant = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:40]}"


class UserCategorizerModel(models.Model):
    """A user's own classifier, trained in the background from the categories they chose.

    Kept in the database (not on a worker's disk) so that every web process and worker machine sees it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="categorizer_model")
    format_version = models.PositiveIntegerField()
    sklearn_version = models.CharField(max_length=20)
    labels_count = models.PositiveIntegerField()
    classes_count = models.PositiveIntegerField()
    trained_at = models.DateTimeField()
    blob = models.BinaryField()

    def __str__(self) -> str:
        return f"Categorizer of user {self.user_id} ({self.labels_count} labels)"


class SpendingPattern(models.Model):
    """A person's normal, computed by a worker (nightly and after an import) and read by pages and detectors.

    ``data`` is mlcore.results.SpendingPatterns as JSON (mlcore.patterns reads and writes it); no request
    computes it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="spending_pattern")
    format_version = models.PositiveSmallIntegerField(default=1)
    computed_at = models.DateTimeField()
    transactions_count = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Patterns of user {self.user_id} ({self.computed_at:%Y-%m-%d %H:%M})"


class Verdict(models.TextChoices):
    FINE = "fine", "This is fine"
    NOT_MINE = "not_mine", "Not mine"
    DUPLICATE = "duplicate", "Duplicate"


class AnomalyVerdict(models.Model):
    """What a person said of a flagged charge: the detectors learn from it (a "fine" pattern does not alert
    again; a "not mine" raises the risk of similar charges). Keeps its own copy of the charge."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="anomaly_verdicts")
    transaction = models.ForeignKey("transactions.Transaction", on_delete=models.DO_NOTHING, db_constraint=False,
                                    null=True, blank=True, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    detectors = models.JSONField(default=list, help_text="The detectors that flagged the charge.")
    merchant_key = models.CharField(max_length=200, blank=True)
    category = models.ForeignKey("transactions.Category", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Money out as a positive amount.")
    currency = models.CharField(max_length=3)
    date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "merchant_key"])]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.merchant_key} {self.amount} {self.currency}"
