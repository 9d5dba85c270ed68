"""The insights API's input and output shapes: query parameters checked (a bad one is a 400 that names it),
and the numbers of the analytics selectors and stored forecasts as JSON."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from rest_framework import serializers

from core.api import list_envelope
from insights import analytics
from insights.analytics import MAX_DATE, MAX_PERIOD_DAYS, MIN_DATE
from insights.models import Forecast

MAX_CALENDAR_DAYS = 400
MONEY = {"max_digits": 14, "decimal_places": 2}
# Sums over accounts and what they lead to (a milestone above the largest balance an account can hold) need more
# digits than one stored amount has.
TOTAL = {"max_digits": 20, "decimal_places": 2}
PERCENT = {"max_digits": 6, "decimal_places": 1}


# --- input ---------------------------------------------------------------------------------------------

class PeriodInput(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (YYYY-MM-DD); default: the 1st of this month.")
    end = serializers.DateField(required=False, help_text="Last day, inclusive (YYYY-MM-DD); default: today.")
    max_days = MAX_PERIOD_DAYS

    def validate_start(self, value: dt.date) -> dt.date:
        return _in_range(value)

    def validate_end(self, value: dt.date) -> dt.date:
        return _in_range(value)

    def validate(self, data: dict) -> dict:
        today = self.context["today"]
        start = data.get("start") or analytics.month_start(data.get("end") or today)
        end = data.get("end") or max(today, start)
        if start > end:
            raise serializers.ValidationError({"end": "The end date is before the start date."})
        if (end - start).days >= self.max_days:
            raise serializers.ValidationError({"end": f"Choose a period of at most {self.max_days} days."})
        return {**data, "start": start, "end": end}


def _in_range(value: dt.date) -> dt.date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise serializers.ValidationError(f"Enter a date between {MIN_DATE:%Y} and {MAX_DATE:%Y}.")
    return value


class CategoryInput(PeriodInput):
    level = serializers.ChoiceField(choices=["top", "sub"], default="top",
                                    help_text="top: sub-categories add into their parent; sub: each on its own.")


class MerchantInput(PeriodInput):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class CalendarInput(PeriodInput):
    max_days = MAX_CALENDAR_DAYS


class MonthInput(serializers.Serializer):
    month = serializers.CharField(required=False, help_text="YYYY-MM; default: this month.")

    def validate_month(self, value: str) -> dt.date:
        match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise serializers.ValidationError("Enter a month as YYYY-MM, e.g. 2026-10.")
        if not MIN_DATE.year <= int(match[1]) <= MAX_DATE.year:
            raise serializers.ValidationError(f"Enter a month between {MIN_DATE:%Y} and {MAX_DATE:%Y}.")
        return dt.date(int(match[1]), int(match[2]), 1)


class HistoryInput(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=120, default=12)


class GoalInput(serializers.Serializer):
    goal = serializers.DecimalField(required=False, min_value=Decimal("0.01"), **MONEY,
                                    help_text="A savings goal in the preferred currency; default: the next round number.")


# --- output --------------------------------------------------------------------------------------------

class CategorySpendingSerializer(serializers.Serializer):
    category_id = serializers.IntegerField(allow_null=True, help_text="null for uncategorized.")
    name = serializers.CharField()
    parent_name = serializers.CharField(allow_null=True)
    total = serializers.DecimalField(**MONEY)
    count = serializers.IntegerField()
    share = serializers.DecimalField(**PERCENT, help_text="Percent of all spending in the period.")


class MerchantSpendingSerializer(serializers.Serializer):
    merchant = serializers.CharField()
    total = serializers.DecimalField(**MONEY)
    count = serializers.IntegerField()
    share = serializers.DecimalField(**PERCENT)


class CategoryChangeSerializer(serializers.Serializer):
    category_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    this_month = serializers.DecimalField(**MONEY)
    last_month = serializers.DecimalField(**MONEY)
    average = serializers.DecimalField(**MONEY, help_text="Average of the three months before.")
    change = serializers.DecimalField(**MONEY)
    change_percent = serializers.DecimalField(**PERCENT, allow_null=True)
    change_vs_average = serializers.DecimalField(**MONEY)
    change_vs_average_percent = serializers.DecimalField(**PERCENT, allow_null=True)
    text = serializers.CharField()


class MonthOverMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    previous_month = serializers.DateField()
    currency = serializers.CharField()
    total_this_month = serializers.DecimalField(**MONEY)
    total_last_month = serializers.DecimalField(**MONEY)
    rows = CategoryChangeSerializer(many=True)
    movers_up = CategoryChangeSerializer(many=True)
    movers_down = CategoryChangeSerializer(many=True)
    through_day = serializers.IntegerField(allow_null=True, help_text="For a month still running: its days 1 to "
                                           "this one are compared with the same days of the months before; null "
                                           "when whole months are compared.")
    compared = serializers.CharField(help_text='What is compared, in words: "1–4 December against the same days '
                                               'of November".')


class WeekdaySpendingSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 is Monday.")
    name = serializers.CharField()
    total = serializers.DecimalField(**MONEY)
    count = serializers.IntegerField()
    days = serializers.IntegerField()
    average = serializers.DecimalField(**MONEY)


class DaySpendingSerializer(serializers.Serializer):
    date = serializers.DateField()
    total = serializers.DecimalField(**MONEY)
    level = serializers.IntegerField(help_text="0 (nothing) to 4 (the top quarter of spending days).")


class SavingsMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    income = serializers.DecimalField(**MONEY)
    spending = serializers.DecimalField(**MONEY)
    savings = serializers.DecimalField(**MONEY)
    savings_rate = serializers.DecimalField(**PERCENT, allow_null=True)
    target_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    on_target = serializers.BooleanField()
    is_partial = serializers.BooleanField()


class SavingsProjectionSerializer(serializers.Serializer):
    currency = serializers.CharField()
    months_considered = serializers.IntegerField()
    months_negative = serializers.IntegerField()
    average_monthly_savings = serializers.DecimalField(**TOTAL)
    savings_balance = serializers.DecimalField(**TOTAL)
    total_balance = serializers.DecimalField(**TOTAL)
    basis = serializers.CharField()
    milestone = serializers.DecimalField(**TOTAL, allow_null=True)
    milestone_date = serializers.DateField(allow_null=True)
    goal_reached = serializers.BooleanField()
    sentence = serializers.CharField()


def period_list(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """A period's list (for the schema): the envelope with the period's currency, start and end beside it."""
    return list_envelope(item, name, currency=serializers.CharField(help_text="Your preferred currency."),
                         start=serializers.DateField(), end=serializers.DateField())


class ForecastSerializer(serializers.ModelSerializer):
    account = serializers.IntegerField(source="account_id", allow_null=True,
                                       help_text="The account's id; null is the total of all accounts.")
    account_name = serializers.SerializerMethodField()

    class Meta:
        model = Forecast
        fields = ["kind", "account", "account_name", "method", "method_note", "currency", "start_date",
                  "horizon_days", "interval_width", "history_days", "created_at", "summary", "points"]

    def get_account_name(self, forecast: Forecast) -> str | None:
        return forecast.account.name if forecast.account_id else None
