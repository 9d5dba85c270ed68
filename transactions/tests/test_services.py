"""The ledger's writes: money, conversion, categories, splits and balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from transactions import selectors, services
from transactions.models import Category, Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db


def test_standard_taxonomy_is_seeded_two_levels_deep():
    groceries = category("food_drink.groceries")
    assert str(groceries) == "Food & Drink > Groceries"
    assert groceries.kind == "expense"
    assert category("income.salary").kind == "income"
    assert category("transfers").kind == "transfer"
    assert not Category.objects.filter(parent__parent__isnull=False).exists()
    for key in ["transportation.gas_fuel", "transportation.rideshare", "housing.rent", "health_wellness.pharmacy",
                "entertainment.streaming_services", "travel.flights", "subscriptions", "taxes", "income.interest"]:
        assert category(key)


def test_transaction_in_a_foreign_currency_stores_the_converted_amount(owner, account):
    owner.financial_profile.preferred_currency = "EUR"
    owner.financial_profile.save()
    txn = services.transaction_create(user=owner, account=account, on=date(2024, 3, 9), amount=Decimal("-100.00"),
                                      description="HOTEL ZURICH", currency="CHF")
    # 2024-03-09 is a Saturday: the rate of Friday 2024-03-08 applies.
    assert txn.fx_date == date(2024, 3, 8)
    assert txn.converted_currency == "EUR"
    assert txn.amount_converted == (Decimal("-100.00") * txn.fx_rate).quantize(Decimal("0.01"))
    assert Decimal("-110") < txn.amount_converted < Decimal("-100")
    assert txn.needs_review


def test_balance_is_opening_balance_plus_transactions_since_opening(owner, account):
    services.transaction_create(user=owner, account=account, on=date(2026, 2, 1), amount=Decimal("2500.00"),
                                description="SALARY")
    services.transaction_create(user=owner, account=account, on=date(2026, 2, 3), amount=Decimal("-820.40"),
                                description="RENT")
    # Before the opening date: already part of the opening balance.
    services.transaction_create(user=owner, account=account, on=date(2025, 12, 30), amount=Decimal("-50.00"),
                                description="OLD")
    assert selectors.account_get(user=owner, pk=account.pk).balance == Decimal("2679.60")


def test_user_category_locks_and_clears_review(owner, account):
    txn = services.transaction_create(user=owner, account=account, on=date(2026, 2, 1), amount=Decimal("-4.20"),
                                      description="COFFEE", category=category("food_drink.coffee_shops"))
    assert (txn.category_source, txn.category_confidence, txn.needs_review) == ("user", Decimal(1), False)


def test_another_users_account_or_category_is_refused(owner, other_user, other_account):
    with pytest.raises(ValidationError, match="Unknown account"):
        services.transaction_create(user=owner, account=other_account, on=date(2026, 1, 1), amount=Decimal("1"),
                                    description="X")
    theirs = services.category_create(user=other_user, name="Secret")
    own_account = services.account_create(user=owner, name="Cash", kind="cash", currency="EUR")
    with pytest.raises(ValidationError, match="Unknown category"):
        services.transaction_create(user=owner, account=own_account, on=date(2026, 1, 1), amount=Decimal("1"),
                                    description="X", category=theirs)


def test_categories_create_rename_hide_and_merge(owner, account):
    food = category("food_drink")
    snacks = services.category_create(user=owner, name="Snacks", parent=food)
    treats = services.category_create(user=owner, name="Treats", parent=food)
    assert snacks.kind == "expense"
    with pytest.raises(ValidationError, match="already a category 'snacks'"):
        services.category_create(user=owner, name="snacks", parent=food)
    with pytest.raises(ValidationError, match="two levels"):
        services.category_create(user=owner, name="Deep", parent=snacks)
    services.category_rename(user=owner, category=snacks, name="Sweets")
    with pytest.raises(ValidationError, match="Standard categories cannot be changed"):
        services.category_rename(user=owner, category=food, name="Food")

    services.category_set_hidden(user=owner, category=category("travel.hotels"), hidden=True)
    visible = selectors.category_list(user=owner, include_hidden=False)
    assert not visible.filter(key="travel.hotels").exists()
    assert {c.name for c in selectors.category_list(user=owner)} >= {"Sweets", "Treats", "Hotels"}

    t1 = TransactionFactory(account=account, category=snacks)
    t2 = TransactionFactory(account=account, category=treats)
    moved = services.category_merge(user=owner, source=snacks, target=treats)
    assert moved == 1
    assert set(Transaction.objects.filter(category=treats)) == {t1, t2}
    assert not Category.objects.filter(pk=snacks.pk).exists()


def test_split_parts_must_add_up(owner, account):
    txn = services.transaction_create(user=owner, account=account, on=date(2026, 2, 1), amount=Decimal("-100.00"),
                                      description="SUPERSTORE")
    groceries, home = category("food_drink.groceries"), category("shopping.home_goods")
    with pytest.raises(ValidationError, match="add up to -90.00"):
        services.transaction_split_set(user=owner, txn=txn, parts=[(groceries, Decimal("-60")), (home, Decimal("-30"))])
    with pytest.raises(ValidationError, match="same sign"):
        services.transaction_split_set(user=owner, txn=txn, parts=[(groceries, Decimal("-120")), (home, Decimal("20"))])
    services.transaction_split_set(user=owner, txn=txn, parts=[(groceries, Decimal("-60.01")),
                                                               (home, Decimal("-39.99"))])
    assert txn.is_split
    in_home = Transaction.objects.filter(owner=owner).in_categories([home.pk])
    assert list(in_home) == [txn]


def test_fingerprint_uses_bank_id_or_content_and_occurrence():
    a = services.transaction_fingerprint(account_id=1, on=date(2026, 1, 1), amount=Decimal("-5"),
                                         description="Coffee  SHOP")
    b = services.transaction_fingerprint(account_id=1, on=date(2026, 1, 1), amount=Decimal("-5.00"),
                                         description="coffee shop")
    c = services.transaction_fingerprint(account_id=1, on=date(2026, 1, 1), amount=Decimal("-5"),
                                         description="coffee shop", occurrence=1)
    assert a == b != c
    assert services.transaction_fingerprint(account_id=1, on=date(2026, 1, 1), amount=Decimal("-5"), description="x",
                                            external_id="FITID123").startswith("id:")


def test_balance_counts_a_foreign_currency_transaction_in_the_account_currency(owner, account):
    txn = services.transaction_create(user=owner, account=account, on=date(2026, 2, 2), amount=Decimal("-100.00"),
                                      description="HOTEL ZURICH", currency="CHF")
    assert txn.converted_currency == "EUR"
    assert selectors.account_get(user=owner, pk=account.pk).balance == Decimal("1000.00") + txn.amount_converted
