from __future__ import annotations

from rest_framework import serializers

from notifications.models import Notification, NotificationPreferences
from notifications.preferences import CHOOSABLE_KINDS, MAX_LEAD_DAYS


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "severity", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread and are now read.")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="Your unread notifications.")


class KindListField(serializers.ListField):
    child = serializers.CharField(max_length=30)

    def to_internal_value(self, data):
        kinds = super().to_internal_value(data)
        unknown = sorted({kind for kind in kinds if kind not in CHOOSABLE_KINDS})
        if unknown:
            raise serializers.ValidationError(
                f"Unknown notification kinds: {', '.join(unknown)}. Choose from {', '.join(CHOOSABLE_KINDS)} "
                "(the weekly digest is switched with weekly_digest).")
        return kinds


class PreferencesSerializer(serializers.ModelSerializer):
    in_app_kinds = KindListField(help_text=f"Kinds shown in the app, from: {', '.join(CHOOSABLE_KINDS)}.")
    email_kinds = KindListField(help_text=f"Kinds sent by email, from: {', '.join(CHOOSABLE_KINDS)}.")
    reminder_lead_days = serializers.IntegerField(
        min_value=0, max_value=MAX_LEAD_DAYS,
        help_text=f"Days before a bill is due to remind you (0 to {MAX_LEAD_DAYS}), unless the bill sets its own.")
    weekly_digest = serializers.BooleanField(help_text="The Monday email with last week's spending.")

    class Meta:
        model = NotificationPreferences
        fields = ["in_app_kinds", "email_kinds", "reminder_lead_days", "weekly_digest", "updated_at"]
        read_only_fields = ["updated_at"]
