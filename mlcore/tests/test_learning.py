"""Per-user categorization: precedence, history, the user's own model, review threshold and isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mlcore import learning
from mlcore.models import UserCategorizerModel
from transactions import services
from transactions.models import Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("global_model")]


def spend(account, description, amount="-20.00", **extra):
    return TransactionFactory(account=account, description=description, amount=Decimal(amount), **extra)


def categorize(user, *txns):
    learning.transactions_categorize(user=user, transactions=Transaction.objects.filter(pk__in=[t.pk for t in txns]))
    for txn in txns:
        txn.refresh_from_db()


def test_a_persons_own_category_is_never_overwritten(owner, account):
    txn = spend(account, "WALGREENS #1234 CHICAGO")
    services.transaction_update(user=owner, txn=txn, data={"category": category("shopping.home_goods")})
    categorize(owner, txn)
    assert txn.category == category("shopping.home_goods")
    assert txn.category_source == "user"


def test_history_files_the_same_merchant_where_the_user_did_before(owner, account):
    fuel = services.category_create(user=owner, name="Fuel")
    for day in (1, 8):
        earlier = spend(account, f"POS Purchase Engen Mitchell Park * 0{day} Oct", date=date(2026, 10, day))
        services.transaction_update(user=owner, txn=earlier, data={"category": fuel})
    third = spend(account, "POS Purchase Engen Mitchell Park * 15 Oct", date=date(2026, 10, 15))
    categorize(owner, third)
    assert third.category == fuel
    assert third.category_source == "model"
    assert not third.needs_review
    assert third.category_explanation == "You filed 2 earlier 'Engen Mitchell Park' payments under Fuel"


def test_a_merchant_split_across_categories_is_not_decided_by_history(owner, account):
    for key in ("food_drink.groceries", "shopping.home_goods"):
        earlier = spend(account, "TARGET 00012345 MINNEAPOLIS")
        services.transaction_update(user=owner, txn=earlier, data={"category": category(key)})
    txn = spend(account, "TARGET 00012345 MINNEAPOLIS")
    categorize(owner, txn)
    assert "You filed" not in txn.category_explanation


def test_the_user_model_learns_custom_categories_for_similar_merchants(owner, account):
    hobby = services.category_create(user=owner, name="Model trains")
    other = services.category_create(user=owner, name="Garden")
    for name in ("MAERKLIN SHOP BERLIN", "MAERKLIN STORE HAMBURG", "MODELLBAHN MAERKLIN MUENCHEN"):
        services.transaction_update(user=owner, txn=spend(account, name), data={"category": hobby})
    for name in ("OBI GARTENCENTER", "DEHNER GARTEN CENTER", "GARTEN WELT KOELN"):
        services.transaction_update(user=owner, txn=spend(account, name), data={"category": other})
    assert learning.user_model_is_stale(user=owner)
    assert learning.user_model_train(user=owner) is not None
    assert not learning.user_model_is_stale(user=owner)
    txn = spend(account, "MAERKLIN ONLINE DRESDEN")
    categorize(owner, txn)
    assert (txn.category or txn.suggested_category) == hobby
    assert "Model trains" in txn.category_explanation


def test_a_new_user_gets_the_global_model_with_an_explanation(owner, account):
    txn = spend(account, "WALGREENS #1234 CHICAGO IL")
    categorize(owner, txn)
    guess = txn.category or txn.suggested_category
    assert guess == category("health_wellness.pharmacy")
    assert txn.category_explanation
    assert Decimal("0") <= txn.category_confidence <= Decimal("1")


def test_below_the_threshold_the_guess_waits_for_review(owner, account, settings):
    settings.CATEGORIZER_REVIEW_THRESHOLD = 1.01  # nothing is sure enough
    txn = spend(account, "WALGREENS #1234 CHICAGO IL")
    categorize(owner, txn)
    assert txn.category is None
    assert txn.suggested_category == category("health_wellness.pharmacy")
    assert txn.needs_review


def test_one_users_corrections_never_change_another_users_predictions(owner, other_user, account, other_account):
    mine = services.category_create(user=owner, name="Secret stash")
    for _ in range(2):
        services.transaction_update(user=owner, txn=spend(account, "WALGREENS #1234 CHICAGO IL"),
                                    data={"category": mine})
    learning.user_model_train(user=owner)
    theirs = spend(other_account, "WALGREENS #1234 CHICAGO IL")
    categorize(other_user, theirs)
    assert (theirs.category or theirs.suggested_category) == category("health_wellness.pharmacy")
    assert "You filed" not in theirs.category_explanation


def test_categorizing_runs_a_fixed_number_of_queries(owner, account, django_assert_max_num_queries):
    services.transaction_update(user=owner, txn=spend(account, "ALDI SUED 123"),
                                data={"category": category("food_drink.groceries")})
    few = [spend(account, f"SHOP NUMBER {n}") for n in range(5)]
    learning.transactions_categorize(user=owner, transactions=Transaction.objects.filter(pk__in=[t.pk for t in few]))
    many = [spend(account, f"STORE NUMBER {n}") for n in range(50)]
    with django_assert_max_num_queries(12):
        learning.transactions_categorize(user=owner,
                                         transactions=Transaction.objects.filter(pk__in=[t.pk for t in many]))


def test_an_incompatible_or_damaged_user_model_is_ignored(owner, account):
    for key, names in (("food_drink.groceries", ["ALDI 1", "ALDI 2", "ALDI 3"]),
                       ("transportation.gas_fuel", ["SHELL 1", "SHELL 2", "SHELL 3"])):
        for name in names:
            services.transaction_update(user=owner, txn=spend(account, name), data={"category": category(key)})
    learning.user_model_train(user=owner)
    UserCategorizerModel.objects.filter(user=owner).update(sklearn_version="0.0.1")
    assert learning.user_model_load(user=owner) is None
    learning._loaded.clear()  # as after a restart: the damaged blob is read again
    UserCategorizerModel.objects.filter(user=owner).update(sklearn_version=__import__("sklearn").__version__,
                                                          blob=b"not a model")
    assert learning.user_model_load(user=owner) is None
    txn = spend(account, "SOMETHING ELSE")
    categorize(owner, txn)  # still decided, by the global model
    assert txn.category_explanation
