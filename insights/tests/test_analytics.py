"""Spending and savings selectors on a small hand-made ledger whose every number is worked out by hand.

November 2026 (the 1st is a Sunday), in EUR:
  Mon 2   Groceries        -50.00  "REWE SAGT DANKE 1234"
  Tue 3   Groceries        -30.00  "REWE SAGT DANKE 5678"
  Tue 3   Restaurants      -40.00  merchant "Pizzeria Roma"
  Wed 4   split -60.00 "TARGET STORE 0042": Groceries -45.00, Gas & Fuel -15.00
  Thu 5   Clothing        -100.00  merchant "Zara"
  Fri 6   Clothing         +20.00  merchant "Zara" (a refund)
  Sat 7   Savings transfer -500.00 out of checking, +500.00 into savings (not spending)
  Sun 8   no category      -10.00  "KIOSK 24"
  Tue 10  Restaurants      -22.00 USD, converted to -20.00 EUR, merchant "Joe's Diner"
  Sun 1   Salary         +2000.00; Sun 15 no category +15.00 "UNKNOWN CREDIT" (income, not a refund)
Spending: Food & Drink 185 (Groceries 125, Restaurants 60), Shopping 80, Transportation 15, Uncategorized 10 = 290.
October: Groceries -100, Restaurants -40, Gas & Fuel -60, Salary +2000; September: Groceries -110, Salary +2000;
August: Groceries -90, Salary +2000. Another user's transactions sit in the same days and must never count.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from insights import analytics
from transactions.models import TransactionSplit
from transactions.tests.factories import AccountFactory, TransactionFactory, category

D = Decimal
TODAY = date(2026, 11, 21)
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def add(account, day, amount, key=None, **fields):
    return TransactionFactory(account=account, date=day, amount=D(amount),
                              category=category(key) if key else None, **fields)


@pytest.fixture
def savings_account(owner):
    return AccountFactory(owner=owner, name="Savings", kind="savings", currency="EUR",
                          opening_balance=D("5000.00"), opening_date=date(2026, 1, 1))


@pytest.fixture
def ledger(owner, account, savings_account, other_user, other_account):
    groceries, restaurants = "food_drink.groceries", "food_drink.restaurants"
    add(account, date(2026, 11, 2), "-50.00", groceries, description="REWE SAGT DANKE 1234")
    add(account, date(2026, 11, 3), "-30.00", groceries, description="REWE SAGT DANKE 5678")
    add(account, date(2026, 11, 3), "-40.00", restaurants, merchant="Pizzeria Roma")
    split = add(account, date(2026, 11, 4), "-60.00", None, description="TARGET STORE 0042")
    TransactionSplit.objects.create(transaction=split, category=category(groceries), amount=D("-45.00"))
    TransactionSplit.objects.create(transaction=split, category=category("transportation.gas_fuel"),
                                    amount=D("-15.00"))
    add(account, date(2026, 11, 5), "-100.00", "shopping.clothing", merchant="Zara")
    add(account, date(2026, 11, 6), "20.00", "shopping.clothing", merchant="Zara")
    add(account, date(2026, 11, 7), "-500.00", "transfers.savings_transfer", description="TO SAVINGS")
    add(savings_account, date(2026, 11, 7), "500.00", "transfers.savings_transfer", description="FROM CHECKING")
    add(account, date(2026, 11, 8), "-10.00", None, description="KIOSK 24")
    add(account, date(2026, 11, 10), "-22.00", restaurants, merchant="Joe's Diner", currency="USD",
        amount_converted=D("-20.00"), converted_currency="EUR")
    add(account, date(2026, 11, 1), "2000.00", "income.salary", description="SALARY")
    add(account, date(2026, 11, 15), "15.00", None, description="UNKNOWN CREDIT")
    for month, groceries_spent in ((8, "-90.00"), (9, "-110.00"), (10, "-100.00")):
        add(account, date(2026, month, 1), "2000.00", "income.salary", description="SALARY")
        add(account, date(2026, month, 15), groceries_spent, groceries, description="REWE")
    add(account, date(2026, 10, 20), "-40.00", restaurants, merchant="Pizzeria Roma")
    add(account, date(2026, 10, 12), "-60.00", "transportation.gas_fuel", merchant="Aral")
    # Another user: large amounts on the same days, in the same categories.
    for day in (2, 3, 4, 5, 8, 10):
        add(other_account, date(2026, 11, day), "-9999.00", groceries, merchant="Rewe")
    add(other_account, date(2026, 10, 2), "-7777.00", "transportation.gas_fuel", merchant="Aral")
    add(other_account, date(2026, 11, 1), "50000.00", "income.salary")
    return owner


@pytest.fixture
def other_account(other_user):
    return AccountFactory(owner=other_user, name="Other checking", currency="EUR")


def by_name(rows, attribute="name"):
    return {getattr(row, attribute): row for row in rows}


# --- spending by category ---------------------------------------------------------------------------------

def test_spending_by_top_category_adds_sub_categories_splits_refunds_and_conversions(ledger):
    rows = analytics.spending_by_category(user=ledger, start=NOV[0], end=NOV[1])

    assert [(row.name, row.total, row.count, row.share) for row in rows] == [
        ("Food & Drink", D("185.00"), 5, D("63.8")),
        ("Shopping", D("80.00"), 2, D("27.6")),
        ("Transportation", D("15.00"), 1, D("5.2")),
        ("Uncategorized", D("10.00"), 1, D("3.4")),
    ]
    assert rows[0].category_id == category("food_drink").pk
    assert rows[-1].category_id is None
    assert sum(row.total for row in rows) == D("290.00")  # no transfer, salary or uncategorized credit


def test_spending_by_sub_category_names_the_parent(ledger):
    rows = analytics.spending_by_category(user=ledger, start=NOV[0], end=NOV[1], level="sub")

    assert [(row.name, row.parent_name, row.total, row.count) for row in rows] == [
        ("Groceries", "Food & Drink", D("125.00"), 3),
        ("Clothing", "Shopping", D("80.00"), 2),
        ("Restaurants", "Food & Drink", D("60.00"), 2),
        ("Gas & Fuel", "Transportation", D("15.00"), 1),
        ("Uncategorized", None, D("10.00"), 1),
    ]


def test_a_transaction_never_converted_to_the_preferred_currency_is_left_out(ledger, account):
    add(account, date(2026, 11, 20), "-999.00", "food_drink.groceries", currency="USD")

    rows = analytics.spending_by_category(user=ledger, start=NOV[0], end=NOV[1])

    assert by_name(rows)["Food & Drink"].total == D("185.00")


def test_no_spending_is_an_empty_list(owner):
    assert analytics.spending_by_category(user=owner, start=NOV[0], end=NOV[1]) == []
    assert analytics.spending_by_merchant(user=owner, start=NOV[0], end=NOV[1]) == []


# --- merchants --------------------------------------------------------------------------------------------

def test_spending_by_merchant_uses_the_merchant_or_the_cleaned_description(ledger):
    rows = analytics.spending_by_merchant(user=ledger, start=NOV[0], end=NOV[1])

    assert [(row.merchant, row.total, row.count, row.share) for row in rows] == [
        ("Rewe", D("80.00"), 2, D("27.6")),
        ("Zara", D("80.00"), 2, D("27.6")),
        ("Target Store", D("60.00"), 1, D("20.7")),
        ("Pizzeria Roma", D("40.00"), 1, D("13.8")),
        ("Joe's Diner", D("20.00"), 1, D("6.9")),
        ("Kiosk", D("10.00"), 1, D("3.4")),
    ]


def test_spending_by_merchant_keeps_the_largest(ledger):
    rows = analytics.spending_by_merchant(user=ledger, start=NOV[0], end=NOV[1], limit=2)

    assert [row.merchant for row in rows] == ["Rewe", "Zara"]
    assert rows[0].share == D("27.6")  # still a share of all spending, not of the two shown


# --- month over month -------------------------------------------------------------------------------------

def test_month_over_month_compares_with_last_month_and_the_three_before(ledger):
    result = analytics.month_over_month(user=ledger, month=date(2026, 11, 21))

    assert (result.month, result.previous_month) == (date(2026, 11, 1), date(2026, 10, 1))
    assert (result.total_this_month, result.total_last_month) == (D("290.00"), D("200.00"))
    food = by_name(result.rows)["Food & Drink"]
    assert (food.this_month, food.last_month, food.change, food.change_percent) == (
        D("185.00"), D("140.00"), D("45.00"), D("32.1"))
    assert food.average == D("113.33")  # (140 + 110 + 90) / 3
    assert (food.change_vs_average, food.change_vs_average_percent) == (D("71.67"), D("63.2"))
    transport = by_name(result.rows)["Transportation"]
    assert (transport.change, transport.change_percent) == (D("-45.00"), D("-75.0"))


def test_month_over_month_movers_say_what_changed_in_words(ledger):
    result = analytics.month_over_month(user=ledger, month=date(2026, 11, 1))

    assert [row.text for row in result.movers_up] == [
        "Shopping +EUR 80 (new) vs October",
        "Food & Drink +EUR 45 (+32%) vs October",
        "Uncategorized +EUR 10 (new) vs October",
    ]
    assert [row.text for row in result.movers_down] == ["Transportation -EUR 45 (-75%) vs October"]


def test_month_over_month_crosses_the_year(owner, account):
    add(account, date(2025, 12, 5), "-10.00", "food_drink.groceries")
    add(account, date(2026, 1, 5), "-25.00", "food_drink.groceries")

    result = analytics.month_over_month(user=owner, month=date(2026, 1, 31))

    assert result.movers_up[0].text == "Food & Drink +EUR 15 (+150%) vs December"


# --- weekdays and calendar --------------------------------------------------------------------------------

def test_spending_by_weekday_totals_and_averages_per_day_of_the_period(ledger):
    rows = analytics.spending_by_weekday(user=ledger, start=NOV[0], end=NOV[1])

    assert [(row.name, row.total, row.days, row.average) for row in rows] == [
        ("Monday", D("50.00"), 5, D("10.00")),
        ("Tuesday", D("90.00"), 4, D("22.50")),
        ("Wednesday", D("60.00"), 4, D("15.00")),
        ("Thursday", D("100.00"), 4, D("25.00")),
        ("Friday", D("-20.00"), 4, D("-5.00")),  # only the refund
        ("Saturday", D("0.00"), 4, D("0.00")),  # only the transfer
        ("Sunday", D("10.00"), 5, D("2.00")),
    ]
    assert [row.count for row in rows] == [1, 3, 1, 1, 1, 0, 1]


def test_spending_calendar_has_every_day_and_quartile_levels(ledger):
    days = analytics.spending_calendar(user=ledger, start=NOV[0], end=NOV[1])

    assert len(days) == 30 and days[0].date == NOV[0] and days[-1].date == NOV[1]
    levels = {day.date.day: (day.total, day.level) for day in days if day.total}
    # Six spending days ranked 10, 20, 50, 60, 70, 100: level = ceil(4 x rank / 6).
    assert levels == {
        2: (D("50.00"), 2), 3: (D("70.00"), 4), 4: (D("60.00"), 3), 5: (D("100.00"), 4),
        6: (D("-20.00"), 0), 8: (D("10.00"), 1), 10: (D("20.00"), 2),
    }
    assert {day.level for day in days if not day.total} == {0}


def test_equal_spending_days_share_the_top_level(owner, account):
    add(account, date(2026, 11, 2), "-5.00")
    add(account, date(2026, 11, 3), "-5.00")

    days = analytics.spending_calendar(user=owner, start=date(2026, 11, 2), end=date(2026, 11, 4))

    assert [day.level for day in days] == [4, 4, 0]


# --- savings ----------------------------------------------------------------------------------------------

def test_savings_history_per_month_against_the_target(ledger):
    rows = analytics.savings_history(user=ledger, months=4, today=TODAY)

    assert [(row.month, row.income, row.spending, row.savings, row.savings_rate, row.on_target, row.is_partial)
            for row in rows] == [
        (date(2026, 8, 1), D("2000.00"), D("90.00"), D("1910.00"), D("95.5"), True, False),
        (date(2026, 9, 1), D("2000.00"), D("110.00"), D("1890.00"), D("94.5"), True, False),
        (date(2026, 10, 1), D("2000.00"), D("200.00"), D("1800.00"), D("90.0"), True, False),
        (date(2026, 11, 1), D("2015.00"), D("290.00"), D("1725.00"), D("85.6"), True, True),
    ]
    assert {row.target_rate for row in rows} == {D("20")}


def test_savings_history_below_target_and_without_income(owner, account):
    owner.financial_profile.savings_rate_target = D("25")
    owner.financial_profile.save()
    add(account, date(2026, 10, 1), "1000.00", "income.salary")
    add(account, date(2026, 10, 2), "-800.00", "housing.rent")
    add(account, date(2026, 11, 2), "-50.00", "housing.rent")

    october, november = analytics.savings_history(user=owner, months=2, today=TODAY)

    assert (october.savings, october.savings_rate, october.target_rate, october.on_target) == (
        D("200.00"), D("20.0"), D("25"), False)
    assert (november.savings, november.savings_rate, november.on_target) == (D("-50.00"), None, False)


def test_savings_projection_reaches_the_next_round_number(ledger):
    projection = analytics.savings_projection(user=ledger, today=TODAY)

    # August to October: May to July have no transactions and do not dilute the average.
    assert (projection.months_considered, projection.months_negative) == (3, 0)
    assert projection.average_monthly_savings == D("1866.67")
    assert (projection.savings_balance, projection.basis) == (D("5500.00"), "savings accounts")
    # Checking: 1000 opening + 4 x 2000 salary + 15 - 300 (Aug-Oct groceries) - 100 (Oct) - 290 (Nov) - 500.
    assert projection.total_balance == D("5500.00") + D("7825.00")
    assert (projection.milestone, projection.milestone_date) == (D("10000.00"), date(2027, 2, 1))
    assert projection.sentence == ("At this rate (EUR 1,866.67 a month) your savings reach EUR 10,000.00 "
                                   "by February 2027.")


def test_savings_projection_to_a_goal(ledger):
    projection = analytics.savings_projection(user=ledger, goal=D("25000"), today=TODAY)

    assert projection.sentence == ("At this rate (EUR 1,866.67 a month) your savings reach EUR 25,000.00 "
                                   "by October 2027.")  # 19,500 / 1,866.67 = 10.4 -> 11 months after November


def test_savings_projection_to_a_goal_too_far_to_date(ledger):
    projection = analytics.savings_projection(user=ledger, goal=D("999999999999.99"), today=TODAY)

    assert projection.milestone_date is None
    assert projection.sentence == ("At this rate (EUR 1,866.67 a month) your savings would take more than 100 years "
                                   "to reach EUR 999,999,999,999.99.")


def test_savings_projection_goal_already_reached(ledger):
    projection = analytics.savings_projection(user=ledger, goal=D("5000"), today=TODAY)

    assert projection.goal_reached
    assert projection.sentence == ("Your savings accounts (EUR 5,500.00) have already reached your goal of "
                                   "EUR 5,000.00.")


def test_savings_projection_when_spending_more_than_earning(owner, account):
    for month in range(5, 11):  # May to October
        add(account, date(2026, month, 1), "1000.00", "income.salary")
        add(account, date(2026, month, 3), "-1200.00" if month <= 8 else "-900.00", "housing.rent")

    projection = analytics.savings_projection(user=owner, today=TODAY)

    assert (projection.months_considered, projection.months_negative) == (6, 4)
    assert projection.average_monthly_savings == D("-100.00")
    assert projection.basis == "all accounts"  # no savings account
    assert projection.milestone_date is None
    assert projection.sentence == ("You spent more than you earned in 4 of the last 6 months, so at this rate your "
                                   "savings are not growing (on average EUR -100.00 a month).")


def test_savings_projection_for_a_new_user(owner):
    projection = analytics.savings_projection(user=owner, today=TODAY)

    assert projection.months_considered == 0
    assert projection.sentence.startswith("Not enough history yet")


# --- isolation and cost -----------------------------------------------------------------------------------

def test_another_users_ledger_never_counts(ledger, other_user):
    mine = analytics.spending_by_category(user=ledger, start=NOV[0], end=NOV[1])
    theirs = analytics.spending_by_category(user=other_user, start=NOV[0], end=NOV[1])

    assert sum(row.total for row in mine) == D("290.00")
    assert [(row.name, row.total) for row in theirs] == [("Food & Drink", D("59994.00"))]
    assert analytics.savings_history(user=other_user, months=1, today=TODAY)[0].income == D("50000.00")


@pytest.mark.parametrize("selector, kwargs, queries", [
    (analytics.spending_by_category, {"start": NOV[0], "end": NOV[1]}, 2),
    (analytics.spending_by_merchant, {"start": NOV[0], "end": NOV[1]}, 2),
    (analytics.month_over_month, {"month": NOV[0]}, 2),
    (analytics.spending_by_weekday, {"start": NOV[0], "end": NOV[1]}, 2),
    (analytics.spending_calendar, {"start": NOV[0], "end": NOV[1]}, 2),
    (analytics.savings_history, {"today": TODAY}, 2),
    (analytics.savings_projection, {"today": TODAY}, 3),
])
def test_each_selector_runs_a_constant_number_of_queries(ledger, account, selector, kwargs, queries,
                                                          django_assert_num_queries):
    ledger.financial_profile  # noqa: B018 - the profile is loaded with the user in a request
    with django_assert_num_queries(queries):
        selector(user=ledger, **kwargs)
    for day in range(1, 29):
        add(account, date(2026, 11, day), "-3.00", "food_drink.coffee_shops", merchant=f"Cafe {day}")
    with django_assert_num_queries(queries):
        selector(user=ledger, **kwargs)


def test_a_month_still_running_is_compared_with_the_same_days_of_the_month_before(owner, account):
    # 4 days of December against all of November would read "Food & Drink -85%".
    add(account, date(2026, 11, 2), "-40.00", "food_drink.groceries")
    add(account, date(2026, 11, 20), "-260.00", "food_drink.groceries")
    add(account, date(2026, 12, 3), "-50.00", "food_drink.groceries")

    result = analytics.month_over_month(user=owner, month=date(2026, 12, 4), today=date(2026, 12, 4))

    food = by_name(result.rows)["Food & Drink"]
    assert (food.this_month, food.last_month, food.change_percent) == (D("50.00"), D("40.00"), D("25.0"))
    assert result.through_day == 4
    assert result.compared == "1–4 December against the same days of November"
    assert food.text == "Food & Drink +EUR 10 (+25%) vs the same days of November"
    # Once the month is over, whole months.
    whole = analytics.month_over_month(user=owner, month=date(2026, 11, 1), today=date(2026, 12, 4))
    assert (whole.through_day, whole.compared) == (None, "November 2026 against October")
