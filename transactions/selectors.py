"""Reads of the ledger; every one takes the user and sees only that user's data."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save
from django.shortcuts import get_object_or_404

from accounts.models import User
from transactions.models import (
    Account,
    Category,
    HiddenFlag,
    ImportBatch,
    ImportStatus,
    Tag,
    Transaction,
    TransactionExport,
    TransactionSplit,
)
from transactions.signals import ledger_changed

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

CENT = Decimal("0.01")
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


MONEY_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _in_account_currency(currency: OuterRef) -> Case:
    """A transaction's amount in its account's currency: its amount when recorded in it, its converted amount
    when converted into it (the usual case for another currency), else nothing."""
    return Case(
        When(currency=currency, then=F("amount")),
        When(converted_currency=currency, then=F("amount_converted")),
        default=ZERO, output_field=MONEY_FIELD,
    )


def _movement_after_known(*, through: str) -> Subquery:
    """The sum of the account's transactions after its known balance date, in its currency. ``through`` reaches
    the account from the outer query ("" from Account, "account__" from ImportBatch)."""
    account_id = OuterRef("account_id" if through else "pk")
    movement = (
        Transaction.objects.filter(account_id=account_id, date__gt=OuterRef(f"{through}known_balance_date"))
        .order_by().values("account_id")
        .annotate(total=Sum(_in_account_currency(OuterRef(f"{through}currency"))))
        .values("total")
    )
    return Subquery(movement, output_field=MONEY_FIELD)


def _movement_to_day(*, through: str, day: str) -> Subquery:
    """What the account's transactions add to its known balance to make the balance at the end of the day in the
    outer query's field ``day``: those after the known date up to that day, less those after it up to the known
    date."""
    account_id = OuterRef("account_id" if through else "pk")
    known, on = OuterRef(f"{through}known_balance_date"), OuterRef(day)
    amount = _in_account_currency(OuterRef(f"{through}currency"))
    movement = (
        Transaction.objects.filter(account_id=account_id)
        .order_by().values("account_id")
        .annotate(total=Sum(Case(
            When(date__gt=known, date__lte=on, then=amount),
            When(date__gt=on, date__lte=known, then=amount * Value(-1)),
            default=ZERO, output_field=MONEY_FIELD,
        )))
        .values("total")
    )
    return Subquery(movement, output_field=MONEY_FIELD)


def account_list(*, user: User) -> QuerySet[Account]:
    """The user's accounts with ``balance`` (the known balance plus every transaction after its day) and the
    latest bank statement to reconcile with (``reconciliation``: the statement's balance beside Finsight's on
    its day), in a constant number of queries.

    Amounts count in the account's currency: a transaction recorded in another currency counts with its
    converted amount when that conversion was into the account's currency (the usual case), else not at all.
    """
    latest = (ImportBatch.objects.filter(account_id=OuterRef("pk"), status=ImportStatus.DONE,
                                         stated_balance__isnull=False, stated_balance_date__isnull=False)
              .order_by("-stated_balance_date", "-created_at", "-pk"))
    return Account.objects.filter(owner=user).annotate(
        balance=F("known_balance") + Coalesce(_movement_after_known(through=""), ZERO),
        statement_balance=Subquery(latest.values("stated_balance")[:1], output_field=MONEY_FIELD),
        statement_date=Subquery(latest.values("stated_balance_date")[:1], output_field=DateField()),
        statement_source=Subquery(latest.values("stated_balance_source")[:1], output_field=CharField()),
        statement_import_id=Subquery(latest.values("pk")[:1], output_field=IntegerField()),
    ).annotate(
        statement_day_balance=F("known_balance") + Coalesce(_movement_to_day(through="", day="statement_date"), ZERO),
    ).order_by("name")


def account_get(*, user: User, pk: int) -> Account:
    return get_object_or_404(account_list(user=user), pk=pk)


def account_balance_on(*, user: User, account: Account, on: date) -> Decimal:
    """The account's balance at the end of a day, in its currency."""
    low, high = sorted((on, account.known_balance_date))
    in_currency = Case(
        When(currency=account.currency, then=F("amount")),
        When(converted_currency=account.currency, then=F("amount_converted")),
        default=ZERO, output_field=MONEY_FIELD,
    )
    between = Transaction.objects.filter(owner=user, account=account, date__gt=low, date__lte=high)
    total: Decimal = between.aggregate(total=Coalesce(Sum(in_currency), ZERO))["total"]
    total = total.quantize(CENT)
    return account.known_balance + total if on >= account.known_balance_date else account.known_balance - total


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


def transaction_rows(*, user: User) -> QuerySet[Transaction]:
    """The user's transactions as the list's rows draw them (``jinja2/transactions/_row.html``): each with its tags
    as ``row_tags`` and its split parts as ``row_parts``, plain lists. Django's usual prefetch builds a manager
    and a queryset per transaction and relation to hold them, a tenth of the list page's time; a list is set as
    it is. Three queries for a page, as transaction_list."""
    return (
        Transaction.objects.filter(owner=user)
        .select_related("account", "category", "category__parent")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.all(), to_attr="row_tags"),
                          Prefetch("splits", queryset=TransactionSplit.objects.select_related("category"),
                                   to_attr="row_parts"))
    )


def transaction_row_get(*, user: User, pk: int) -> Transaction:
    """One transaction as its row draws it (transaction_rows); another user's is a 404."""
    return get_object_or_404(transaction_rows(user=user), pk=pk)


# Figures computed from a whole ledger (its totals here, the dashboard's in insights) are kept in the cache under
# the ledger's version, a token replaced on every change: a change never leaves old figures readable, and a
# reader that began before it stores its figures under the old token, where nobody looks.
LEDGER_VERSION_SECONDS = 24 * 60 * 60
# At most this long: a safety net for a write that goes around the services (an operator's script).
LEDGER_FIGURES_SECONDS = 10 * 60


def _version_key(user_id: int) -> str:
    return f"transactions:ledger-version:{user_id}"


def ledger_version(*, user: User) -> str:
    """The token of the user's ledger as it is now, for keys of cached figures computed from it."""
    key = _version_key(user.pk)
    version: str | None = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, LEDGER_VERSION_SECONDS)  # add: of two first readers, one token wins
        version = cache.get(key) or "none"  # Redis down: every read is a miss anyway
    return str(version)


def _ledger_version_forget(user_id: int) -> None:
    cache.delete(_version_key(user_id))  # the next reader makes a new token


def _on_ledger_changed(sender: object, *, user: User, **kwargs: object) -> None:
    """transactions.signals.ledger_changed, after the write committed: the ledger has a new version."""
    _ledger_version_forget(user.pk)


def _on_transaction_saved(sender: object, *, instance: Transaction, **kwargs: object) -> None:
    """A transaction saved one by one: a new version at once too, not only once the write commits, so that the
    same database transaction (a test, a script) never reads figures from before it. (No post_delete receiver:
    it would turn Django's fast bulk delete of an account's rows into a delete row by row.)"""
    _ledger_version_forget(instance.owner_id)


def ledger_version_receivers_connect() -> None:
    """Called by TransactionsConfig.ready(): every change of a ledger gives it a new version."""
    ledger_changed.connect(_on_ledger_changed, dispatch_uid="transactions-ledger-version")
    post_save.connect(_on_transaction_saved, sender=Transaction, dispatch_uid="transactions-ledger-version-save")


def _totals_of(transactions: QuerySet[Transaction], *, currency: str) -> dict[str, Any]:
    """How many rows, money in and out in ``currency``, and how many rows not converted into it: one pass."""
    return transactions.order_by().aggregate(
        rows=Count("pk"),
        money_in=Sum("amount_converted", filter=Q(amount__gt=0, converted_currency=currency)),
        money_out=Sum("amount_converted", filter=Q(amount__lt=0, converted_currency=currency)),
        not_converted=Count("pk", filter=~Q(converted_currency=currency)),
    )


def transaction_totals(*, user: User, currency: str,
                       transactions: QuerySet[Transaction] | None = None) -> dict[str, Any]:
    """``rows``, ``money_in``, ``money_out`` (in ``currency``) and ``not_converted`` of the filtered
    ``transactions``, or of the user's whole ledger when None: that one is kept under the ledger's version,
    since the unfiltered list is what people open most and summing 100,000 rows on every visit was an eighth
    of its time."""
    if transactions is not None:
        return _totals_of(transactions, currency=currency)
    key = f"transactions:ledger-totals:{user.pk}:{ledger_version(user=user)}:{currency}"
    totals: dict[str, Any] | None = cache.get(key)
    if totals is None:
        totals = _totals_of(Transaction.objects.filter(owner=user), currency=currency)
        cache.set(key, totals, LEDGER_FIGURES_SECONDS)
    return totals


def transaction_get(*, user: User, pk: int) -> Transaction:
    return get_object_or_404(transaction_list(user=user), pk=pk)


def import_batch_list(*, user: User) -> QuerySet[ImportBatch]:
    """The user's imports with Finsight's balance on the day the file states a balance for (``reconciliation``)."""
    return ImportBatch.objects.filter(owner=user).select_related("account").annotate(
        statement_day_balance=Case(
            When(stated_balance_date__isnull=True, then=Value(None, output_field=MONEY_FIELD)),
            default=F("account__known_balance") + Coalesce(
                _movement_to_day(through="account__", day="stated_balance_date"), ZERO),
            output_field=MONEY_FIELD,
        ),
    )


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


def transaction_export_list(*, user: User) -> QuerySet[TransactionExport]:
    """The user's exports, newest first."""
    return TransactionExport.objects.filter(owner=user).order_by("-created_at", "-id")


def transaction_export_get(*, user: User, pk: int) -> TransactionExport:
    return get_object_or_404(transaction_export_list(user=user), pk=pk)
