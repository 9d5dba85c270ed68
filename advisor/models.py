"""The advisor's records: conversations and their messages (kept as long as the person's retention setting says),
the retention setting itself, and the monthly letters."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.fields import EncryptedTextField


class Method(models.TextChoices):
    TEMPLATE = "template", "Written from your figures"
    MODEL = "model", "Written by the local model, numbers checked"


class Status(models.TextChoices):
    ANSWERED = "answered", "Answered"
    UNKNOWN = "unknown", "Not understood"
    REFUSED = "refused", "Declined"


class Retention(models.IntegerChoices):
    NONE = 0, "Don't keep my conversations"
    DAYS_30 = 30, "30 days"
    DAYS_90 = 90, "90 days"
    YEAR = 365, "One year"


class AdvisorSettings(models.Model):
    """How long a person's conversations are kept (the nightly purge removes older ones)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advisor_settings")
    retention_days = models.PositiveSmallIntegerField(choices=Retention.choices, default=Retention.DAYS_90)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "advisor settings"


class Conversation(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advisor_conversations")
    title = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return f"Conversation {self.pk} of user {self.user_id}"


class Message(models.Model):
    """One question or one answer. An answer keeps the facts it used (label, value, currency, period, link)."""

    class Role(models.TextChoices):
        USER = "user", "Question"
        ADVISOR = "advisor", "Answer"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    text = EncryptedTextField()
    facts = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)
    intent = models.CharField(max_length=40, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    disclaimer = EncryptedTextField(blank=True)
    fallback_reason = models.CharField(max_length=300, blank=True,
                                       help_text="Why a model's answer was replaced by the written one.")
    # An answer's follow-up questions and when its oldest stored figure was worked out, so that a conversation
    # read again later shows them as it did when it was asked.
    suggestions = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class MonthlyLetter(models.Model):
    """A plain-words review of one month, written at the next month's start."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="monthly_letters")
    month = models.DateField(help_text="The month reviewed (its first day).")
    subject = models.CharField(max_length=200)
    went_well = EncryptedTextField()
    changed = EncryptedTextField()
    suggestion = EncryptedTextField()
    facts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint("user", "month", name="advisor_one_letter_per_month")]
