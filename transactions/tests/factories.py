from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from transactions.models import Account, Category, Transaction


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Account {n}")
    kind = "checking"
    currency = "EUR"
    # An opening balance of zero on 1 Jan 2020. Tests may pass opening_balance/opening_date (the model's
    # properties for the same known balance) or known_balance/known_balance_date.
    known_balance = Decimal("0.00")
    known_balance_date = date(2019, 12, 31)


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    account = factory.SubFactory(AccountFactory)
    owner = factory.SelfAttribute("account.owner")
    date = date(2026, 10, 1)
    amount = Decimal("-12.50")
    currency = factory.SelfAttribute("account.currency")
    description = factory.Sequence(lambda n: f"CARD PAYMENT SHOP {n}")
    merchant = ""
    fingerprint = factory.LazyFunction(lambda: "test:" + uuid.uuid4().hex)


def category(key: str) -> Category:
    """A standard category by its taxonomy key, e.g. category("food_drink.groceries")."""
    return Category.objects.get(key=key)
