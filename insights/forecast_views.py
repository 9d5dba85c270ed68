"""The forecast page and its Refresh action. The page shows stored forecasts only; it never fits a model."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect, render
from django.views import View

from insights.forecasts import forecast_page


class ForecastView(LoginRequiredMixin, View):
    def get(self, request):
        return render(request, "insights/forecast.html", forecast_page(user=request.user))


class ForecastRefreshView(LoginRequiredMixin, View):
    def post(self, request):
        from insights.tasks import forecast_refresh_task

        user_id = request.user.pk
        transaction.on_commit(lambda: forecast_refresh_task(user_id))
        messages.success(request, "Recomputing; this takes a few seconds. Reload the page to see the new forecast.")
        return redirect("insights:forecast")
