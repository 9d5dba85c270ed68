from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction

from core.outbox import outbox_enqueue
from notifications.models import Delivery, DeliveryStatus, Notification, NotificationPreferences
from notifications.tasks import delivery_send_task


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", "Read"), ("no", "Unread")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "severity", "in_app", "created_at", "is_read"]
    list_filter = ["kind", "severity", ReadFilter, "in_app"]
    search_fields = ["title", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "dedupe_key"]
    inlines = [DeliveryInline]

    @admin.display(boolean=True, description="read", ordering="read_at")
    def is_read(self, notification: Notification) -> bool:
        return notification.is_read


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error",
                    "created_at"]
    list_filter = ["status", "channel"]
    search_fields = ["notification__title", "notification__user__email"]
    list_select_related = ["notification__user"]
    raw_id_fields = ["notification"]
    readonly_fields = ["claimed_at", "sent_at", "created_at"]
    actions = ["retry_now"]

    @admin.action(description="Retry now")
    def retry_now(self, request, queryset):
        """Failed and waiting sends go back to pending, due now, and are queued; sent ones are left alone."""
        retry = queryset.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING])
        ids = list(retry.values_list("pk", flat=True))
        with transaction.atomic():
            count = Delivery.objects.filter(pk__in=ids, status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING]) \
                .update(status=DeliveryStatus.PENDING, next_attempt_at=None, claimed_at=None)
            for delivery_id in ids:
                outbox_enqueue(delivery_send_task, delivery_id)
        skipped = queryset.count() - count
        self.message_user(request, f"{count} deliver{'y' if count == 1 else 'ies'} queued to send again."
                          + (f" {skipped} already sent or sending, left alone." if skipped else ""),
                          messages.SUCCESS if count else messages.WARNING)


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "reminder_lead_days", "weekly_digest", "updated_at"]
    list_filter = ["weekly_digest"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
