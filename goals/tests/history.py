"""A year of the same month (salary 3,000 on the 25th, rent 1,000 on the 1st, groceries 4 × 100, restaurants
200): a household whose plan can be worked out by hand (it can save 1,400 a month; essentials are 1,400)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.months import month_add, month_start
from transactions.tests.factories import TransactionFactory, category


def year_of_money(account, *, today: dt.date) -> None:
    rent, groceries, dining, pay = (category("housing.rent"), category("food_drink.groceries"),
                                    category("food_drink.restaurants"), category("income.salary"))
    first = month_add(month_start(today), -12)
    for n in range(12):
        month = month_add(first, n)
        TransactionFactory(account=account, date=month, amount=Decimal("-1000.00"), description="RENT",
                           merchant="Landlord", category=rent)
        for week in range(4):
            TransactionFactory(account=account, date=month + dt.timedelta(days=3 + 7 * week),
                               amount=Decimal("-100.00"), description="REWE", merchant="REWE", category=groceries)
        TransactionFactory(account=account, date=month + dt.timedelta(days=12), amount=Decimal("-200.00"),
                           description="TRATTORIA", merchant="Trattoria", category=dining)
        TransactionFactory(account=account, date=month + dt.timedelta(days=24), amount=Decimal("3000.00"),
                           description="ACME SALARY", merchant="ACME", category=pay)
