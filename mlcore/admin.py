from django.contrib import admin

from mlcore.models import AnomalyVerdict, FeedbackEvent, SpendingPattern


@admin.register(FeedbackEvent)
class FeedbackEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "description", "suggested_category", "chosen_category"]
    list_filter = ["kind"]
    search_fields = ["description", "merchant", "user__email"]
    list_select_related = ["user", "suggested_category", "chosen_category"]
    raw_id_fields = ["user", "transaction", "suggested_category", "chosen_category"]


@admin.register(SpendingPattern)
class SpendingPatternAdmin(admin.ModelAdmin):
    """Computed by a worker: shown for support, never edited by hand (the next refresh would replace it)."""

    list_display = ["user", "computed_at", "transactions_count", "format_version"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "format_version", "computed_at", "transactions_count", "data"]


@admin.register(AnomalyVerdict)
class AnomalyVerdictAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "verdict", "merchant_key", "amount", "currency", "date"]
    list_filter = ["verdict"]
    search_fields = ["merchant_key", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "transaction", "category"]
