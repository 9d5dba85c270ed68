"""Bills API shapes. Validation mirrors payments.services so most mistakes come back as field messages before
the service runs; the service checks again and its messages map to the same fields."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from core.api import list_envelope
from payments.models import BillOccurrence, Frequency, RecurringPayment, SubscriptionSuggestion
from payments.selectors import frequency_text
from payments.suggestions import frequency_words
from transactions.api.serializers import CurrencyCodeField, OwnAccountField, VisibleCategoryField

MONEY = {"max_digits": 14, "decimal_places": 2}


class BillSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0"),
                                      help_text="Expected amount, positive; the lower bound when it varies.")
    amount_max = serializers.DecimalField(**MONEY, min_value=Decimal("0"), required=False, allow_null=True,
                                          help_text="Upper bound when the amount varies; null for a fixed amount.")
    currency = CurrencyCodeField()
    account = OwnAccountField(required=False, allow_null=True, help_text="Only payments from this account count.",
                              error_messages={"does_not_exist": "Account {pk_value} not found."})
    category = VisibleCategoryField(required=False, allow_null=True,
                                    error_messages={"does_not_exist": "Category {pk_value} not found."})
    interval = serializers.IntegerField(min_value=1, max_value=366, required=False,
                                        help_text="N for every N weeks or every N days; 1 otherwise.")
    day_of_month = serializers.IntegerField(min_value=1, max_value=31, required=False, allow_null=True,
                                            help_text="For monthly, quarterly and yearly bills; null uses the start "
                                                      "date's day. A short month uses its last day.")
    reminder_lead_days = serializers.IntegerField(min_value=0, max_value=60, required=False, allow_null=True,
                                                  help_text="Days before the due date to remind; null uses your "
                                                            "notification settings.")
    frequency_display = serializers.SerializerMethodField(help_text='The schedule in words, e.g. "Monthly on the 31st".')

    class Meta:
        model = RecurringPayment
        fields = ["id", "name", "payee", "amount", "amount_max", "currency", "account", "category", "frequency",
                  "frequency_display", "interval", "day_of_month", "start_date", "end_date", "next_due_date",
                  "reminder_lead_days", "is_active", "source", "notes", "created_at", "updated_at"]
        read_only_fields = ["id", "frequency_display", "next_due_date", "source", "created_at", "updated_at"]
        extra_kwargs = {
            "start_date": {"help_text": "The first due date; the schedule is counted from it."},
            "end_date": {"help_text": "The last possible due date; null for no end."},
            "next_due_date": {"help_text": "The earliest occurrence not yet paid, skipped or overdue; null once "
                                           "the schedule has ended."},
        }

    def get_frequency_display(self, payment: RecurringPayment) -> str:
        return frequency_text(payment)

    def validate(self, attrs: dict) -> dict:
        def value(name):
            if name in attrs:
                return attrs[name]
            return getattr(self.instance, name) if self.instance is not None else None

        errors = {}
        amount, amount_max = value("amount"), value("amount_max")
        if amount is not None and amount_max is not None and amount_max < amount:
            errors["amount_max"] = "The upper bound must be at least the expected amount."
        start, end = value("start_date"), value("end_date")
        if start and end and end < start:
            errors["end_date"] = "The end date must not be before the start date."
        if "payee" in attrs and not attrs["payee"].strip():
            errors["payee"] = "Enter who is paid, as it appears on your statement."
        if "name" in attrs and not attrs["name"].strip():
            errors["name"] = "Enter a name for the bill."
        if errors:
            raise serializers.ValidationError(errors)
        frequency = value("frequency") or Frequency.MONTHLY
        if "frequency" in attrs and frequency not in (Frequency.EVERY_N_WEEKS, Frequency.EVERY_N_DAYS) \
                and "interval" not in attrs:
            attrs["interval"] = 1
        return attrs


class OccurrenceSerializer(serializers.ModelSerializer):
    bill = serializers.IntegerField(source="recurring_payment_id", read_only=True)
    next_due_date = serializers.DateField(source="recurring_payment.next_due_date", read_only=True, allow_null=True,
                                          help_text="The bill's next due date after this change.")
    currency = serializers.CharField(read_only=True, help_text="ISO 4217 code.")

    class Meta:
        model = BillOccurrence
        fields = ["bill", "due_date", "status", "amount_due", "currency", "paid_on", "amount_paid", "transaction",
                  "next_due_date"]
        read_only_fields = fields


class OccurrencePaySerializer(serializers.Serializer):
    amount_paid = serializers.DecimalField(**MONEY, min_value=Decimal("0"), required=False, allow_null=True,
                                           help_text="What you paid; the expected amount when left out.")
    paid_on = serializers.DateField(required=False, allow_null=True, help_text="When you paid; today when left out.")


class UpcomingQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=366, default=30,
                                    error_messages={"invalid": "days must be a whole number from 1 to 366."})


class UpcomingBillSerializer(serializers.Serializer):
    bill = serializers.IntegerField(source="payment.pk")
    name = serializers.CharField(source="payment.name")
    payee = serializers.CharField(source="payment.payee")
    due_date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    amount_max = serializers.DecimalField(**MONEY, allow_null=True, help_text="Upper bound when the amount varies.")
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=["upcoming", "overdue", "paid"])
    days_left = serializers.IntegerField(help_text="Days from today; negative when the due date has passed.")


class PaydaySerializer(serializers.Serializer):
    date = serializers.DateField()
    source = serializers.ChoiceField(choices=["salary", "profile"],
                                     help_text="salary: detected in your history; profile: assumed on the 1st "
                                               "from the monthly income in your financial profile.")
    label = serializers.CharField()


class CurrencyTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    total = serializers.DecimalField(**MONEY)


class UpcomingPeriodSerializer(serializers.Serializer):
    """What the upcoming list says beside its bills: the window, the next payday and what is due before it."""

    days = serializers.IntegerField()
    from_ = serializers.DateField()
    until = serializers.DateField()
    next_payday = PaydaySerializer(allow_null=True)
    due_before_payday = CurrencyTotalSerializer(many=True, help_text="Still to pay before the next payday, per "
                                                                     "currency (a varying amount at its highest).")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # "from" is a Python keyword
        return fields


UPCOMING_LIST = list_envelope(UpcomingBillSerializer, "UpcomingBillList", **UpcomingPeriodSerializer().get_fields())


class SuggestionSerializer(serializers.ModelSerializer):
    frequency_text = serializers.SerializerMethodField(help_text='"monthly", "every 4 weeks", ...')
    price_rose = serializers.BooleanField(read_only=True, help_text="The latest charges are a step up from "
                                                                    "previous_amount.")

    class Meta:
        model = SubscriptionSuggestion
        fields = ["id", "merchant", "merchant_key", "frequency", "frequency_text", "interval_days", "amount",
                  "previous_amount", "price_rose", "currency", "account", "category", "first_date", "last_date",
                  "next_date", "charge_count", "confidence", "status", "recurring_payment", "created_at",
                  "updated_at", "decided_at"]
        read_only_fields = fields

    def get_frequency_text(self, suggestion: SubscriptionSuggestion) -> str:
        return frequency_words(suggestion.frequency, suggestion.interval_days)


class SuggestionConfirmSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                 help_text="The bill's name; the merchant when left out.")
    account = OwnAccountField(required=False, allow_null=True, help_text="One of your accounts; the one charged "
                                                                         "when left out.")
    category = VisibleCategoryField(required=False, allow_null=True, help_text="The category of the latest "
                                                                               "charge when left out.")


class SuggestionConfirmedSerializer(serializers.Serializer):
    recurring_payment = serializers.IntegerField(help_text="The id of the bill created.")
    name = serializers.CharField()
    next_due_date = serializers.DateField(allow_null=True)
    suggestion = SuggestionSerializer()


class SuggestionRefreshedSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text="Series detected in your history.")
    created = serializers.IntegerField(help_text="New suggestions.")
    updated = serializers.IntegerField(help_text="Pending suggestions brought up to date.")
    known = serializers.IntegerField(help_text="Series that are already one of your bills.")
    price_rises = serializers.IntegerField(help_text="Bills whose price went up (they now expect the new price).")
