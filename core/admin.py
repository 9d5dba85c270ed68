from django.contrib import admin
from django.http import HttpRequest

from core.models import JobRun, OutboxTask


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "user_id", "started_at", "duration_ms")
    list_filter = ("status", "name")
    search_fields = ("name", "error")
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in JobRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Background tasks recorded with their writes: the ones still waiting mean the queue (Redis) was down."""

    list_display = ("task", "created_at", "attempts", "sent_at", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "task")
    search_fields = ("task", "last_error")
    readonly_fields = [field.name for field in OutboxTask._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
