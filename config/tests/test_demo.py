"""`manage.py demo`, what bin/run calls: migrations applied, the demo ready, where to log in printed last."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from budgets.models import Budget
from insights.models import Forecast
from payments.models import RecurringPayment
from transactions.management.commands.seed_demo import DEMO_EMAIL

pytestmark = pytest.mark.django_db


def test_demo_prints_where_to_log_in_last_and_leaves_everything_to_look_at():
    out = io.StringIO()
    call_command("demo", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith(f"Demo user ready: email {DEMO_EMAIL}  password ")
    user = User.objects.get(email=DEMO_EMAIL)
    assert user.transactions.count() > 1000
    assert RecurringPayment.objects.filter(user=user).exists()
    assert Budget.objects.filter(user=user).exists() and Forecast.objects.filter(user=user).exists()
