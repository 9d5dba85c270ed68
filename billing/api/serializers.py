from __future__ import annotations

from rest_framework import serializers

from billing.models import Invoice, InvoiceStatus, Plan, Subscription, SubscriptionStatus


class BillingPlanSerializer(serializers.ModelSerializer):
    features = serializers.DictField(help_text='What the plan unlocks: advisor_model (bool), receipts_per_month and '
                                               'groups (a number; null: no limit). What it leaves out is the free '
                                               "plan's.")

    class Meta:
        model = Plan
        fields = ["slug", "name", "description", "price", "currency", "interval", "trial_days", "features"]
        read_only_fields = fields


class SubscriptionSerializer(serializers.ModelSerializer):
    plan = BillingPlanSerializer(read_only=True)
    status = serializers.ChoiceField(
        choices=SubscriptionStatus.values,
        help_text="trialing: in the free trial; active: paid; past_due: a payment failed, the plan stays until "
                  "`grace_until`; cancelled: ended.")
    grace_until = serializers.DateTimeField(allow_null=True, read_only=True,
                                            help_text="While past_due: when you move to the free plan if still due.")

    class Meta:
        model = Subscription
        fields = ["id", "plan", "status", "cancel_at_period_end", "current_period_start", "current_period_end",
                  "trial_end", "past_due_since", "grace_until", "created_at"]
        read_only_fields = fields


class MySubscriptionSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text='Your plan\'s slug, or "free".')
    features = serializers.DictField(help_text="What you may use now: advisor_model, receipts_per_month, groups.")
    subscription = SubscriptionSerializer(allow_null=True, help_text="Your paid or given plan; null on the free plan.")


class CheckoutInput(serializers.Serializer):
    plan = serializers.SlugField(help_text="The slug of the plan to pay for (GET /api/v1/billing/plans/).")


class CheckoutSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Stripe's payment page: send the person there. The plan starts when Stripe "
                                         "confirms the payment (poll GET /api/v1/me/subscription/).")


class InvoiceSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=InvoiceStatus.values,
                                     help_text="paid; failed: the charge did not go through; open: not paid yet.")
    plan = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = ["id", "amount", "currency", "status", "created_at", "paid_at", "hosted_invoice_url", "plan"]
        read_only_fields = fields

    def get_plan(self, invoice: Invoice) -> str | None:
        return invoice.subscription.plan.slug if invoice.subscription else None
