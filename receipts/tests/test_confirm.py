"""Confirming a receipt: a new transaction or the imported payment, its items as splits adding up to the total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from receipts import selectors, services
from receipts.models import ReceiptStatus
from receipts.tests.conftest import ready_receipt
from transactions.models import Category, Source, Transaction
from transactions.tests.factories import TransactionFactory


@pytest.fixture
def groceries(db):
    return Category.objects.get(key="food_drink.groceries")


@pytest.fixture
def household(db):
    return Category.objects.get(key="shopping.home_goods")


def _confirm(receipt, **changes):
    edits = services.receipt_edits_merge(receipt=receipt, data=changes.pop("data", {}))
    return services.receipt_confirm(user=receipt.user, receipt=receipt, edits=edits, **changes)


def test_confirm_creates_a_transaction_split_by_item_with_a_remainder(owner, account, today, groceries, household):
    receipt = ready_receipt(owner, on=today, total="23.40", items=[
        ("Milk", "1.19", groceries), ("Bread", "2.49", groceries), ("Sponges", "3.99", household),
        ("Bananas", "1.50", None)])
    txn = _confirm(receipt, account=account)
    txn.refresh_from_db()
    assert (txn.amount, txn.date, txn.merchant, txn.source) == (Decimal("-23.40"), today, "Rewe", Source.RECEIPT)
    parts = list(txn.splits.order_by("id").values_list("notes", "amount", "category__key"))
    assert parts == [
        ("Milk", Decimal("-1.19"), "food_drink.groceries"), ("Bread", Decimal("-2.49"), "food_drink.groceries"),
        ("Sponges", Decimal("-3.99"), "shopping.home_goods"), ("Bananas", Decimal("-1.50"), "shopping"),
        (services.REMAINDER_TEXT, Decimal("-14.23"), "shopping.home_goods"),
    ]
    assert sum(amount for _, amount, _ in parts) == txn.amount
    receipt.refresh_from_db()
    assert (receipt.status, receipt.transaction, receipt.attached) == (ReceiptStatus.CONFIRMED, txn, False)


def test_edits_and_merging_by_category(owner, account, today, groceries, household):
    receipt = ready_receipt(owner, on=today, total="10.00", items=[("Milk", "1.00", groceries)])
    txn = _confirm(receipt, account=account, data={
        "merchant": "REWE Markt", "total": Decimal("9.00"), "merge_same_category": True, "items": [
            {"description": "Milk", "amount": Decimal("2.00"), "category": groceries},
            {"description": "Butter", "amount": Decimal("3.00"), "category": groceries},
            {"description": "Discount", "amount": Decimal("-0.50")},
            {"description": "Soap", "amount": Decimal("4.50"), "category": household}]})
    parts = list(txn.splits.order_by("id").values_list("notes", "amount"))
    assert parts == [("Milk, Butter", Decimal("-4.50")), ("Soap", Decimal("-4.50"))]
    assert txn.merchant == "REWE Markt" and txn.amount == Decimal("-9.00")


def test_items_above_the_total_are_refused_and_nothing_written(owner, account, today, groceries):
    receipt = ready_receipt(owner, on=today, total="5.00", items=[("A", "4.00", groceries), ("B", "3.00", None)])
    with pytest.raises(ValidationError, match="more than the total"):
        _confirm(receipt, account=account)
    assert not Transaction.objects.exists()
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.READY


def test_one_item_files_the_whole_transaction_and_no_items_leaves_it_whole(owner, account, today, groceries):
    txn = _confirm(ready_receipt(owner, on=today, total="4.00", items=[("Milk", "4.00", groceries)]),
                   account=account)
    assert not txn.splits.exists() and txn.category == groceries
    txn = _confirm(ready_receipt(owner, on=today, total="7.00"), account=account)
    assert not txn.splits.exists() and txn.amount == Decimal("-7.00")


def test_matching_attaches_to_the_imported_payment_instead_of_duplicating(owner, account, today, groceries,
                                                                          household):
    imported = TransactionFactory(account=account, date=today - dt.timedelta(days=2), amount=Decimal("-23.40"),
                                  description="REWE SAGT DANKE 4711", merchant="Rewe", source=Source.CSV)
    TransactionFactory(account=account, date=today, amount=Decimal("-23.40"), description="ARAL TANKSTELLE",
                       merchant="Aral")  # same amount, another shop
    TransactionFactory(account=account, date=today - dt.timedelta(days=5), amount=Decimal("-23.40"),
                       description="REWE", merchant="Rewe")  # too long before
    receipt = ready_receipt(owner, on=today, total="23.40", items=[("Milk", "20.00", groceries),
                                                                   ("Soap", "3.40", household)])
    candidates = selectors.match_candidates(user=owner, receipt=receipt)
    assert [c.transaction for c in candidates] == [imported]

    before = Transaction.objects.count()
    txn = _confirm(receipt, attach_to=imported)
    assert txn == imported and Transaction.objects.count() == before
    assert list(imported.splits.order_by("id").values_list("amount", flat=True)) == [Decimal("-20.00"),
                                                                                     Decimal("-3.40")]
    receipt.refresh_from_db()
    assert receipt.attached and receipt.transaction == imported
    # A payment with a receipt is no longer offered to another.
    other = ready_receipt(owner, on=today, total="23.40")
    assert selectors.match_candidates(user=owner, receipt=other) == []


def test_attaching_refuses_another_amount_another_users_payment_and_a_second_confirm(
        owner, account, other_account, today):
    receipt = ready_receipt(owner, on=today, total="10.00")
    theirs = TransactionFactory(account=other_account, date=today, amount=Decimal("-10.00"))
    with pytest.raises(ValidationError, match="Unknown transaction"):
        _confirm(receipt, attach_to=theirs)
    mine = TransactionFactory(account=account, date=today, amount=Decimal("-11.00"))
    with pytest.raises(ValidationError, match="receipt's total"):
        _confirm(receipt, attach_to=mine)
    _confirm(receipt, account=account)
    with pytest.raises(ValidationError, match="confirmed already"):
        _confirm(receipt, account=account)
