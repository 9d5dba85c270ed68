"""The spending and savings pages: what they show, bad parameters, empty states, isolation and query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from insights.tests.test_analytics import add, ledger, other_account, savings_account  # noqa: F401 - fixtures

D = Decimal
SPENDING = reverse("insights:spending")
SAVINGS = reverse("insights:savings")
NOVEMBER = {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-11-21 12:00:00+00:00", tick=False):
        yield


def test_pages_need_a_login(client):
    for url in (SPENDING, SAVINGS):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.usefixtures("ledger")
def test_spending_page_shows_categories_merchants_movers_weekdays_and_calendar(owner_client):
    response = owner_client.get(SPENDING, NOVEMBER)

    assert response.status_code == 200
    html = response.content.decode()
    assert "EUR 290.00" in html  # the period's total
    assert [(row.name, row.total) for row in response.context["categories"]] == [
        ("Food & Drink", D("185.00")), ("Shopping", D("80.00")), ("Transportation", D("15.00")),
        ("Uncategorized", D("10.00"))]
    assert "EUR 185.00" in html and "63.8%" in html
    assert [row.merchant for row in response.context["merchants"]][:2] == ["Rewe", "Zara"]
    # November is still running (the 21st): its days so far against the same days of October.
    assert "Shopping +EUR 80 (new) vs the same days of October" in html
    assert "1–21 November against the same days of October" in html
    assert "Transportation -EUR 45 (-75%) vs the same days of October" in html
    assert html.count("data-weekday-row=") == 7
    assert 'data-day="2026-11-05"' in html and html.count('data-level="4"') == 2
    assert "spending-categories-chart" in html and 'id="spending-data"' in html
    assert "vendor/chart.umd.min.js" in html


@pytest.mark.usefixtures("ledger")
def test_spending_page_named_periods_use_the_users_today(owner_client):
    response = owner_client.get(SPENDING, {"period": "last_month"})

    assert (response.context["start"], response.context["end"]) == (date(2026, 10, 1), date(2026, 10, 31))
    assert sum(row.total for row in response.context["categories"]) == D("200.00")
    assert response.context["movers"].month == date(2026, 10, 1)


@pytest.mark.usefixtures("ledger")
def test_spending_page_sub_categories(owner_client):
    response = owner_client.get(SPENDING, {**NOVEMBER, "level": "sub"})

    assert [row.name for row in response.context["categories"]][:2] == ["Groceries", "Clothing"]
    assert "Food &amp; Drink › " in response.content.decode()


@pytest.mark.usefixtures("ledger")
def test_a_long_period_shows_the_last_three_months_in_the_calendar(owner_client):
    response = owner_client.get(SPENDING, {"period": "this_year"})

    assert response.context["calendar_start"] == date(2026, 9, 1)
    assert response.context["calendar"][-1].date == date(2026, 11, 21)
    assert "The last three months of the period" in response.content.decode()


@pytest.mark.parametrize("params, message", [
    ({"period": "custom", "start": "2026-11-30", "end": "2026-11-01"}, "The end date is before the start date."),
    ({"period": "custom", "start": "2026-11-01"}, "A custom period needs a start and an end date."),
    ({"period": "custom", "start": "0001-01-01", "end": "2026-11-01"}, "Enter a date between 1900 and 2199."),
    ({"period": "custom", "start": "1900-01-01", "end": "2199-12-31"}, "Choose a period of at most ten years."),
    ({"period": "custom", "start": "yesterday", "end": "2026-11-01"}, "Enter a valid date."),
    ({"period": "fortnight"}, "Select a valid choice."),
])
@pytest.mark.usefixtures("ledger")
def test_bad_spending_parameters_show_an_error_and_this_month(owner_client, params, message):
    response = owner_client.get(SPENDING, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert (response.context["start"], response.context["end"]) == (date(2026, 11, 1), date(2026, 11, 21))


def test_spending_page_for_a_new_user(owner_client):
    response = owner_client.get(SPENDING)

    assert response.status_code == 200
    html = response.content.decode()
    assert "No spending in this period" in html
    assert "chart.umd.min.js" not in html


@pytest.mark.usefixtures("ledger")
def test_savings_page_shows_history_and_projection(owner_client):
    response = owner_client.get(SAVINGS, {"months": "6"})

    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["history"]) == 6
    assert 'data-month="2026-10"' in html and ">1,800.00<" in html and "90%" in html
    assert "(so far)" in html
    assert ("At this rate (EUR 1,866.67 a month) your savings reach EUR 10,000.00 by February 2027."
            in html)
    assert 'id="savings-data"' in html and "savings-chart" in html


@pytest.mark.usefixtures("ledger")
def test_savings_page_goal(owner_client):
    response = owner_client.get(SAVINGS, {"goal": "25000"})

    assert "your savings reach EUR 25,000.00 by October 2027." in response.content.decode()


@pytest.mark.parametrize("params, message", [
    ({"goal": "-5"}, "Enter 0.01 or more."),
    ({"goal": "lots"}, "Enter a number."),
    ({"goal": "1e400"}, "That number is too long: use at most 14 digits."),
    ({"goal": "NaN"}, "Enter a number."),
    ({"months": "7"}, "Select a valid choice."),
])
@pytest.mark.usefixtures("ledger")
def test_bad_savings_parameters_show_an_error_and_the_defaults(owner_client, params, message):
    response = owner_client.get(SAVINGS, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(response.context["history"]) == 12
    assert "EUR 10,000.00 by February 2027" in response.content.decode()


def test_savings_page_for_a_new_user(owner_client):
    response = owner_client.get(SAVINGS)

    html = response.content.decode()
    assert "No income or spending yet" in html
    assert "Not enough history yet" in html


@pytest.mark.usefixtures("ledger")
def test_pages_never_show_another_users_money(client, other_user):
    client.force_login(other_user)

    spending = client.get(SPENDING, NOVEMBER)
    savings = client.get(SAVINGS)

    assert [(row.name, row.total) for row in spending.context["categories"]] == [("Food & Drink", D("59994.00"))]
    assert "Zara" not in spending.content.decode() and "Pizzeria" not in spending.content.decode()
    assert savings.context["history"][-1].income == D("50000.00")
    assert "EUR 5,500.00" not in savings.content.decode()


@pytest.mark.usefixtures("ledger")
def test_pages_run_a_constant_number_of_queries(owner_client, account, django_assert_max_num_queries):
    for url, params in ((SPENDING, NOVEMBER), (SAVINGS, {})):
        with django_assert_max_num_queries(20) as first:
            owner_client.get(url, params)
        for day in range(1, 29):
            add(account, date(2026, 11, day), "-3.00", "food_drink.coffee_shops", merchant=f"Cafe {day}")
        with django_assert_max_num_queries(len(first.captured_queries)):
            owner_client.get(url, params)
