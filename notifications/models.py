"""Notifications: one row per thing we tell a user, one delivery row per channel it went out on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class NotificationKind(models.TextChoices):
    BILL_DUE = "bill_due", "Bill due soon"
    BILL_OVERDUE = "bill_overdue", "Bill overdue"
    BILL_PAID = "bill_paid", "Bill paid"
    SUBSCRIPTION_FOUND = "subscription_found", "Subscription found"
    PRICE_RISE = "price_rise", "Subscription price rise"
    WEEKLY_DIGEST = "weekly_digest", "Weekly digest"
    BUDGET_WARNING = "budget_warning", "Budget at 80%"
    BUDGET_EXCEEDED = "budget_exceeded", "Budget exceeded"
    LOW_BALANCE = "low_balance", "Low balance ahead"
    GROUP_INVITE = "group_invite", "Group invitation"
    ANOMALY_HIGH = "anomaly_high", "High-risk charge"
    ANOMALY_MEDIUM = "anomaly_medium", "Unusual charge"
    GOAL_MILESTONE = "goal_milestone", "Goal milestone reached"
    GOAL_OFF_TRACK = "goal_off_track", "Goal off track"
    GOAL_PLAN_CHANGED = "goal_plan_changed", "Goal plan changed with income"
    MONTHLY_LETTER = "monthly_letter", "Monthly letter"
    DATA_EXPORT_READY = "data_export_ready", "Your data is ready to download"
    DATA_IMPORT_FINISHED = "data_import_finished", "Your data import finished"
    ACCOUNT_DELETION_SCHEDULED = "account_deletion_scheduled", "Your account will be deleted"
    ACCOUNT_DELETION_CANCELLED = "account_deletion_cancelled", "Your account's deletion was cancelled"
    SUBSCRIPTION_CHANGED = "subscription_changed", "Your plan or its payment changed"


class Severity(models.TextChoices):
    INFO = "info", "Info"
    SUCCESS = "success", "Success"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    PUSH = "push", "Push"


# The kinds also pushed to the operator's push channel (settings.PUSH_URLS), when one is configured.
PUSH_KINDS = frozenset({NotificationKind.ANOMALY_HIGH})
# About the account itself, asked for by the person: always in the app and by email, whatever the preferences.
ACCOUNT_KINDS = frozenset({NotificationKind.DATA_EXPORT_READY, NotificationKind.DATA_IMPORT_FINISHED,
                           NotificationKind.ACCOUNT_DELETION_SCHEDULED,
                           NotificationKind.ACCOUNT_DELETION_CANCELLED, NotificationKind.SUBSCRIPTION_CHANGED})


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(user=user)

    def in_inbox(self) -> NotificationQuerySet:
        """What the notifications page and API show: the in-app copies, not email-only records."""
        return self.filter(in_app=True)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something Finsight told a user. ``dedupe_key`` is the claim: one row per (user, key), so a rerun of
    the reminder sweep or a second consumer inserting the same reminder finds it taken and sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True, help_text="A path inside Finsight, e.g. /bills/.")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    in_app = models.BooleanField(default=True, help_text="Shown in the notifications page (per preferences).")
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    context = models.JSONField(default=dict, blank=True, help_text="What the email templates render.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint("user", "dedupe_key", condition=Q(dedupe_key__isnull=False),
                                    name="notifications_notification_claimed_once"),
        ]
        indexes = [
            models.Index(fields=["user", "in_app", "-created_at"]),
            models.Index(fields=["user", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed for good"


class Delivery(models.Model):
    """One channel's send of a notification, with its outcome. The in-app channel is delivered by the
    row existing; email rows go pending -> sending (claimed) -> sent, or back to pending with a later
    ``next_attempt_at`` after an SMTP error, until the attempts run out."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint("notification", "channel", name="notifications_delivery_once_per_channel"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.channel} {self.status} for notification {self.notification_id}"


# Kinds nothing sends any more (their old notifications stay readable): the weekly digest has its own switch,
# and a subscription's price rise is an anomaly alert now (its level decides how it reaches the person).
RETIRED_KINDS = (NotificationKind.WEEKLY_DIGEST, NotificationKind.PRICE_RISE)


def default_email_kinds() -> list[str]:
    return [NotificationKind.BILL_DUE, NotificationKind.BILL_OVERDUE,
            NotificationKind.BUDGET_EXCEEDED, NotificationKind.LOW_BALANCE, NotificationKind.GROUP_INVITE,
            NotificationKind.ANOMALY_HIGH]


def default_in_app_kinds() -> list[str]:
    return [kind for kind in NotificationKind.values if kind not in RETIRED_KINDS and kind not in ACCOUNT_KINDS]


class NotificationPreferences(models.Model):
    """Which kinds go to which channel, when bills are reminded, and whether the weekly digest is sent.

    Created on first read with the defaults below, so every user has one without a signal.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_preferences")
    in_app_kinds = models.JSONField(default=default_in_app_kinds, blank=True)
    email_kinds = models.JSONField(default=default_email_kinds, blank=True)
    reminder_lead_days = models.PositiveSmallIntegerField(
        default=3, help_text="Days before a bill is due to remind you, unless the bill sets its own.")
    weekly_digest = models.BooleanField(default=True, help_text="An email on Monday morning with last week's "
                                                                "spending and the week's bills.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification preferences"
        constraints = [
            models.CheckConstraint(condition=Q(reminder_lead_days__lte=60),
                                   name="notifications_preferences_lead_days_at_most_60"),
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"

    def channels_for(self, kind: str) -> set[str]:
        if kind == NotificationKind.WEEKLY_DIGEST:
            return {Channel.EMAIL} if self.weekly_digest else set()
        if kind in ACCOUNT_KINDS:
            return {Channel.IN_APP, Channel.EMAIL}
        channels = set()
        if kind in self.in_app_kinds:
            channels.add(Channel.IN_APP)
        if kind in self.email_kinds:
            channels.add(Channel.EMAIL)
        if kind in PUSH_KINDS and settings.PUSH_URLS:
            channels.add(Channel.PUSH)
        return channels
