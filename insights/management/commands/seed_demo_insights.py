"""Budgets and a forecast for the demo user (run after seed_demo and seed_demo_bills)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from budgets.models import Budget
from budgets.services import suggestions_accept_all
from insights.forecasts import forecasts_refresh
from transactions.management.commands.seed_demo import DEMO_EMAIL, demo_user_get

# Budgets accepted from the suggestions of this many months, so the history page has something to compare.
BUDGET_MONTHS = 3


class Command(BaseCommand):
    help = "Give the demo user suggested budgets for the last months and compute its forecast."

    def add_arguments(self, parser):
        parser.add_argument("--email", default=DEMO_EMAIL)

    def handle(self, *args, email: str, **options):
        user = demo_user_get(email, command="seed_demo_insights")
        today = user.financial_profile.local_today()
        Budget.objects.filter(user=user).delete()
        month = today.replace(day=1)
        months = []
        for _ in range(BUDGET_MONTHS):
            months.insert(0, month)
            month = (month - dt.timedelta(days=1)).replace(day=1)
        budgets = sum(len(suggestions_accept_all(user=user, month=m)) for m in months)
        forecast = forecasts_refresh(user=user, today=today)
        self.stdout.write(self.style.SUCCESS(
            f"Demo insights ready: {budgets} budgets over {BUDGET_MONTHS} months, "
            f"{forecast['forecasts']} forecast series ({forecast['fit_ms']} ms)"))
