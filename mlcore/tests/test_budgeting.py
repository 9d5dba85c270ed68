"""Budget suggestions: the heuristic, the model, the savings trim, the artifact, user isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mlcore.budgeting import budget_suggestions
from transactions.tests.factories import AccountFactory, TransactionFactory, category

pytestmark = pytest.mark.django_db


def _spend(account, key: str, month: date, amount: str, day: int = 10):
    return TransactionFactory(account=account, category=category(key), date=month.replace(day=day),
                              amount=Decimal(amount))


def _by_key(suggestions):
    return {(s.category.key if s.category else None): s for s in suggestions}


def test_heuristic_is_the_median_of_the_last_three_months_and_says_why(owner, account):
    _spend(account, "food_drink.groceries", date(2026, 7, 1), "-412.00")
    _spend(account, "food_drink.restaurants", date(2026, 8, 1), "-380.00")  # rolled up into Food & Drink
    _spend(account, "food_drink.groceries", date(2026, 9, 1), "-455.00")
    _spend(account, "shopping", date(2026, 9, 1), "-99.00")
    _spend(account, "shopping", date(2026, 9, 2), "19.00")  # a refund lowers the spend

    suggestions = _by_key(budget_suggestions(user=owner, month=date(2026, 10, 1)))

    food = suggestions["food_drink"]
    assert food.method == "heuristic"
    assert food.amount == Decimal("410")
    assert food.predicted == Decimal("412.00")
    assert food.currency == "EUR"
    assert food.explanation == ("Median of your last 3 months (EUR 412, 380, 455); "
                                "only 3 months of history, too little for the model")
    # One month of shopping in three: the median is nothing, and the figures show why.
    assert suggestions["shopping"].amount == Decimal("0")
    assert "(EUR 0, 0, 80)" in suggestions["shopping"].explanation
    overall = suggestions[None]
    assert overall.amount == food.amount + suggestions["shopping"].amount


def test_income_transfers_and_tiny_categories_get_no_suggestion(owner, account):
    for month in (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)):
        _spend(account, "income.salary", month, "3000.00")
        _spend(account, "transfers.savings_transfer", month, "-500.00")
        _spend(account, "food_drink.coffee_shops", month, "-3.00")
    assert budget_suggestions(user=owner, month=date(2026, 10, 1)) == []


def test_only_the_users_own_transactions_count(owner, other_user, account):
    other_account = AccountFactory(owner=other_user)
    _spend(other_account, "travel", date(2026, 9, 1), "-900.00")
    _spend(account, "food_drink", date(2026, 9, 1), "-100.00")
    suggestions = _by_key(budget_suggestions(user=owner, month=date(2026, 10, 1)))
    assert set(suggestions) == {"food_drink", None}
    assert suggestions["food_drink"].amount == Decimal("100")
