"""Budget API shapes: input (what you may set) and output (the budget with its progress) differ."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budgets.forms import month_parse
from transactions.api.serializers import VisibleCategoryField


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-11"})
class MonthField(serializers.Field):
    default_error_messages = {"invalid_month": "Enter a month as YYYY-MM, e.g. 2026-11."}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "A month as YYYY-MM.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        month = month_parse(data) if isinstance(data, str) else None
        if month is None:
            self.fail("invalid_month")
        return month

    def to_representation(self, value) -> str:
        return f"{value:%Y-%m}"


class BudgetInputSerializer(serializers.Serializer):
    category = VisibleCategoryField(allow_null=True, required=False, default=None,
                                    help_text="An expense category id, or null for the overall budget.")
    month = MonthField(required=False, help_text="YYYY-MM; this month (your time zone) when left out.")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    rollover = serializers.BooleanField(required=False, default=False)


class BudgetUpdateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    rollover = serializers.BooleanField()


class BudgetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="budget.pk")
    category = serializers.IntegerField(source="budget.category_id", allow_null=True)
    category_name = serializers.CharField(source="name", help_text='The category, or "Overall".')
    month = MonthField(source="budget.month")
    amount = serializers.DecimalField(source="budget.amount", max_digits=14, decimal_places=2)
    currency = serializers.CharField(source="budget.currency")
    rollover = serializers.BooleanField(source="budget.rollover")
    rolled_over = serializers.DecimalField(source="budget.rolled_over", max_digits=14, decimal_places=2)
    source = serializers.CharField(source="budget.source")
    explanation = serializers.CharField(source="budget.explanation")
    available = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Amount plus roll-over.")
    spent = serializers.DecimalField(max_digits=14, decimal_places=2,
                                     help_text="Money out minus refunds this month, in the budget's currency.")
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)
    percent = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["ok", "warning", "over"])
    month_elapsed = serializers.IntegerField(help_text="Percent of the month that has passed.")
    pace = serializers.ChoiceField(choices=["on track", "ahead of pace"])
    pace_text = serializers.CharField(help_text='What the pages say: "On track", or "Ahead of pace: 62% spent, '
                                                '45% of the month gone".')


class BudgetSuggestionSerializer(serializers.Serializer):
    category = serializers.SerializerMethodField(help_text="Category id, or null for the overall budget.")
    category_name = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    method = serializers.ChoiceField(choices=["model", "heuristic"])
    explanation = serializers.CharField()
    current_amount = serializers.SerializerMethodField(help_text="This month's budget for it, if any.")

    def get_category(self, suggestion) -> int | None:
        return suggestion.category.pk if suggestion.category is not None else None

    def get_category_name(self, suggestion) -> str:
        return suggestion.category.name if suggestion.category is not None else "Overall"

    def get_current_amount(self, suggestion) -> str | None:
        current = self.context.get("current", {}).get(self.get_category(suggestion))
        return str(current) if current is not None else None


class BudgetSuggestionAcceptSerializer(serializers.Serializer):
    month = MonthField()
    category = VisibleCategoryField(allow_null=True, help_text="Category id, or null for the overall budget.")


class BudgetSuggestionAcceptAllSerializer(serializers.Serializer):
    month = MonthField()


class BudgetHistoryEntrySerializer(serializers.Serializer):
    category = serializers.IntegerField(source="category_id", allow_null=True)
    category_name = serializers.CharField(source="name")
    available = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()


class BudgetHistoryMonthSerializer(serializers.Serializer):
    month = MonthField()
    budgets = BudgetHistoryEntrySerializer(many=True)
