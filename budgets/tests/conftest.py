from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from transactions.tests.factories import TransactionFactory, category

TODAY = dt.date(2026, 11, 20)
NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def now():
    """Noon UTC on 20 November 2026: the pages and API see that as today."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def spend(account, key: str | None, amount: str, on: dt.date = dt.date(2026, 11, 5), **fields):
    """A transaction of ``amount`` (signed) filed under the standard category ``key`` (None: uncategorized)."""
    return TransactionFactory(account=account, category=category(key) if key else None, amount=Decimal(amount),
                              date=on, **fields)


@pytest.fixture
def history(account):
    """Three months of Food & Drink (groceries 200/300/250 plus restaurants 40/60/50: 240, 360, 300) and fuel
    (70, 90, 80): the heuristic (median of the last 3 months per top category) suggests Food & Drink 300,
    Transportation 80 and overall 380."""
    for month, groceries, restaurants, fuel in ((8, "-200", "-40", "-70"), (9, "-300", "-60", "-90"),
                                                (10, "-250", "-50", "-80")):
        spend(account, "food_drink.groceries", groceries, dt.date(2026, month, 10))
        spend(account, "food_drink.restaurants", restaurants, dt.date(2026, month, 12))
        spend(account, "transportation.gas_fuel", fuel, dt.date(2026, month, 3))
