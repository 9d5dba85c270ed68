from django.contrib import admin

from mlcore.models import FeedbackEvent


@admin.register(FeedbackEvent)
class FeedbackEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "description", "suggested_category", "chosen_category"]
    list_filter = ["kind"]
    search_fields = ["description", "merchant", "user__email"]
    list_select_related = ["user", "suggested_category", "chosen_category"]
    raw_id_fields = ["user", "transaction", "suggested_category", "chosen_category"]
