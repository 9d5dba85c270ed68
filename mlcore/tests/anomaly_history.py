"""A year of an ordinary person's money, generated (no real data): the normal the anomaly tests depart from."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from mlcore.patterns import HistoryRow, merchant_identity
from transactions.models import Transaction
from transactions.tests.factories import category

TODAY = dt.date(2026, 11, 30)
START = dt.date(2025, 12, 1)


@dataclass(frozen=True)
class Entry:
    date: dt.date
    amount: Decimal
    description: str
    merchant: str
    category: str  # a standard taxonomy key
    kind: str = "expense"
    currency: str = "EUR"


def months(start: dt.date, end: dt.date):
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def year_of_entries(*, start: dt.date = START, end: dt.date = TODAY, seed: int = 3) -> list[Entry]:
    """Groceries at REWE every Saturday (EUR 33-37), coffee most weekdays, Netflix on the 15th, rent on the 1st,
    salary on the 28th, a savings transfer, and a handful of one-off shops."""
    rng = random.Random(seed)
    entries = []
    day = start
    while day <= end:
        if day.weekday() == 5:
            entries.append(Entry(day, -Decimal(rng.choice(["33.00", "35.00", "37.00"])), "REWE SAGT DANKE",
                                 "REWE", "food_drink.groceries"))
        if day.weekday() < 5 and rng.random() < 0.6:
            entries.append(Entry(day, -Decimal(rng.choice(["3.20", "3.50", "3.80"])), "COFFEE FELLOWS",
                                 "Coffee Fellows", "food_drink.coffee_shops"))
        if day.day == 15:
            entries.append(Entry(day, Decimal("-12.99"), "NETFLIX.COM", "Netflix", "entertainment"))
        if day.day == 1:
            entries.append(Entry(day, Decimal("-900.00"), "MIETE WOHNUNG", "Hausverwaltung", "housing"))
            entries.append(Entry(day, Decimal("-200.00"), "SPARPLAN", "Savings", "transfers.savings_transfer",
                                 kind="transfer"))
        if day.day == 28:
            entries.append(Entry(day, Decimal("3000.00"), "GEHALT ACME GMBH", "Acme", "income.salary",
                                 kind="income"))
        if day.day in (5, 19):
            shop = rng.choice(["DM", "IKEA", "H&M", "THALIA", "MEDIAMARKT", "DECATHLON"])
            entries.append(Entry(day, -Decimal(rng.randint(1500, 9000)) / 100, f"CARD {shop}", shop, "shopping"))
        day += dt.timedelta(days=1)
    return entries


CATEGORY_IDS = {"food_drink.groceries": 1, "food_drink.coffee_shops": 2, "entertainment": 3, "housing": 4,
                "transfers.savings_transfer": 5, "income.salary": 6, "shopping": 7, "travel": 8}


def history(entries: list[Entry]) -> list[HistoryRow]:
    rows = []
    for n, entry in enumerate(sorted(entries, key=lambda e: e.date), start=1):
        key, name = merchant_identity(entry.description, entry.merchant)
        rows.append(HistoryRow(id=n, date=entry.date, amount=entry.amount, currency=entry.currency,
                               description=entry.description, merchant_key=key, merchant_name=name,
                               category_id=CATEGORY_IDS[entry.category], category_name=entry.category,
                               category_kind=entry.kind))
    return rows


def save(account, entries: list[Entry]) -> list[Transaction]:
    """The entries as the account's transactions (one insert)."""
    return Transaction.objects.bulk_create([
        Transaction(owner=account.owner, account=account, date=e.date, amount=e.amount, currency=e.currency,
                    description=e.description, merchant=e.merchant, category=category(e.category),
                    fingerprint=f"test:{uuid.uuid4().hex}") for e in entries])
