"""Accept and correct: the person's choice is locked in and remembered as feedback."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mlcore.feedback import categories_accept_bulk, category_accept, category_correct
from mlcore.models import FeedbackEvent
from transactions.models import Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db


def test_accepting_a_suggestion_locks_it_and_records_an_accept(owner, account):
    txn = TransactionFactory(account=account, description="SHELL 0042", suggested_category=category(
        "transportation.gas_fuel"), category_confidence=Decimal("0.41"), category_explanation="Word 'shell'")
    category_accept(user=owner, txn=txn)
    txn.refresh_from_db()
    assert txn.category == category("transportation.gas_fuel")
    assert (txn.category_source, txn.needs_review, txn.suggested_category) == ("user", False, None)
    event = FeedbackEvent.objects.get()
    assert (event.kind, event.chosen_category, event.description) == ("accept", txn.category, "SHELL 0042")


def test_correcting_records_what_was_suggested_and_what_was_chosen(owner, account):
    txn = TransactionFactory(account=account, category=category("food_drink.restaurants"), category_source="model",
                             category_confidence=Decimal("0.8"), needs_review=False)
    category_correct(user=owner, txn=txn, category=category("food_drink.coffee_shops"))
    event = FeedbackEvent.objects.get()
    assert event.kind == "correct"
    assert event.suggested_category == category("food_drink.restaurants")
    assert Transaction.objects.get(pk=txn.pk).category_source == "user"


def test_nothing_to_accept_and_other_users_transactions_are_refused(owner, account, other_account):
    with pytest.raises(ValidationError, match="no suggestion"):
        category_accept(user=owner, txn=TransactionFactory(account=account))
    theirs = TransactionFactory(account=other_account, suggested_category=category("taxes"))
    with pytest.raises(ValidationError, match="Unknown"):
        category_accept(user=owner, txn=theirs)
    assert not FeedbackEvent.objects.exists()


def test_bulk_accept_files_waiting_suggestions_skips_the_rest_and_ignores_others(owner, account, other_account):
    suggested = TransactionFactory(account=account, needs_review=True, suggested_category=category("taxes"))
    bare = TransactionFactory(account=account, needs_review=True)
    theirs = TransactionFactory(account=other_account, needs_review=True, suggested_category=category("taxes"))
    ids = [suggested.pk, bare.pk, theirs.pk]
    assert categories_accept_bulk(user=owner, transaction_ids=ids) == (1, 1)
    suggested.refresh_from_db()
    assert (suggested.category, suggested.category_source, suggested.needs_review) == (category("taxes"), "user", False)
    assert Transaction.objects.get(pk=theirs.pk).category is None
    assert FeedbackEvent.objects.get().transaction_id == suggested.pk
