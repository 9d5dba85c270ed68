"""A person's normal: what patterns_compute learns from a year, and how a worker stores it for the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mlcore import services
from mlcore.patterns import history_rows, patterns_compute, patterns_from_json, patterns_to_json
from mlcore.tests.anomaly_history import CATEGORY_IDS, TODAY, Entry, history, save, year_of_entries
from transactions.models import Transaction, TransactionSplit
from transactions.tests.factories import category


@pytest.fixture(scope="module")
def patterns():
    return patterns_compute(history(year_of_entries()), currency="EUR", today=TODAY)


def test_a_merchants_usual_amount_and_rhythm(patterns):
    rewe = patterns.merchant("rewe")
    assert rewe.amount_median == Decimal("35.00")
    assert rewe.amount_mad == Decimal("2.00")
    assert 4.0 <= rewe.per_30_days <= 4.5  # every Saturday
    assert rewe.weekdays[5] == rewe.charges and sum(rewe.weekdays) == rewe.charges
    netflix = patterns.merchant("netflix")
    assert (netflix.recurring, netflix.days_of_month, netflix.amount_median) == (True, (15,), Decimal("12.99"))
    assert 29 <= netflix.interval_days <= 31
    assert patterns.merchants[0].key == "coffee fellows"  # most charges first


def test_categories_have_monthly_means_ranges_and_shares(patterns):
    rent = patterns.category(CATEGORY_IDS["housing"])
    assert (rent.monthly_mean, rent.monthly_spread, rent.months_used) == (Decimal("900.00"), Decimal("0.00"), 12)
    assert rent.usual_low == rent.usual_high == Decimal("900.00")
    assert len(rent.monthly) == 12 and rent.monthly[-1].month == "2026-11"
    assert patterns.categories[0].category_id == CATEGORY_IDS["housing"]  # biggest first
    expense_shares = sum(c.share for c in patterns.categories if c.kind == "expense")
    assert expense_shares == pytest.approx(1.0, abs=0.01)


def test_transfers_are_not_spending(patterns):
    assert patterns.category(CATEGORY_IDS["transfers.savings_transfer"]) is None
    assert patterns.merchant("savings") is None
    assert patterns.monthly_spending_mean < Decimal("1500")  # rent, groceries, coffee, Netflix, a few shops


def test_income_is_regular_on_the_28th(patterns):
    income = patterns.income
    assert (income.usual_day, income.main_source, income.monthly_mean) == (28, "Acme", Decimal("3000.00"))
    assert income.regularity == 1.0 and income.variation == 0.0


def test_seasonality_needs_two_years():
    one_year = patterns_compute(history(year_of_entries()), currency="EUR", today=TODAY)
    two_years = patterns_compute(history(year_of_entries(start=dt.date(2024, 12, 1))), currency="EUR", today=TODAY)
    assert one_year.seasonality is None
    assert len(two_years.seasonality) == 12
    assert sum(two_years.seasonality) / 12 == pytest.approx(1.0, abs=0.05)


def test_patterns_survive_their_json_round_trip(patterns):
    assert patterns_from_json(patterns_to_json(patterns)) == patterns


def test_an_empty_history_has_empty_patterns():
    empty = patterns_compute([], currency="EUR", today=TODAY)
    assert (empty.transactions, empty.merchants, empty.income, empty.charge_high) == (0, (), None, Decimal("0.00"))


@pytest.mark.django_db
def test_refresh_stores_the_patterns_and_get_reads_them_with_when(owner, account, django_assert_max_num_queries):
    save(account, year_of_entries())
    assert services.patterns_get(user=owner) is None
    refreshed = services.patterns_refresh(user=owner, today=TODAY)
    with django_assert_max_num_queries(1):
        stored, computed_at = services.patterns_get(user=owner)
    assert stored == refreshed
    assert computed_at.tzinfo is not None
    assert stored.merchant("rewe").amount_median == Decimal("35.00")
    assert stored.category(category("housing").pk).monthly_mean == Decimal("900.00")


@pytest.mark.django_db
def test_history_is_one_query_with_splits_under_their_largest_part(owner, account, django_assert_max_num_queries):
    txn = save(account, [Entry(TODAY, Decimal("-100.00"), "KARSTADT", "Karstadt", "shopping")])[0]
    TransactionSplit.objects.create(transaction=txn, category=category("food_drink.groceries"), amount=Decimal("-70"))
    TransactionSplit.objects.create(transaction=txn, category=category("shopping"), amount=Decimal("-30"))
    Transaction.objects.filter(pk=txn.pk).update(amount_converted=Decimal("-110.00"), converted_currency="EUR")
    with django_assert_max_num_queries(1):
        rows = history_rows(user=owner)
    assert len(rows) == 1
    row = rows[0]
    assert (row.amount, row.category_id, row.merchant_key, row.merchant_name) == (
        Decimal("-110.00"), category("food_drink.groceries").pk, "karstadt", "Karstadt")
    assert row.category_name == "Food & Drink > Groceries"


@pytest.mark.django_db
def test_history_is_the_users_own(owner, account, other_account):
    save(other_account, [Entry(TODAY, Decimal("-5.00"), "THEIRS", "Theirs", "shopping")])
    save(account, [Entry(TODAY, Decimal("-7.00"), "MINE", "Mine", "shopping")])
    assert [row.merchant_name for row in history_rows(user=owner)] == ["Mine"]
