"""The demo has budgets over three months and a stored forecast to look at."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from budgets.models import Budget
from insights.models import Forecast
from transactions.management.commands.seed_demo import DEMO_EMAIL

pytestmark = pytest.mark.django_db


def test_demo_budgets_and_forecast():
    call_command("seed_demo", months=24, stdout=io.StringIO())
    call_command("seed_demo_bills", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo_insights", stdout=out)
    user = User.objects.get(email=DEMO_EMAIL)
    months = set(Budget.objects.filter(user=user).values_list("month", flat=True))
    assert len(months) == 3 and Budget.objects.filter(user=user, category=None).count() == 3
    total = Forecast.objects.get(user=user, kind="balance", account=None)
    assert total.summary["this_month_end"]["yhat"] and total.points
    assert "Demo insights ready" in out.getvalue()
