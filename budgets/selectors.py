"""Reads of budgets: this month's progress per budget and the monthly history, each in a constant number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from accounts.models import User
from budgets.models import Budget

# Re-exported (the redundant aliases say so): views and services read them as selectors.month_*.
from core.months import month_add as month_add
from core.months import month_end as month_end
from core.months import month_start as month_start
from mlcore import services as mlcore
from mlcore.services import BudgetSuggestion
from transactions.models import Category, CategoryKind, Transaction, TransactionSplit
from transactions.selectors import amount_in_preferred, category_list, ledger_version

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
WARNING_PERCENT = 80
OVER_PERCENT = 100


@dataclass(frozen=True)
class BudgetProgress:
    budget: Budget
    spent: Decimal  # money out minus refunds, in the preferred currency
    available: Decimal  # the amount plus what was rolled over, when the budget rolls over
    remaining: Decimal
    percent: int
    status: str  # "ok", "warning" (>= 80%) or "over" (>= 100%)
    month_elapsed: int  # percent of the month that has passed
    pace: str  # "on track" or "ahead of pace" (spending faster than the month passes)

    @property
    def pace_text(self) -> str:
        """What every page says of the pace, with how far ahead: "Ahead of pace: 62% spent, 45% of the month gone"."""
        if self.pace == "on track":
            return "On track"
        return f"Ahead of pace: {self.percent}% spent, {self.month_elapsed}% of the month gone"

    @property
    def currency(self) -> str:
        return self.budget.currency

    @property
    def name(self) -> str:
        return budget_name(self.budget)

    @property
    def overspent(self) -> Decimal:
        return max(-self.remaining, ZERO)

    @property
    def bar_percent(self) -> int:
        return min(self.percent, 100)


@dataclass(frozen=True)
class BudgetHistoryEntry:
    month: dt.date
    category_id: int | None
    name: str
    available: Decimal
    spent: Decimal
    currency: str


def budget_name(budget: Budget) -> str:
    return budget.category.name if budget.category is not None else "Overall"


def budget_list(*, user: User, month: dt.date | None = None) -> QuerySet[Budget]:
    budgets = Budget.objects.for_user(user).select_related("category", "category__parent")
    if month is not None:
        budgets = budgets.for_month(month)
    return budgets.order_by("month", "category__name", "id")


def budget_get(*, user: User, pk: int) -> Budget:
    return get_object_or_404(budget_list(user=user), pk=pk)


def budget_categories(*, user: User) -> list[Category]:
    """Categories a budget may be set on: the user's visible expense categories (not the ones they hid)."""
    return [c for c in category_list(user=user, include_hidden=False) if c.kind == CategoryKind.EXPENSE]


class _SplitPartRow(TypedDict):
    amount: Decimal
    transaction__amount: Decimal
    transaction__currency: str
    transaction__amount_converted: Decimal | None
    transaction__converted_currency: str


def _split_part_in_currency(row: _SplitPartRow, currency: str) -> Decimal | None:
    """A split part's share in ``currency``: converted at its transaction's own rate."""
    converted = row["transaction__amount_converted"]
    if row["transaction__converted_currency"] == currency and converted is not None:
        if not row["transaction__amount"]:
            return None
        share = row["amount"] * converted / row["transaction__amount"]
        return share.quantize(CENT, rounding=ROUND_HALF_UP)
    if row["transaction__currency"] == currency:
        return row["amount"]
    return None


# Spending by month and category is kept under the ledger's version, at most this long (as the dashboard's figures).
SPENDING_SECONDS = 60

Spending = dict[dt.date, dict[int | None, tuple[Decimal, Decimal]]]


def spending_by_category(*, user: User, first_month: dt.date, last_month: dt.date, currency: str,
                         kept: bool = True) -> Spending:
    """Per month and category id (None: uncategorized): (money out, money in), both positive, in ``currency``.

    Kept in the cache under the ledger's version (transactions.selectors.ledger_version, replaced by every change
    of the ledger): the dashboard's and the budgets' pages read it on every visit, and a month of a 100,000-row
    ledger is two aggregates through row security. ``kept=False`` reads the ledger itself (what acts on a change
    just made, such as the budget alerts' check).
    """
    start, end = month_start(first_month), month_end(last_month)
    if not kept:
        return _spending_by_category(user=user, start=start, end=end, currency=currency)
    key = f"budgets:spending:{user.pk}:{ledger_version(user=user)}:{start}:{end}:{currency}"
    spending: Spending | None = cache.get(key)
    if spending is None:
        spending = _spending_by_category(user=user, start=start, end=end, currency=currency)
        cache.set(key, spending, SPENDING_SECONDS)
    return spending


def _spending_by_category(*, user: User, start: dt.date, end: dt.date, currency: str) -> Spending:
    """Two aggregate queries whatever the range: whole transactions grouped by month and category, and split parts
    (a split transaction has no category of its own; its parts are filed under theirs)."""
    in_currency = amount_in_preferred(currency)
    has_parts = TransactionSplit.objects.filter(transaction_id=OuterRef("pk"))
    rows = (
        Transaction.objects.for_user(user).filter(date__gte=start, date__lte=end).filter(~Exists(has_parts))
        .annotate(month=TruncMonth("date")).order_by().values("month", "category_id")
        .annotate(out=Sum(in_currency, filter=Q(amount__lt=0)), refunds=Sum(in_currency, filter=Q(amount__gt=0)))
    )
    result: dict[dt.date, dict[int | None, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        totals = result[month][row["category_id"]]
        totals[0] += -(row["out"] or ZERO)
        totals[1] += row["refunds"] or ZERO
    parts = (
        TransactionSplit.objects.filter(transaction__owner=user, transaction__date__gte=start,
                                        transaction__date__lte=end)
        .values("category_id", "amount", "transaction__date", "transaction__amount", "transaction__currency",
                "transaction__amount_converted", "transaction__converted_currency")
    )
    for part in parts:
        value = _split_part_in_currency(part, currency)
        if value is None:
            continue
        totals = result[month_start(part["transaction__date"])][part["category_id"]]
        if value < 0:
            totals[0] += -value
        else:
            totals[1] += value
    return {month: {cid: (out, refunds) for cid, (out, refunds) in by_cat.items()} for month, by_cat in result.items()}


class _Taxonomy:
    """Which categories count as spending, and which sub-categories a top category covers (one query)."""

    def __init__(self, user: User):
        self.kind: dict[int, str] = {}
        self.children: dict[int, list[int]] = defaultdict(list)
        for pk, parent_id, kind in Category.objects.visible_to(user).values_list("pk", "parent_id", "kind"):
            self.kind[pk] = kind
            if parent_id:
                self.children[parent_id].append(pk)

    def spent(self, totals: dict[int | None, tuple[Decimal, Decimal]], category_id: int | None) -> Decimal:
        if category_id is not None:
            spent = ZERO
            for cid in (category_id, *self.children.get(category_id, ())):
                out, refunds = totals.get(cid, (ZERO, ZERO))
                spent += out - refunds
            return spent
        # Overall: every expense category (refunds included) and uncategorized money out; no transfers or income.
        spent = ZERO
        for cid, (out, refunds) in totals.items():
            if cid is None:
                spent += out
            elif self.kind.get(cid, CategoryKind.EXPENSE) == CategoryKind.EXPENSE:
                spent += out - refunds
        return spent


def month_elapsed_percent(month: dt.date, today: dt.date) -> int:
    if today < month:
        return 0
    if today > month_end(month):
        return 100
    return round(today.day * 100 / calendar.monthrange(month.year, month.month)[1])


def progress_for(budget: Budget, spent: Decimal, *, elapsed: int) -> BudgetProgress:
    available = budget.available
    remaining = available - spent
    if available > 0:
        percent = max(int(spent * 100 / available), 0)
    else:
        percent = OVER_PERCENT if spent > 0 or available < 0 else 0
    status = "over" if percent >= OVER_PERCENT else "warning" if percent >= WARNING_PERCENT else "ok"
    pace = "ahead of pace" if percent > elapsed else "on track"
    return BudgetProgress(budget=budget, spent=spent, available=available, remaining=remaining, percent=percent,
                          status=status, month_elapsed=elapsed, pace=pace)


def budget_progress(*, user: User, month: dt.date, today: dt.date | None = None,
                    budgets: list[Budget] | None = None, kept: bool = True) -> list[BudgetProgress]:
    """Progress of each of the user's budgets in ``month``, the overall one first; four queries in all (two when
    the month's spending is kept; ``kept=False``: read from the ledger itself, see spending_by_category)."""
    month = month_start(month)
    today = today or user.financial_profile.local_today()
    if budgets is None:
        budgets = list(budget_list(user=user, month=month))
    if not budgets:
        return []
    currency = user.financial_profile.preferred_currency
    totals = spending_by_category(user=user, first_month=month, last_month=month, currency=currency,
                                  kept=kept).get(month, {})
    taxonomy = _Taxonomy(user)
    elapsed = month_elapsed_percent(month, today)
    progress = [progress_for(b, taxonomy.spent(totals, b.category_id), elapsed=elapsed) for b in budgets]
    progress.sort(key=lambda p: (p.budget.category_id is not None, p.name.lower(), p.budget.pk))
    return progress


def budget_history(*, user: User, months: int = 12, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The last ``months`` months (oldest first, this month included): each month's budgets with what was
    available and what was spent. Four queries whatever the number of months and budgets."""
    today = today or user.financial_profile.local_today()
    months = max(1, min(int(months), 120))
    last = month_start(today)
    first = month_add(last, -(months - 1))
    currency = user.financial_profile.preferred_currency
    budgets = list(budget_list(user=user).filter(month__gte=first, month__lte=last))
    spending = spending_by_category(user=user, first_month=first, last_month=last, currency=currency)
    taxonomy = _Taxonomy(user)
    by_month: dict[dt.date, list[Budget]] = defaultdict(list)
    for budget in budgets:
        by_month[budget.month].append(budget)
    history: list[dict[str, Any]] = []
    for index in range(months):
        month = month_add(first, index)
        totals = spending.get(month, {})
        entries = [
            BudgetHistoryEntry(month=month, category_id=b.category_id, name=budget_name(b), available=b.available,
                               spent=taxonomy.spent(totals, b.category_id), currency=b.currency)
            for b in sorted(by_month.get(month, []), key=lambda b: (b.category_id is not None, budget_name(b).lower()))
        ]
        history.append({"month": month, "budgets": entries})
    return history


def budget_spent(*, user: User, budget: Budget) -> Decimal:
    """What was spent against one budget in its month (used when a month is carried over)."""
    return budget_progress(user=user, month=budget.month, budgets=[budget])[0].spent


def suggestion_list(*, user: User, month: dt.date) -> list[BudgetSuggestion]:
    """Budget suggestions for ``month`` from mlcore (model or heuristic), or none while that is unavailable.

    A suggestion of nothing (a category spent in once in three months) is left out: as a budget it would only
    say "exceeded" at the first purchase.
    """
    return [s for s in mlcore.budget_suggestions(user=user, month=month_start(month)) if s.amount > 0]
