from __future__ import annotations

from rest_framework import serializers

from audit.describe import device_describe, entry_describe
from audit.models import AuditAction, AuditEntry


class SecurityLogEntrySerializer(serializers.ModelSerializer):
    action = serializers.ChoiceField(choices=AuditAction.choices, read_only=True,
                                     help_text="What happened, for programs.")
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    description = serializers.SerializerMethodField(help_text="The whole entry in plain words, to show as it is.")
    device = serializers.SerializerMethodField(help_text="The browser and system, in words; empty if unknown.")
    at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "action", "action_label", "description", "ip", "device"]
        read_only_fields = fields

    def get_description(self, entry: AuditEntry) -> str:
        return entry_describe(entry)

    def get_device(self, entry: AuditEntry) -> str:
        return device_describe(entry.user_agent) if entry.user_agent else ""
