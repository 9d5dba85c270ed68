"""The review queue's JSON: a waiting transaction with its suggestion, and the answers to accept and correct."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mlcore.feedback import suggestion_of
from transactions.api.serializers import MONEY, VisibleCategoryField
from transactions.filters import MAX_ID
from transactions.models import Transaction


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    full_name = serializers.CharField(source="__str__", help_text='"Parent > Child" or "Top".')


class AccountRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReviewItemSerializer(serializers.ModelSerializer):
    account = AccountRefSerializer()
    amount = serializers.DecimalField(**MONEY, help_text="Signed: negative is money out.")
    amount_converted = serializers.DecimalField(**MONEY, allow_null=True,
                                                help_text="In your preferred currency, when converted.")
    suggestion = serializers.SerializerMethodField(help_text="What accept would file it under; null if nothing.")
    confidence = serializers.DecimalField(source="category_confidence", max_digits=4, decimal_places=3,
                                          allow_null=True, help_text="0 to 1, of the suggestion.")
    explanation = serializers.CharField(source="category_explanation", help_text="Why it was suggested.")

    class Meta:
        model = Transaction
        fields = ["id", "date", "description", "merchant", "account", "amount", "currency", "amount_converted",
                  "converted_currency", "suggestion", "confidence", "explanation"]

    @extend_schema_field(CategoryRefSerializer(allow_null=True))
    def get_suggestion(self, txn: Transaction) -> dict | None:
        suggestion = suggestion_of(txn)
        return CategoryRefSerializer(suggestion).data if suggestion is not None else None


class ReviewDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = CategoryRefSerializer()
    category_source = serializers.CharField(help_text='"user": locked as your own choice.')
    needs_review = serializers.BooleanField()
    remaining = serializers.IntegerField(help_text="Transactions still waiting for review.")


class ReviewCorrectSerializer(serializers.Serializer):
    category = VisibleCategoryField(help_text="A standard category or one of your own.")


class ReviewBulkAcceptSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False,
                                max_length=10_000,
                                help_text="Transaction ids; ids that are not yours or not waiting are ignored.")


class ReviewBulkAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Suggestions accepted.")
    skipped = serializers.IntegerField(help_text="Your waiting transactions left alone: they have no suggestion.")
    remaining = serializers.IntegerField(help_text="Transactions still waiting for review.")


# --- your patterns --------------------------------------------------------------------------------------------
# Money is in `currency` (the preferred currency the patterns were learned in), spending as positive amounts.
PATTERN_MONEY = {"max_digits": 20, "decimal_places": 2}


class PatternsHistorySerializer(serializers.Serializer):
    start = serializers.DateField(source="history_start", help_text="The first day of the history learned from.")
    end = serializers.DateField(source="history_end")
    months = serializers.FloatField(help_text="Its length in months.")
    transactions = serializers.IntegerField()


class PatternsOverviewSerializer(serializers.Serializer):
    monthly_mean = serializers.DecimalField(source="patterns.monthly_spending_mean", **PATTERN_MONEY,
                                            help_text="What you spend in a usual month.")
    monthly_spread = serializers.DecimalField(source="patterns.monthly_spending_spread", **PATTERN_MONEY,
                                              help_text="How much a month's spending usually differs from it.")
    usual_low = serializers.DecimalField(**PATTERN_MONEY, help_text="Most months' spending lies in this range.")
    usual_high = serializers.DecimalField(**PATTERN_MONEY)
    summary = serializers.CharField(source="overview", help_text="The same in words, as the page says it.")


class MonthTotalSerializer(serializers.Serializer):
    month = serializers.CharField(help_text='"2026-02"')
    total = serializers.DecimalField(**PATTERN_MONEY)


class CategoryPatternSerializer(serializers.Serializer):
    category_id = serializers.IntegerField(source="pattern.category_id")
    name = serializers.CharField(source="pattern.name", help_text='"Parent > Child" as you see it.')
    kind = serializers.CharField(source="pattern.kind", help_text='"expense" or "income".')
    monthly_mean = serializers.DecimalField(source="pattern.monthly_mean", **PATTERN_MONEY,
                                            help_text="A usual month, months without any counting as 0.")
    monthly_spread = serializers.DecimalField(source="pattern.monthly_spread", **PATTERN_MONEY)
    usual_low = serializers.DecimalField(source="pattern.usual_low", **PATTERN_MONEY,
                                         help_text="The usual range of a month's total.")
    usual_high = serializers.DecimalField(source="pattern.usual_high", **PATTERN_MONEY)
    share = serializers.FloatField(source="pattern.share", help_text="Of all spending (or all income), 0 to 1.")
    months_used = serializers.IntegerField(source="pattern.months_used")
    charges_per_month = serializers.FloatField(source="pattern.charges_per_month")
    amount_median = serializers.DecimalField(source="pattern.amount_median", **PATTERN_MONEY,
                                             help_text="A typical single charge.")
    amount_mad = serializers.DecimalField(source="pattern.amount_mad", **PATTERN_MONEY,
                                          help_text="How much a single charge usually differs from it.")
    monthly = MonthTotalSerializer(source="pattern.monthly", many=True, help_text="The last 12 months, oldest first.")
    summary = serializers.CharField()


class MerchantPatternSerializer(serializers.Serializer):
    key = serializers.CharField(source="pattern.key")
    name = serializers.CharField(source="pattern.name")
    category_id = serializers.IntegerField(source="pattern.category_id", allow_null=True,
                                           help_text="The category most of its charges are filed under.")
    category_name = serializers.CharField(help_text='"" when it has none.')
    charges = serializers.IntegerField(source="pattern.charges")
    amount_median = serializers.DecimalField(source="pattern.amount_median", **PATTERN_MONEY,
                                             help_text="A typical charge.")
    amount_mad = serializers.DecimalField(source="pattern.amount_mad", **PATTERN_MONEY,
                                          help_text="How much a charge usually differs from it (give or take).")
    per_30_days = serializers.FloatField(source="pattern.per_30_days", help_text="Charges per 30 days.")
    weekdays = serializers.ListField(source="pattern.weekdays", child=serializers.IntegerField(),
                                     help_text="Charges per weekday, Monday first (7 counts).")
    usual_weekdays = serializers.ListField(child=serializers.CharField(),
                                           help_text='The weekdays it usually charges on ("Saturday"); may be empty.')
    days_of_month = serializers.ListField(source="pattern.days_of_month", child=serializers.IntegerField(),
                                          help_text="The days of the month it usually charges on; may be empty.")
    interval_days = serializers.FloatField(source="pattern.interval_days", allow_null=True,
                                           help_text="Usual days between charges; null with a single charge.")
    recurring = serializers.BooleanField(source="pattern.recurring",
                                         help_text="A regular cycle: a subscription, a bill, an instalment.")
    first_date = serializers.DateField(source="pattern.first_date")
    last_date = serializers.DateField(source="pattern.last_date")
    summary = serializers.CharField()


class IncomePatternSerializer(serializers.Serializer):
    monthly_mean = serializers.DecimalField(source="pattern.monthly_mean", **PATTERN_MONEY)
    monthly_spread = serializers.DecimalField(source="pattern.monthly_spread", **PATTERN_MONEY)
    variation = serializers.FloatField(source="pattern.variation",
                                       help_text="How much a month's income varies, relative to the usual (0.02: 2%).")
    regularity = serializers.FloatField(source="pattern.regularity",
                                        help_text="0 to 1: 1 when it arrives every month on the same days.")
    usual_day = serializers.IntegerField(source="pattern.usual_day", allow_null=True,
                                         help_text="The day of the month it usually arrives.")
    main_source = serializers.CharField(source="pattern.main_source", help_text="Who pays the main income.")
    steadiness = serializers.ChoiceField(choices=["Steady", "Fairly steady", "Irregular"])
    summary = serializers.CharField(source="sentence")


class SeasonalitySerializer(serializers.Serializer):
    indices = serializers.ListField(child=serializers.FloatField(),
                                    help_text="12 numbers, January first: 1.0 is an average month, 1.24 is 24% more.")
    summary = serializers.CharField()


class CurrencyChargesSerializer(serializers.Serializer):
    currency = serializers.CharField()
    charges = serializers.IntegerField()


class PatternsSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(help_text="When Finsight last learned them (nightly, and after imports).")
    currency = serializers.CharField(source="patterns.currency", help_text="Of every amount here.")
    history = PatternsHistorySerializer(source="patterns")
    overview = PatternsOverviewSerializer(source="*")
    income = IncomePatternSerializer(allow_null=True, help_text="null when no regular income was found.")
    categories = CategoryPatternSerializer(many=True, help_text="Spending categories, then income ones; biggest "
                                                               "usual month first.")
    merchants = MerchantPatternSerializer(many=True, help_text="Every merchant seen, most charges first.")
    seasonality = serializers.SerializerMethodField(help_text="Month-of-year pattern; null with under two years "
                                                              "of history.")
    currencies = CurrencyChargesSerializer(many=True, help_text="Charges per original currency, most first.")

    @extend_schema_field(SeasonalitySerializer(allow_null=True))
    def get_seasonality(self, shown) -> dict | None:
        if not shown.seasonality:
            return None
        return SeasonalitySerializer({"indices": list(shown.patterns.seasonality),
                                      "summary": shown.seasonality_text}).data
