from django.contrib import admin

from payments.models import BillOccurrence, RecurringPayment, SubscriptionSuggestion


class BillOccurrenceInline(admin.TabularInline):
    model = BillOccurrence
    extra = 0
    fields = ["due_date", "status", "amount_due", "currency", "paid_on", "amount_paid", "transaction"]
    raw_id_fields = ["transaction"]
    ordering = ["-due_date"]
    show_change_link = True


@admin.register(RecurringPayment)
class RecurringPaymentAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "amount", "amount_max", "currency", "frequency", "next_due_date", "is_active",
                    "source"]
    list_filter = ["is_active", "frequency", "source", "currency"]
    search_fields = ["name", "payee", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "account", "category"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "next_due_date"
    inlines = [BillOccurrenceInline]


@admin.register(BillOccurrence)
class BillOccurrenceAdmin(admin.ModelAdmin):
    list_display = ["recurring_payment", "user", "due_date", "status", "amount_due", "currency", "paid_on",
                    "amount_paid"]
    list_filter = ["status", ("due_date", admin.DateFieldListFilter)]
    search_fields = ["recurring_payment__name", "recurring_payment__payee", "user__email"]
    list_select_related = ["recurring_payment", "user"]
    raw_id_fields = ["recurring_payment", "user", "transaction"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "due_date"


@admin.register(SubscriptionSuggestion)
class SubscriptionSuggestionAdmin(admin.ModelAdmin):
    list_display = ["merchant", "user", "frequency", "amount", "previous_amount", "currency", "next_date",
                    "confidence", "status"]
    list_filter = ["status", "frequency", "currency"]
    search_fields = ["merchant", "merchant_key", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "account", "category", "recurring_payment"]
    readonly_fields = ["created_at", "updated_at", "decided_at"]
