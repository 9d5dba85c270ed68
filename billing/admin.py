"""The plans, edited by staff; subscriptions, payments and webhook events, read-only (Stripe's webhooks write them;
a staff change of someone's plan goes through billing.services.subscription_plan_set, which is audited)."""

from django import forms
from django.contrib import admin

from billing.models import FEATURES, Invoice, Plan, Subscription, WebhookEvent


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = "__all__"

    def clean_features(self):
        features = self.cleaned_data.get("features") or {}
        if not isinstance(features, dict):
            raise forms.ValidationError('Features are a JSON object, such as {"advisor_model": true, "groups": 5}.')
        unknown = sorted(set(features) - set(FEATURES))
        if unknown:
            raise forms.ValidationError(f"Unknown feature {', '.join(unknown)}; known: {', '.join(FEATURES)}.")
        for key, value in features.items():
            if key == "advisor_model" and not isinstance(value, bool):
                raise forms.ValidationError("advisor_model is true or false.")
            if key != "advisor_model" and value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                                                 or value < 0):
                raise forms.ValidationError(f"{key} is a whole number of at least 0, or null for no limit.")
        return features


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = ("name", "slug", "price", "currency", "interval", "trial_days", "active", "position")
    list_editable = ("active", "position")
    prepopulated_fields = {"slug": ("name",)}


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("user", "plan", "status", "cancel_at_period_end", "current_period_end", "past_due_since",
                    "created_at")
    list_filter = ("status", "plan", "cancel_at_period_end")
    search_fields = ("user__email", "stripe_subscription_id", "stripe_customer_id")
    list_select_related = ("user", "plan")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("stripe_invoice_id", "user", "amount", "currency", "status", "created_at", "paid_at")
    list_filter = ("status", "currency", "subscription__plan")
    search_fields = ("user__email", "stripe_invoice_id")
    date_hierarchy = "created_at"
    list_select_related = ("user",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("stripe_event_id", "type", "received_at", "processed_at", "error")
    list_filter = ("type",)
    search_fields = ("stripe_event_id",)
