"""The forecast page, its Refresh action and the forecasts API: stored rows only, own rows only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from insights.forecasts import forecasts_refresh
from insights.models import Forecast
from mlcore import forecasting
from transactions.tests.factories import AccountFactory, TransactionFactory

TODAY = dt.date(2026, 10, 10)
PAGE = "/insights/forecast/"
API = "/api/v1/insights/forecast/"


def _history(user, *, name: str = "Main checking", opening: str = "2000.00") -> None:
    account = AccountFactory(owner=user, name=name, opening_balance=Decimal(opening), opening_date=dt.date(2026, 8, 31))
    day = dt.date(2026, 9, 1)
    while day <= TODAY:
        TransactionFactory(account=account, date=day, amount=Decimal("-10.00"), description=f"CARD SHOP {day}")
        day += dt.timedelta(days=1)


@pytest.fixture
def forecast(owner):
    _history(owner)
    forecasts_refresh(user=owner, today=TODAY)
    return Forecast.objects.get(user=owner, kind="balance", account=None)


def test_the_page_shows_the_stored_forecast_and_never_fits(client, owner, forecast, django_assert_max_num_queries):
    client.force_login(owner)
    fits, backtests, created = forecasting.PROPHET_FITS, forecasting.BACKTESTS, forecast.created_at
    with django_assert_max_num_queries(8):
        response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "EUR 1,390.00" in html  # month-end total
    assert "80% range" in html
    assert "Lowest before your next income" in html and "EUR 1,400.00" in html
    assert "Spending for the rest of the month" in html and "EUR 210.00" in html
    assert "Your recent average" in html and "Only 40 days of history: the average of your recent weeks" in html
    assert "Prophet" not in html and "Heuristic" not in html  # words for what the user gets, not the library
    assert 'id="forecast-data"' in html and "vendor/chart.umd.min.js" in html and "js/forecast.js" in html
    assert "Show the numbers" in html and "2026-11-30" in html  # the data table's last forecast day
    assert "Main checking" in html
    assert forecasting.PROPHET_FITS == fits and forecasting.BACKTESTS == backtests
    forecast.refresh_from_db()
    assert forecast.created_at == created


def test_the_page_says_which_methods_the_backtest_chose_and_when(client, owner):
    """Seven whole months: the monthly total comes from the methods that did best on them, and the page says so."""
    account = AccountFactory(owner=owner, name="Main checking", opening_balance=Decimal("9000.00"),
                             opening_date=dt.date(2026, 2, 28))
    day = dt.date(2026, 3, 1)
    while day <= TODAY:
        TransactionFactory(account=account, date=day, amount=Decimal("-30.00" if day.weekday() == 5 else "-10.00"),
                           description=f"CARD SHOP {day}")
        day += dt.timedelta(days=1)
    forecasts_refresh(user=owner, today=TODAY)
    client.force_login(owner)
    backtests = forecasting.BACKTESTS
    html = client.get(PAGE).content.decode()
    assert "The monthly total from " in html and "the closest on your last 4 months" in html
    note = html.split("The monthly total from ")[1].split(", the closest")[0]
    assert note.startswith(("the same month", "your ")) and " and " in note  # two methods, in the person's words
    assert not any(word in html for word in ("Theta", "smoothing", "Prophet", "naive"))
    assert "Computed <time" in html
    assert "Learned from your history" in html and "Your recent average" not in html
    assert forecasting.BACKTESTS == backtests
    spending = Forecast.objects.get(user=owner, kind="daily_spending")
    assert spending.method == "backtest" and len(spending.summary["model"]["chosen"]) == 2
    # November: 30 days at 10 and four Saturdays at 20 more, about 380.
    assert Decimal("330") < Decimal(spending.summary["next_month"]["yhat"]) < Decimal("430")


def test_the_page_runs_a_constant_number_of_queries(client, owner, forecast, django_assert_max_num_queries):
    for n in range(4):
        AccountFactory(owner=owner, name=f"Extra {n}", opening_balance=Decimal("5.00"), opening_date=TODAY)
    forecasts_refresh(user=owner, today=TODAY)
    assert Forecast.objects.filter(user=owner, kind="balance").count() == 6
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        assert client.get(PAGE).status_code == 200


def test_a_user_without_a_forecast_sees_how_to_get_one(client, owner):
    client.force_login(owner)
    html = client.get(PAGE).content.decode()
    assert "Import transactions; the forecast is computed overnight or when you press Refresh" in html
    assert "forecast-data" not in html


def test_another_users_forecast_is_not_shown(client, owner, other_user, forecast):
    _history(other_user, name="Other checking", opening="77777.00")
    forecasts_refresh(user=other_user, today=TODAY)
    client.force_login(owner)
    html = client.get(PAGE).content.decode()
    assert "Other checking" not in html and "77,377.00" not in html


def test_the_page_and_refresh_need_a_login(client, db):
    assert client.get(PAGE).status_code == 302
    assert client.post(reverse("insights:forecast_refresh")).status_code == 302
    assert not Forecast.objects.exists()


def test_refresh_enqueues_the_job_after_commit_and_says_so(client, owner, django_capture_on_commit_callbacks):
    _history(owner)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("insights:forecast_refresh"), follow=True)
    assert len(callbacks) == 1
    assert "Recomputing; this takes a few seconds" in response.content.decode()
    # Huey runs immediately in tests: the job has stored the user's forecasts.
    assert Forecast.objects.filter(user=owner).count() == 4


def test_refresh_does_not_answer_get(client, owner):
    client.force_login(owner)
    assert client.get(reverse("insights:forecast_refresh")).status_code == 405


def test_api_lists_own_forecasts_with_their_shape(owner_api, owner, other_user, forecast,
                                                  django_assert_max_num_queries):
    _history(other_user, name="Other checking")
    forecasts_refresh(user=other_user, today=TODAY)
    with django_assert_max_num_queries(4):
        response = owner_api.get(API)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 4 and response.json()["count"] == 4
    assert {row["kind"] for row in rows} == {"daily_spending", "daily_income", "balance"}
    total = next(row for row in rows if row["kind"] == "balance" and row["account"] is None)
    assert set(total) >= {"kind", "account", "method", "method_note", "start_date", "horizon_days", "interval_width",
                          "created_at", "summary", "points"}
    assert total["method"] == "heuristic" and total["start_date"] == "2026-10-11" and total["horizon_days"] == 51
    assert total["interval_width"] == "0.80"
    assert total["summary"]["this_month_end"]["yhat"] == "1390.00"
    assert total["points"][0] == {"date": "2026-10-11", "yhat": "1590.00", "lower": "1590.00", "upper": "1590.00"}
    assert all(row["account_name"] != "Other checking" for row in rows)


def test_api_filters_by_kind_and_explains_a_bad_kind(owner_api, forecast):
    rows = owner_api.get(API, {"kind": "balance"}).json()["results"]
    assert [row["kind"] for row in rows] == ["balance", "balance"]
    response = owner_api.get(API, {"kind": "weather"})
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "Unknown kind 'weather'" in response.json()["fields"]["kind"][0]


def test_api_without_forecasts_is_an_empty_list(other_api, forecast):
    response = other_api.get(API)
    assert response.status_code == 200
    assert (response.json()["count"], response.json()["results"]) == (0, [])


def test_api_refresh_queues_the_job(owner_api, owner, django_capture_on_commit_callbacks):
    _history(owner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = owner_api.post(API + "refresh/")
    assert response.status_code == 202 and response.json() == {"status": "queued"}
    assert len(callbacks) == 1
    assert Forecast.objects.filter(user=owner).count() == 4


def test_api_needs_authentication(api_client):
    assert api_client.get(API).status_code == 401
    assert api_client.post(API + "refresh/").status_code == 401
