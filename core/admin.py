from django.contrib import admin
from django.http import HttpRequest

from core.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "user_id", "started_at", "duration_ms")
    list_filter = ("status", "name")
    search_fields = ("name", "error")
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in JobRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
