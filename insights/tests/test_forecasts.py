"""Stored forecasts: the fallback on short history, bills and salary on their dates, the lowest balance before
the next income, the low-balance alert once, and the rows kept in step with accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from insights.forecasts import forecasts_refresh
from insights.models import Forecast
from insights.services import user_insights_refresh
from notifications.models import Notification, NotificationKind
from payments import services as payments
from transactions.tests.factories import AccountFactory, TransactionFactory

TODAY = dt.date(2026, 10, 10)


def _daily_spending(account, *, start: dt.date, amount: str = "-10.00", until: dt.date = TODAY) -> None:
    day = start
    while day <= until:
        TransactionFactory(account=account, date=day, amount=Decimal(amount), description=f"CARD SHOP {day}")
        day += dt.timedelta(days=1)


def _points(forecast: Forecast) -> dict[str, Decimal]:
    return {p["date"]: Decimal(p["yhat"]) for p in forecast.points}


@pytest.fixture
def short_history(owner):
    """Opened with 2,000 on 31 Aug, 10 spent every day since: 1,600 left on 10 Oct, 40 days of history."""
    account = AccountFactory(owner=owner, name="Main checking", opening_balance=Decimal("2000.00"),
                             opening_date=dt.date(2026, 8, 31))
    _daily_spending(account, start=dt.date(2026, 9, 1))
    return account


def test_short_history_falls_back_to_the_heuristic_and_stores_every_series(owner, short_history):
    result = forecasts_refresh(user=owner, today=TODAY)

    assert result["forecasts"] == 4  # spending, income, the account's balance and the total
    rows = {(f.kind, f.account_id): f for f in Forecast.objects.filter(user=owner)}
    assert set(rows) == {("daily_spending", None), ("daily_income", None), ("balance", short_history.pk),
                         ("balance", None)}
    total = rows[("balance", None)]
    assert total.method == "heuristic"
    assert total.method_note == ("Only 40 days of history: the average of your recent weeks until there are 6 whole "
                                 "months to compare methods on")
    assert total.start_date == dt.date(2026, 10, 11) and total.horizon_days == 51  # to 30 Nov
    assert total.interval_width == Decimal("0.80") and total.currency == "EUR"
    assert total.summary["current_balance"] == "1600.00"
    assert total.summary["this_month_end"] == {"date": "2026-10-31", "yhat": "1390.00", "lower": "1390.00",
                                               "upper": "1390.00"}
    assert _points(rows[("daily_spending", None)])["2026-10-20"] == Decimal("10.00")
    assert total.summary["spending_rest_of_month"]["yhat"] == "210.00"
    assert len(total.summary["history"]) == 60 and total.summary["history"][-1] == {"date": "2026-10-10",
                                                                                     "balance": "1600.00"}


def test_the_balance_history_goes_back_before_a_balance_given_as_of_today(owner):
    """A new user gives today's balance and imports history: the chart's past comes down to today's, not flat."""
    account = AccountFactory(owner=owner, name="Main checking", opening_balance=Decimal("1600.00"),
                             opening_date=TODAY + dt.timedelta(days=1))  # 1,600 at the end of today
    _daily_spending(account, start=dt.date(2026, 8, 1))

    forecasts_refresh(user=owner, today=TODAY)

    history = {p["date"]: p["balance"] for p in Forecast.objects.get(user=owner, kind="balance",
                                                                      account=None).summary["history"]}
    assert history["2026-10-10"] == "1600.00"
    assert history["2026-10-09"] == "1610.00" and history["2026-09-01"] == "1990.00"


def test_a_rent_of_1150_on_the_first_makes_the_balance_drop_that_day(owner, short_history):
    payments.recurring_payment_create(user=owner, name="Rent", payee="Hausverwaltung Krause", amount=Decimal("1150"),
                                      currency="EUR", day_of_month=1, start_date=dt.date(2026, 11, 1),
                                      account=short_history, today=TODAY)
    forecasts_refresh(user=owner, today=TODAY)

    total = Forecast.objects.get(user=owner, kind="balance", account=None)
    points = _points(total)
    assert points["2026-10-31"] == Decimal("1390.00")
    assert points["2026-11-01"] == Decimal("230.00")  # 1,150 rent and the day's 10
    spending = _points(Forecast.objects.get(user=owner, kind="daily_spending"))
    assert spending["2026-11-01"] == Decimal("1160.00")
    assert {"date": "2026-11-01", "label": "Rent", "amount": "-1150.00", "kind": "bill"} in total.summary["scheduled"]
    account = Forecast.objects.get(user=owner, kind="balance", account=short_history)
    assert account.summary["next_month_end"]["yhat"] == "-60.00"  # 1,390 - 1,150 - 30 x 10


def test_a_paid_rent_leaves_the_everyday_spending(owner, short_history):
    """The rent paid on 1 Oct is a bill, not everyday spending: it is not spread over the forecast days."""
    TransactionFactory(account=short_history, date=dt.date(2026, 10, 1), amount=Decimal("-1150.00"),
                       description="MIETE HAUSVERWALTUNG KRAUSE OKT")
    payments.recurring_payment_create(user=owner, name="Rent", payee="Hausverwaltung Krause", amount=Decimal("1150"),
                                      currency="EUR", day_of_month=1, start_date=dt.date(2026, 10, 1),
                                      account=short_history, today=TODAY)
    forecasts_refresh(user=owner, today=TODAY)

    spending = _points(Forecast.objects.get(user=owner, kind="daily_spending"))
    assert spending["2026-10-15"] == Decimal("10.00")


def test_salary_arrives_on_its_payday_and_the_lowest_balance_is_the_day_before(owner):
    account = AccountFactory(owner=owner, name="Main checking", opening_balance=Decimal("500.00"),
                             opening_date=dt.date(2026, 3, 1))
    _daily_spending(account, start=dt.date(2026, 3, 1), amount="-30.00")
    for day in (dt.date(2026, m, 28) for m in range(3, 10)):
        TransactionFactory(account=account, date=day, amount=Decimal("3000.00"), description="ACME GMBH SALARY",
                           merchant="Acme GmbH")

    forecasts_refresh(user=owner, today=TODAY)

    total = Forecast.objects.get(user=owner, kind="balance", account=None)
    assert total.method == "backtest"
    assert total.method_note.startswith("The monthly total from ")
    assert total.summary["model"]["judged_months"] == 4  # 7 whole months, 3 to learn from before the first
    lowest = total.summary["lowest_before_income"]
    assert lowest["next_income_date"] == "2026-10-28" and lowest["next_income_source"] == "salary"
    assert lowest["date"] == "2026-10-27"
    assert Decimal(lowest["lower"]) <= Decimal(lowest["amount"])
    points = _points(total)
    assert points["2026-10-28"] - points["2026-10-27"] > Decimal("2900")  # the salary, less a day's spending
    assert {"date": "2026-10-28", "label": "Acme GmbH", "amount": "3000.00", "kind": "salary"} in \
        total.summary["scheduled"]
    income = _points(Forecast.objects.get(user=owner, kind="daily_income"))
    assert income["2026-10-20"] < Decimal("50")  # the salary is not smeared over everyday income
    for point in total.points:
        assert Decimal(point["lower"]) <= Decimal(point["yhat"]) <= Decimal(point["upper"])


def test_a_balance_projected_below_zero_before_the_next_income_is_notified_once(owner):
    account = AccountFactory(owner=owner, name="Main checking", opening_balance=Decimal("300.00"),
                             opening_date=dt.date(2026, 8, 31))
    _daily_spending(account, start=dt.date(2026, 9, 1))  # -100 today

    first = forecasts_refresh(user=owner, today=TODAY)
    again = forecasts_refresh(user=owner, today=TODAY)

    assert (first["low_balance_alerts"], again["low_balance_alerts"]) == (1, 0)
    notification = Notification.objects.get(user=owner, kind=NotificationKind.LOW_BALANCE)
    assert notification.dedupe_key == "low_balance:2026-10-31"
    assert notification.link == "/insights/forecast/"
    assert notification.context == {"account": "", "lowest_amount": "-300.00", "lowest_date": "2026-10-30",
                                    "lower_amount": "-300.00", "next_income_date": "2026-10-31", "currency": "EUR"}


def test_no_alert_while_the_balance_stays_positive(owner, short_history):
    assert forecasts_refresh(user=owner, today=TODAY)["low_balance_alerts"] == 0
    assert not Notification.objects.filter(user=owner, kind=NotificationKind.LOW_BALANCE).exists()


def test_a_deleted_account_loses_its_forecast_and_no_transactions_means_no_forecast(owner, short_history):
    spare = AccountFactory(owner=owner, name="Spare", opening_balance=Decimal("50.00"), opening_date=TODAY)
    forecasts_refresh(user=owner, today=TODAY)
    assert Forecast.objects.filter(user=owner, account=spare).exists()

    spare.delete()
    forecasts_refresh(user=owner, today=TODAY)
    assert set(Forecast.objects.filter(user=owner, kind="balance").values_list("account_id", flat=True)) == {
        short_history.pk, None}

    short_history.delete()
    assert forecasts_refresh(user=owner, today=TODAY)["forecasts"] == 0
    assert not Forecast.objects.filter(user=owner).exists()


def test_accounts_in_another_currency_are_left_out_of_the_total(owner, short_history):
    AccountFactory(owner=owner, name="Dollar account", currency="USD", opening_balance=Decimal("900.00"))
    forecasts_refresh(user=owner, today=TODAY)
    total = Forecast.objects.get(user=owner, kind="balance", account=None)
    assert total.summary["current_balance"] == "1600.00"
    assert total.summary["accounts_left_out"] == ["Dollar account"]


def test_the_nightly_insight_job_stores_forecasts(owner, short_history):
    outcome = user_insights_refresh(user=owner, today=TODAY)
    assert outcome["forecasts"] == 4
    assert Forecast.objects.filter(user=owner).count() == 4


def test_another_users_forecast_is_untouched(owner, other_user, short_history):
    other = AccountFactory(owner=other_user, opening_balance=Decimal("10.00"), opening_date=dt.date(2026, 9, 1))
    _daily_spending(other, start=dt.date(2026, 9, 20))
    forecasts_refresh(user=other_user, today=TODAY)
    forecasts_refresh(user=owner, today=TODAY)
    assert Forecast.objects.filter(user=other_user).count() == 4
    assert Forecast.objects.get(user=other_user, kind="balance", account=None).summary["current_balance"] == "-200.00"
