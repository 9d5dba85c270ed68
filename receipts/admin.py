"""Receipts in the admin: their status and what they became, never the photo or the text read from it."""

from __future__ import annotations

from django.contrib import admin

from receipts.models import Receipt


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "status", "progress", "content_type", "size", "attached", "created_at")
    list_filter = ("status", "content_type", "attached")
    search_fields = ("user__email",)
    # The file, the OCR text, the fields and items read are the person's own papers: staff see none of them.
    fields = ("user", "status", "progress", "error", "content_type", "size", "attached", "transaction",
              "created_at", "processed_at", "confirmed_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
