from django.contrib import admin

from alerts.models import Alert, ProtectionScan


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "level", "kind", "status", "date", "amount", "currency", "description"]
    list_filter = ["level", "status", "kind"]
    search_fields = ["user__email", "description"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "transaction", "notification"]
    readonly_fields = ["factors", "related_ids", "score", "kind", "created_at", "decided_at"]
    date_hierarchy = "created_at"


@admin.register(ProtectionScan)
class ProtectionScanAdmin(admin.ModelAdmin):
    list_display = ["user", "last_run_at", "last_scored", "last_flagged"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["last_run_at", "last_scored", "last_flagged"]
