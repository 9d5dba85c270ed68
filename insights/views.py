"""The insights pages: the dashboard (the home page once logged in), spending and savings analytics, and the
forecast with its Refresh action. Thin: the numbers come from insights.analytics, insights.dashboard and
insights.forecasts with the signed-in user; the forecast page shows stored forecasts and never fits a model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from core.sessions import background_request
from core.outbox import outbox_enqueue
from insights import analytics
from insights.analytics import MAX_DATE, MAX_PERIOD_DAYS, MIN_DATE
from insights.dashboard import dashboard_get
from insights.refresh import figures_are_stale
from insights.selectors import forecast_page
from insights.tasks import forecast_refresh_task


class HomeView(View):
    def get(self, request):
        if not request.user.is_authenticated:
            return render(request, "home.html")
        return render(request, "insights/dashboard.html", dashboard_get(user=request.user))


CALENDAR_MONTHS = 3  # a long period's heatmap shows its last three months
TOP_MERCHANTS = 10
LEVELS = (("top", "Categories"), ("sub", "Sub-categories"))
HISTORY_MONTHS = (("6", "6 months"), ("12", "12 months"), ("24", "24 months"))


def date_in_range(value: dt.date | None) -> dt.date | None:
    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise forms.ValidationError(f"Enter a date between {MIN_DATE:%Y} and {MAX_DATE:%Y}.")
    return value


class PeriodForm(forms.Form):
    period = forms.ChoiceField(choices=analytics.PERIODS, required=False)
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    level = forms.ChoiceField(label="Group by", choices=LEVELS, required=False)

    def clean_start(self):
        return date_in_range(self.cleaned_data.get("start"))

    def clean_end(self):
        return date_in_range(self.cleaned_data.get("end"))

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom" and not self.errors:
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError("A custom period needs a start and an end date.")
            if start > end:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", "Choose a period of at most ten years.")
        return data


class GoalForm(forms.Form):
    goal = forms.DecimalField(label="Savings goal", max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
                              required=False, widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": "e.g. 10000"}))
    months = forms.TypedChoiceField(label="History", choices=HISTORY_MONTHS, coerce=int, required=False,
                                    empty_value=12)


class SpendingView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        today = user.financial_profile.local_today()
        form = PeriodForm(request.GET or None)
        period, level = "this_month", "top"
        start, end = analytics.period_range(period=period, today=today)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            period, level = data["period"] or period, data["level"] or level
            if period == "custom":
                start, end = data["start"], data["end"]
            else:
                start, end = analytics.period_range(period=period, today=today)
        currency = user.financial_profile.preferred_currency
        categories = analytics.spending_by_category(user=user, start=start, end=end, level=level)
        merchants = analytics.spending_by_merchant(user=user, start=start, end=end, limit=TOP_MERCHANTS)
        weekdays = analytics.spending_by_weekday(user=user, start=start, end=end)
        calendar_start = max(start, analytics.month_add(analytics.month_start(end), -(CALENDAR_MONTHS - 1)))
        calendar = analytics.spending_calendar(user=user, start=calendar_start, end=end)
        movers = analytics.month_over_month(user=user, month=end)
        chart = {
            "currency": currency,
            "categories": {"labels": [row.name for row in categories], "values": [row.total for row in categories]},
            "weekdays": {"labels": [row.name for row in weekdays], "totals": [row.total for row in weekdays],
                         "averages": [row.average for row in weekdays]},
        }
        return render(request, "insights/spending.html", {
            "form": form, "period": period, "periods": analytics.PERIODS, "level": level, "start": start, "end": end,
            "currency": currency, "categories": categories, "total_spent": sum((row.total for row in categories),
                                                                                analytics.ZERO),
            "merchants": merchants, "weekdays": weekdays, "calendar": calendar,
            "calendar_weeks": analytics.calendar_weeks(calendar), "calendar_start": calendar_start,
            "calendar_is_partial": calendar_start > start, "movers": movers, "chart": chart,
            "has_spending": any(row.count for row in categories),
        })


class SavingsView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        form = GoalForm(request.GET or None)
        goal, months = None, 12
        if form.is_bound and form.is_valid():
            goal, months = form.cleaned_data["goal"], form.cleaned_data["months"] or 12
        currency = user.financial_profile.preferred_currency
        history = analytics.savings_history(user=user, months=months)
        projection = analytics.savings_projection(user=user, goal=goal)
        chart = {
            "currency": currency,
            "labels": [f"{row.month:%b %Y}" + (" (so far)" if row.is_partial else "") for row in history],
            "income": [row.income for row in history], "spending": [row.spending for row in history],
            "savings": [row.savings for row in history], "rate": [row.savings_rate for row in history],
            "target": [row.target_rate for row in history],
        }
        return render(request, "insights/savings.html", {
            "form": form, "currency": currency, "history": history, "projection": projection, "chart": chart,
            "months": months, "goal": goal,
            "has_history": any(row.income or row.spending for row in history),
            "target_rate": user.financial_profile.savings_rate_target,
        })


class ForecastView(LoginRequiredMixin, View):
    def get(self, request):
        return render(request, "insights/forecast.html", forecast_page(user=request.user))


class ForecastRefreshView(LoginRequiredMixin, View):
    def post(self, request):
        outbox_enqueue(forecast_refresh_task, request.user.pk)
        messages.success(request, "Recomputing; this takes a few seconds. Reload the page to see the new forecast.")
        return redirect("insights:forecast")


@background_request
class ForecastStatusView(LoginRequiredMixin, View):
    """Polled by the "updating" badge: the badge again while the forecast is older than the ledger, else a
    full reload of the page (htmx's HX-Refresh), which then shows the new figures."""

    def get(self, request):
        if figures_are_stale(user=request.user):
            return render(request, "insights/_updating.html")
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
