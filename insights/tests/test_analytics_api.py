"""The analytics API: the same numbers as the pages, 400s that name the parameter, isolation, query counts."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from insights.tests.test_analytics import add, ledger, other_account, savings_account  # noqa: F401 - fixtures

URL = "/api/v1/insights/"
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}
ENDPOINTS = {
    "categories": "spending/categories/", "merchants": "spending/merchants/",
    "month-over-month": "spending/month-over-month/", "weekdays": "spending/weekdays/",
    "calendar": "spending/calendar/", "history": "savings/history/", "projection": "savings/projection/",
}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-11-21 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def page(client, owner):
    client.force_login(owner)

    def get(name: str, params: dict):
        return client.get(reverse(f"insights:{name}"), params).context
    return get


def test_the_routes_have_names():
    assert reverse("api:insights-spending-categories") == URL + ENDPOINTS["categories"]
    assert reverse("api:insights-savings-projection") == URL + ENDPOINTS["projection"]


@pytest.mark.parametrize("path", ENDPOINTS.values())
def test_every_endpoint_needs_authentication(api_client, path):
    assert api_client.get(URL + path).status_code == 401


@pytest.mark.usefixtures("ledger")
def test_categories(owner_api):
    response = owner_api.get(URL + ENDPOINTS["categories"], NOVEMBER)

    assert response.status_code == 200
    body = response.json()
    assert (body["currency"], body["start"], body["end"]) == ("EUR", "2026-11-01", "2026-11-30")
    assert [(row["name"], row["total"], row["count"], row["share"]) for row in body["results"]] == [
        ("Food & Drink", "185.00", 5, "63.8"), ("Shopping", "80.00", 2, "27.6"),
        ("Transportation", "15.00", 1, "5.2"), ("Uncategorized", "10.00", 1, "3.4")]
    assert body["results"][-1]["category_id"] is None


@pytest.mark.usefixtures("ledger")
def test_categories_default_to_this_month_so_far(owner_api):
    body = owner_api.get(URL + ENDPOINTS["categories"], {"level": "sub"}).json()

    assert (body["start"], body["end"]) == ("2026-11-01", "2026-11-21")
    assert body["results"][0] == {"category_id": body["results"][0]["category_id"], "name": "Groceries",
                                  "parent_name": "Food & Drink", "total": "125.00", "count": 3, "share": "43.1"}


@pytest.mark.usefixtures("ledger")
def test_the_api_and_the_spending_page_show_the_same_numbers(owner_api, page):
    context = page("spending", {"period": "custom", **NOVEMBER})
    categories = owner_api.get(URL + ENDPOINTS["categories"], NOVEMBER).json()["results"]
    merchants = owner_api.get(URL + ENDPOINTS["merchants"], {**NOVEMBER, "limit": 10}).json()["results"]
    weekdays = owner_api.get(URL + ENDPOINTS["weekdays"], NOVEMBER).json()["results"]
    calendar = owner_api.get(URL + ENDPOINTS["calendar"], NOVEMBER).json()["results"]
    movers = owner_api.get(URL + ENDPOINTS["month-over-month"], {"month": "2026-11"}).json()

    assert [(row["name"], row["total"], row["share"]) for row in categories] == [
        (row.name, str(row.total), str(row.share)) for row in context["categories"]]
    assert [(row["merchant"], row["total"], row["count"]) for row in merchants] == [
        (row.merchant, str(row.total), row.count) for row in context["merchants"]]
    assert [(row["name"], row["total"], row["average"]) for row in weekdays] == [
        (row.name, str(row.total), str(row.average)) for row in context["weekdays"]]
    assert [(row["date"], row["total"], row["level"]) for row in calendar] == [
        (day.date.isoformat(), str(day.total), day.level) for day in context["calendar"]]
    assert [row["text"] for row in movers["movers_up"]] == [row.text for row in context["movers"].movers_up]


@pytest.mark.usefixtures("ledger")
def test_the_api_and_the_savings_page_show_the_same_numbers(owner_api, page):
    context = page("savings", {"months": "6", "goal": "25000"})
    history = owner_api.get(URL + ENDPOINTS["history"], {"months": 6}).json()["results"]
    projection = owner_api.get(URL + ENDPOINTS["projection"], {"goal": "25000"}).json()

    assert [(row["month"], row["income"], row["spending"], row["savings"], row["savings_rate"], row["on_target"])
            for row in history] == [
        (row.month.isoformat(), str(row.income), str(row.spending), str(row.savings),
         None if row.savings_rate is None else str(row.savings_rate), row.on_target) for row in context["history"]]
    assert history[-1] == {"month": "2026-11-01", "income": "2015.00", "spending": "290.00", "savings": "1725.00",
                           "savings_rate": "85.6", "target_rate": "20.00", "on_target": True, "is_partial": True}
    assert projection["sentence"] == context["projection"].sentence
    assert projection["milestone_date"] == "2027-10-01"


@pytest.mark.usefixtures("ledger")
def test_merchants_month_over_month_and_projection(owner_api):
    merchants = owner_api.get(URL + ENDPOINTS["merchants"], {**NOVEMBER, "limit": 1}).json()["results"]
    movers = owner_api.get(URL + ENDPOINTS["month-over-month"]).json()
    projection = owner_api.get(URL + ENDPOINTS["projection"]).json()

    assert merchants == [{"merchant": "Rewe", "total": "80.00", "count": 2, "share": "27.6"}]
    assert movers["month"] == "2026-11-01"
    assert [row["text"] for row in movers["movers_down"]] == ["Transportation -EUR 45 (-75%) vs the same days of October"]
    assert projection["sentence"] == ("At this rate (EUR 1,866.67 a month) your savings reach EUR 10,000.00 "
                                      "by February 2027.")
    assert (projection["savings_balance"], projection["basis"]) == ("5500.00", "savings accounts")


@pytest.mark.parametrize("path, params, parameter", [
    ("categories", {"start": "2026-13-01"}, "start"),
    ("categories", {"level": "leaf"}, "level"),
    ("categories", {"start": "2026-11-30", "end": "2026-11-01"}, "end"),
    ("categories", {"start": "0001-01-01"}, "start"),
    ("merchants", {"limit": "0"}, "limit"),
    ("merchants", {"limit": "many"}, "limit"),
    ("merchants", {"limit": "101"}, "limit"),
    ("month-over-month", {"month": "2026-13"}, "month"),
    ("month-over-month", {"month": "November"}, "month"),
    ("month-over-month", {"month": "0000-01"}, "month"),
    ("weekdays", {"end": "9999-12-31"}, "end"),
    ("calendar", {"start": "2025-01-01", "end": "2026-11-30"}, "end"),
    ("history", {"months": "0"}, "months"),
    ("history", {"months": "121"}, "months"),
    ("projection", {"goal": "-1"}, "goal"),
    ("projection", {"goal": "NaN"}, "goal"),
    ("projection", {"goal": "1e400"}, "goal"),
])
@pytest.mark.usefixtures("ledger")
def test_bad_parameters_are_a_400_naming_the_parameter(owner_api, path, params, parameter):
    response = owner_api.get(URL + ENDPOINTS[path], params)

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["fields"]) == [parameter]


@pytest.mark.usefixtures("ledger")
def test_the_calendar_allows_400_days(owner_api):
    response = owner_api.get(URL + ENDPOINTS["calendar"], {"start": "2025-10-28", "end": "2026-12-01"})

    assert response.status_code == 200 and len(response.json()["results"]) == 400


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.usefixtures("ledger")
def test_another_users_ledger_never_counts(other_api, name):
    params = NOVEMBER if name in ("categories", "merchants", "weekdays", "calendar") else {}
    body = other_api.get(URL + ENDPOINTS[name], params).json()

    text = str(body)
    for mine in ("Zara", "Pizzeria", "Kiosk", "290.00", "185.00", "1725.00", "5500.00", "1866.67"):
        assert mine not in text
    if name == "categories":
        assert [(row["name"], row["total"]) for row in body["results"]] == [("Food & Drink", "59994.00")]
    if name == "history":
        assert body["results"][-1]["income"] == "50000.00"


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.usefixtures("ledger")
def test_every_endpoint_runs_a_constant_number_of_queries(owner_api, account, name,
                                                          django_assert_max_num_queries):
    params = NOVEMBER if name in ("categories", "merchants", "weekdays", "calendar") else {}
    with django_assert_max_num_queries(8) as first:
        assert owner_api.get(URL + ENDPOINTS[name], params).status_code == 200
    for day in range(1, 29):
        add(account, date(2026, 11, day), "-3.00", "food_drink.coffee_shops", merchant=f"Cafe {day}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        owner_api.get(URL + ENDPOINTS[name], params)
