"""Reads of the ledger; every one takes the user and sees only that user's data."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Case, Count, DecimalField, F, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import User
from transactions.models import Account, Category, HiddenFlag, ImportBatch, Transaction, TransactionSplit

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def amount_in_preferred(currency: str | F, *, prefix: str = "") -> Case:
    """A transaction's amount in ``currency`` (the user's preferred one, a code or an expression such as
    ``F("owner__financial_profile__preferred_currency")``): the converted amount when it was converted into
    it, else the amount itself when recorded in it, else NULL (left out of sums). ``prefix`` reaches the
    transaction through a relation (e.g. "transaction__" from a split part)."""
    return Case(
        When(**{f"{prefix}converted_currency": currency, f"{prefix}amount_converted__isnull": False},
             then=F(f"{prefix}amount_converted")),
        When(**{f"{prefix}currency": currency}, then=F(f"{prefix}amount")),
        default=None, output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def account_list(*, user: User) -> QuerySet[Account]:
    """The user's accounts with ``balance``: the opening balance plus every transaction since the opening date.

    Amounts count in the account's currency: a transaction recorded in another currency counts with its
    converted amount when that conversion was into the account's currency (the usual case), else not at all.
    """
    in_account_currency = Case(
        When(currency=OuterRef("currency"), then=F("amount")),
        When(converted_currency=OuterRef("currency"), then=F("amount_converted")),
        default=ZERO,
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    movement = (
        Transaction.objects.filter(account_id=OuterRef("pk"), date__gte=OuterRef("opening_date"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum(in_account_currency))
        .values("total")
    )
    return Account.objects.filter(owner=user).annotate(
        balance=F("opening_balance")
        + Coalesce(Subquery(movement, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO),
    ).order_by("name")


def account_get(*, user: User, pk: int) -> Account:
    return get_object_or_404(account_list(user=user), pk=pk)


def category_list(*, user: User,
                  include_hidden: bool = True) -> QuerySet[WithAnnotations[Category, HiddenFlag]]:
    categories = Category.objects.visible_to(user).annotate_hidden(user).select_related("parent")
    if not include_hidden:
        categories = categories.filter(is_hidden=False)
    return categories.order_by("kind", "parent__name", "name")


def category_picker_list(*, user: User, keep: Iterable[Category | None] = ()) -> list[Category]:
    """Categories offered in pickers: all visible to the user but those they hid, unless already in use here."""
    kept = {category.pk for category in keep if category is not None}
    return [c for c in category_list(user=user) if not c.is_hidden or c.pk in kept]


def category_get(*, user: User, pk: int) -> Category:
    return get_object_or_404(Category.objects.visible_to(user).select_related("parent"), pk=pk)


def category_with_children_ids(*, user: User, category: Category) -> list[int]:
    return [category.pk, *Category.objects.visible_to(user).filter(parent=category).values_list("pk", flat=True)]


def transaction_list(*, user: User) -> QuerySet[Transaction]:
    """The user's transactions with what a list shows, in a constant number of queries."""
    return (
        Transaction.objects.filter(owner=user)
        .select_related("account", "category", "category__parent")
        .prefetch_related("tags", Prefetch("splits", queryset=TransactionSplit.objects.select_related("category")))
    )


def transaction_get(*, user: User, pk: int) -> Transaction:
    return get_object_or_404(transaction_list(user=user), pk=pk)


def import_batch_list(*, user: User) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(owner=user).select_related("account")


def import_batch_get(*, user: User, pk: int) -> ImportBatch:
    return get_object_or_404(import_batch_list(user=user), pk=pk)


def category_transaction_count(*, user: User, category: Category) -> int:
    """How many of the user's transactions are filed under this category or its sub-categories, whole or split."""
    ids = category_with_children_ids(user=user, category=category)
    return Transaction.objects.for_user(user).in_categories(ids).count()


def account_transaction_counts(*, user: User) -> dict[int, int]:
    rows = Transaction.objects.for_user(user).order_by().values("account_id").annotate(n=Count("pk"))
    return {row["account_id"]: row["n"] for row in rows}


def category_transaction_counts(*, user: User) -> dict[int, int]:
    """Transactions per category for this user: filed directly, plus split parts."""
    counts: dict[int, int] = {}
    direct = Transaction.objects.for_user(user).exclude(category=None).order_by().values("category_id")
    for row in direct.annotate(n=Count("pk")):
        counts[row["category_id"]] = row["n"]
    parts = TransactionSplit.objects.filter(transaction__owner=user).order_by().values("category_id")
    for row in parts.annotate(n=Count("transaction_id", distinct=True)):
        counts[row["category_id"]] = counts.get(row["category_id"], 0) + row["n"]
    return counts
