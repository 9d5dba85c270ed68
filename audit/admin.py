"""The whole log for staff, read-only: nobody adds, changes or deletes an entry from the admin."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_label", "target_type", "target_label", "ip"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter), ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor_label", "target_label", "target_id", "ip"]
    date_hierarchy = "created_at"
    list_select_related = False  # every column is on the entry itself
    fields = ["created_at", "action", "actor", "actor_label", "target_type", "target_id", "target_label", "ip",
              "user_agent", "changes_pretty", "previous_hash", "hash"]
    readonly_fields = fields

    @admin.display(description="Changes")
    def changes_pretty(self, entry: AuditEntry) -> str:
        return format_html("<pre>{}</pre>", json.dumps(entry.changes, indent=2, ensure_ascii=False))

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
