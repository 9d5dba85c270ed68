"""The dashboard as a user sees it after logging in: this month's numbers, budgets, bills, the stored forecast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.services import budget_set
from insights.models import Forecast, ForecastKind, ForecastMethod
from payments import services as bills
from payments.models import Frequency
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db


def history(user, account, *, months: int, today: dt.date) -> None:
    groceries = category("food_drink.groceries")
    for back in range(months):
        first = (today.replace(day=1) - dt.timedelta(days=31 * back)).replace(day=1)
        TransactionFactory(owner=user, account=account, date=first, amount=Decimal("3000.00"), currency="EUR",
                           description="ACME SALARY")
        for day in (2, 9, 16):
            when = first.replace(day=min(day, today.day)) if back == 0 else first.replace(day=day)
            TransactionFactory(owner=user, account=account, date=when, amount=Decimal("-100.00"), currency="EUR",
                               description="REWE", category=groceries)


@pytest.fixture
def today(owner):
    return owner.financial_profile.local_today()


def test_a_new_user_is_shown_how_to_start(client, owner):
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert "Get started" in page and "Import a bank export" in page
    assert "forecast-chart" not in page and "vendor/chart.umd.min.js" not in page


def test_cards_budgets_bills_and_the_stored_forecast(client, owner, account, today):
    history(owner, account, months=3, today=today)
    budget_set(user=owner, category=None, month=today.replace(day=1), amount=Decimal("1000.00"))
    budget_set(user=owner, category=category("food_drink"), month=today.replace(day=1), amount=Decimal("250.00"))
    bills.recurring_payment_create(user=owner, name="Rent", payee="Landlord", amount=Decimal("950"),
                                   currency="EUR", frequency=Frequency.MONTHLY,
                                   start_date=today + dt.timedelta(days=3), today=today)
    end = {"date": today.isoformat(), "yhat": "2150.00", "lower": "1900.00", "upper": "2400.00"}
    Forecast.objects.create(
        user=owner, kind=ForecastKind.BALANCE, method=ForecastMethod.PROPHET, currency="EUR", start_date=today,
        horizon_days=35, points=[{"date": today.isoformat(), **{k: end[k] for k in ("yhat", "lower", "upper")}}],
        summary={"this_month_end": end, "next_month_end": end, "history": [],
                 "lowest_before_income": {"date": today.isoformat(), "amount": "-42.00", "lower": "-300.00"}})
    client.force_login(owner)
    page = client.get("/").content.decode()

    spent = 100 * len({min(d, today.day) for d in (2, 9, 16)})
    assert f"EUR {spent:,}.00" in page
    assert "EUR 3,000.00" in page                                     # income this month
    assert "EUR 2,150.00" in page and "80% range EUR 1,900.00 to 2,400.00" in page
    assert "EUR -42.00" in page                                       # lowest before the next income
    assert "Food &amp; Drink" in page and "EUR 250.00" in page          # the category budget
    assert "Rent" in page and "EUR 950.00" in page                     # the bill due in three days
    assert 'id="forecast-data"' in page and 'id="savings-data"' in page


def test_constant_queries_whatever_the_history(client, owner, account, today, django_assert_max_num_queries):
    client.force_login(owner)
    history(owner, account, months=2, today=today)
    bills.recurring_payment_create(user=owner, name="Phone", payee="Telekom", amount=Decimal("40"),
                                   currency="EUR", start_date=today + dt.timedelta(days=1), today=today)
    budget_set(user=owner, category=None, month=today.replace(day=1), amount=Decimal("1000.00"))
    with django_assert_max_num_queries(30) as small:
        client.get("/")
    history(owner, account, months=24, today=today - dt.timedelta(days=70))
    for key in ("food_drink", "shopping", "transportation"):
        budget_set(user=owner, category=category(key), month=today.replace(day=1), amount=Decimal("100.00"))
    for n in range(5):
        bills.recurring_payment_create(user=owner, name=f"Bill {n}", payee=f"Payee {n}", amount=Decimal("10"),
                                       currency="EUR", start_date=today + dt.timedelta(days=n + 1), today=today)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/")


def test_only_my_data(client, owner, other_user, account, other_account, today):
    history(owner, account, months=1, today=today)
    history(other_user, other_account, months=1, today=today)
    TransactionFactory(owner=other_user, account=other_account, date=today, amount=Decimal("-777.00"),
                       currency="EUR", description="SECRET SHOP")
    bills.recurring_payment_create(user=other_user, name="Their yacht", payee="Marina", amount=Decimal("5000"),
                                   currency="EUR", start_date=today + dt.timedelta(days=2), today=today)
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert "Their yacht" not in page and "777" not in page and "SECRET" not in page


def test_the_page_never_fits_a_forecast(client, owner, account, today, monkeypatch):
    from mlcore import forecasting

    history(owner, account, months=3, today=today)

    def refuse(*args, **kwargs):
        raise AssertionError("a request fitted a model")

    for name in dir(forecasting):
        if name.startswith(("fit", "forecast")) and callable(getattr(forecasting, name)):
            monkeypatch.setattr(forecasting, name, refuse)
    client.force_login(owner)
    assert client.get("/").status_code == 200
    assert not Forecast.objects.exists()
    assert timezone.now()
