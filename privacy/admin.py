from django.contrib import admin

from privacy.models import DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Staff see that an archive was asked for and how it went, never its content."""

    list_display = ("id", "owner", "status", "size_bytes", "created_at", "finished_at", "downloaded_at")
    list_filter = ("status",)
    fields = ("owner", "status", "size_bytes", "error", "created_at", "finished_at", "expires_at", "downloaded_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
