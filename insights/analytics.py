"""Spending and savings analytics: reads of one user's ledger, in the user's preferred currency.

Spending is money out under expense categories, net of refunds filed there, plus uncategorized money out.
Income is money in under income categories (net of reversals) plus uncategorized money in. Transfers count
in neither, so savings (income - spending) is what the user's accounts gained outside transfers. A split
transaction counts by its parts. A transaction in another currency counts with its converted amount
(``transactions.selectors.amount_in_preferred``); one that was never converted is left out.

Each selector runs a small constant number of grouped aggregate queries, whatever the size of the ledger.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.db.models import BooleanField, Case, CharField, Count, ExpressionWrapper, F, Func, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractDay, Replace

from accounts.models import User
from core.money import money_text
from core.months import month_add, month_end, month_start  # noqa: F401 - also read as <module>.month_*
from transactions.currency import NoRateForDate, UnknownCurrency, convert
from transactions.merchants import merchant_clean
from transactions.models import AccountKind, CategoryKind, Transaction, TransactionSplit
from transactions.selectors import account_list, amount_in_preferred

# Dates outside these years are refused: month arithmetic near year 1 or 9999 would overflow.
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
MAX_PERIOD_DAYS = 3660  # a custom period of up to ten years

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
UNCATEGORIZED = "Uncategorized"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SPENDING, INCOME = "spending", "income"
PROJECTION_MONTHS = 6
MAX_PROJECTION_MONTHS = 1200  # beyond a hundred years a date means nothing (and could overflow)

# A transaction filed directly (not split) counts as spending or income by its category's kind; when it has
# no category, by its sign. A split part counts by its own category's kind.

def _bucket_filter(buckets: tuple[str, ...]) -> Q:
    kinds = {SPENDING: CategoryKind.EXPENSE, INCOME: CategoryKind.INCOME}
    signs = {SPENDING: "amount__lt", INCOME: "amount__gt"}
    condition = Q(category__kind__in=[kinds[bucket] for bucket in buckets])
    for bucket in buckets:
        condition |= Q(category__isnull=True, **{signs[bucket]: 0})
    return condition


_PART_BUCKET = Case(
    When(category__kind=CategoryKind.EXPENSE, then=Value(SPENDING)),
    When(category__kind=CategoryKind.INCOME, then=Value(INCOME)),
    default=Value("other"), output_field=CharField(),
)

Fields = Callable[[str], dict]


class YearMonth(Func):
    """A date's "YYYY-MM": TO_CHAR on PostgreSQL, a substring of the stored text on SQLite (where TruncMonth
    is a Python function called per row and cost more than the rest of the query)."""

    template = "TO_CHAR(%(expressions)s, 'YYYY-MM')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="SUBSTR(%(expressions)s, 1, 7)", **extra)


def _month_of(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


# --- results -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CategorySpending:
    category_id: int | None
    name: str
    parent_name: str | None
    total: Decimal
    count: int
    share: Decimal  # percent of all spending in the period, one decimal


@dataclass(frozen=True)
class MerchantSpending:
    merchant: str
    total: Decimal
    count: int
    share: Decimal


@dataclass(frozen=True)
class CategoryChange:
    category_id: int | None
    name: str
    this_month: Decimal
    last_month: Decimal
    average: Decimal  # of the three months before this one
    change: Decimal  # this month - last month
    change_percent: Decimal | None  # None when last month was nothing
    change_vs_average: Decimal
    change_vs_average_percent: Decimal | None
    text: str  # "Restaurants +EUR 84 (+31%) vs October"


@dataclass(frozen=True)
class MonthOverMonth:
    month: dt.date
    previous_month: dt.date
    currency: str
    total_this_month: Decimal
    total_last_month: Decimal
    rows: list[CategoryChange]
    movers_up: list[CategoryChange]
    movers_down: list[CategoryChange]
    # A month still running is compared like with like: its first ``through_day`` days against the same days
    # of each month before (None: whole months). ``compared`` says which, in words.
    through_day: int | None = None
    compared: str = ""


@dataclass(frozen=True)
class WeekdaySpending:
    weekday: int  # 0 is Monday
    name: str
    total: Decimal
    count: int
    days: int  # how many of this weekday the period has
    average: Decimal  # total / days


@dataclass(frozen=True)
class DaySpending:
    date: dt.date
    total: Decimal
    level: int  # 0 (nothing) to 4 (the top quarter of spending days)

    @property
    def label(self) -> str:
        """"Mon 3 Nov 2026": the heatmap shows 90+ days twice; strftime is far cheaper than |date per cell."""
        return f"{self.date:%a} {self.date.day} {self.date:%b %Y}"

    @property
    def iso(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True)
class SavingsMonth:
    month: dt.date
    income: Decimal
    spending: Decimal
    savings: Decimal
    savings_rate: Decimal | None  # percent of income, one decimal; None without income
    target_rate: Decimal
    on_target: bool
    is_partial: bool  # the current month, so far


@dataclass(frozen=True)
class SavingsProjection:
    currency: str
    months_considered: int
    months_negative: int
    average_monthly_savings: Decimal
    savings_balance: Decimal  # savings-kind accounts
    total_balance: Decimal  # every account
    basis: str  # "savings accounts" or "all accounts": the balance the projection starts from
    milestone: Decimal | None
    milestone_date: dt.date | None  # first day of the month it is reached
    goal_reached: bool
    sentence: str


# --- shared ----------------------------------------------------------------------------------------------


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def _part_in_preferred(row: dict, currency: str) -> Decimal | None:
    """A split part in the preferred currency: in proportion to its transaction's converted amount."""
    if row["t_converted_currency"] == currency and row["t_amount_converted"] is not None:
        return (row["amount"] * row["t_amount_converted"] / row["t_amount"]).quantize(CENT, rounding=ROUND_HALF_UP)
    if row["t_currency"] == currency:
        return row["amount"]
    return None


def _flows(*, user: User, start: dt.date, end: dt.date, fields: Fields, buckets: tuple[str, ...] = (SPENDING,),
           sample: str | None = None) -> dict[tuple, tuple[Decimal, int, str | None]]:
    """Signed totals, transaction counts and a sample of the ``sample`` field per (bucket, *field values).

    Two grouped queries. ``fields(prefix)`` names the grouping expressions; ``prefix`` reaches the transaction
    from a split part ("transaction__"), while category paths are the same on both (a part has its own category).
    """
    currency = user.financial_profile.preferred_currency
    amount = amount_in_preferred(currency)
    keys = list(fields(""))
    totals: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[tuple, int] = defaultdict(int)
    samples: dict[tuple, str | None] = {}
    # Grouped by category kind and sign, labelled in Python: a CASE per row costs more than the whole scan.
    whole = (
        Transaction.objects.filter(owner=user, date__gte=start, date__lte=end, splits=None)
        .filter(_bucket_filter(buckets)).order_by()
        .values(k_kind=F("category__kind"), k_out=ExpressionWrapper(Q(amount__lt=0), output_field=BooleanField()),
                **fields(""))
        .annotate(total=Sum(amount), n=Count(amount), **({"k_sample": Min(sample)} if sample else {}))
    )
    for row in whole:
        if row["k_kind"] is None:
            label = SPENDING if row["k_out"] else INCOME
        else:
            label = SPENDING if row["k_kind"] == CategoryKind.EXPENSE else INCOME
        key = (label, *(row[name] for name in keys))
        # SQLite sums decimals as floats: back to cents.
        totals[key] += (row["total"] or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)
        counts[key] += row["n"]
        samples.setdefault(key, row.get("k_sample"))
    parts = (
        TransactionSplit.objects.filter(transaction__owner=user, transaction__date__gte=start,
                                        transaction__date__lte=end)
        .annotate(bucket=_PART_BUCKET).filter(bucket__in=buckets).order_by()
        .values("bucket", "amount", "transaction_id", t_amount=F("transaction__amount"),
                t_currency=F("transaction__currency"), t_amount_converted=F("transaction__amount_converted"),
                t_converted_currency=F("transaction__converted_currency"), **fields("transaction__"),
                **({"k_sample": F(f"transaction__{sample}")} if sample else {}))
    )
    seen: dict[tuple, set[int]] = defaultdict(set)
    for row in parts:
        value = _part_in_preferred(row, currency)
        if value is None:
            continue
        key = (row["bucket"], *(row[name] for name in keys))
        totals[key] += value
        samples.setdefault(key, row.get("k_sample"))
        if row["transaction_id"] not in seen[key]:
            seen[key].add(row["transaction_id"])
            counts[key] += 1
    return {key: (totals[key], counts[key], samples.get(key)) for key in totals.keys() | counts.keys()}


def _category_fields(level: str) -> Fields:
    if level == "sub":
        return lambda prefix: {"k_cat": F("category_id"), "k_name": F("category__name"),
                               "k_parent": F("category__parent__name")}
    return lambda prefix: {"k_cat": Coalesce("category__parent_id", "category_id"),
                           "k_name": Coalesce("category__parent__name", "category__name")}


def _day_fields(prefix: str) -> dict:
    return {"k_day": F(f"{prefix}date")}


def _daily_spending(*, user: User, start: dt.date, end: dt.date) -> dict[dt.date, tuple[Decimal, int]]:
    """Spending (positive) and transaction count per day that has any."""
    days: dict[dt.date, tuple[Decimal, int]] = {}
    for (_, day), (total, count, _) in _flows(user=user, start=start, end=end, fields=_day_fields).items():
        days[day] = (-total, count)
    return days


# --- spending --------------------------------------------------------------------------------------------

def spending_by_category(*, user: User, start: dt.date, end: dt.date, level: str = "top") -> list[CategorySpending]:
    """Spending per category from ``start`` to ``end`` (inclusive), largest first; uncategorized is its own row.

    ``level`` "top" adds sub-categories into their top-level category; "sub" keeps each category apart.
    """
    flows = _flows(user=user, start=start, end=end, fields=_category_fields(level))
    grand = -sum((total for total, *_ in flows.values()), ZERO)
    rows = []
    for key, (total, count, _) in flows.items():
        category_id, name = key[1], key[2]
        parent = key[3] if level == "sub" else None
        rows.append(CategorySpending(category_id=category_id, name=name or UNCATEGORIZED, parent_name=parent,
                                     total=-total, count=count, share=_percent(-total, grand) or ZERO))
    rows.sort(key=lambda row: (-row.total, row.name))
    return rows


@lru_cache(maxsize=4096)
def _merchant_of(description_shape: str, description: str) -> str:
    return merchant_clean(description) or "Unknown"


def _without_digits(field: str):
    expression = F(field)
    for digit in "0123456789":
        expression = Replace(expression, Value(digit), Value(""))
    return expression


def _merchant_fields(prefix: str) -> dict:
    # Without a stored merchant, descriptions that differ only in their digits (references, dates) are one
    # group, cleaned once from a sample: a few dozen groups rather than one per transaction.
    return {"k_merchant": F(f"{prefix}merchant"),
            "k_shape": Case(When(**{f"{prefix}merchant": ""}, then=_without_digits(f"{prefix}description")),
                            default=Value(""), output_field=CharField())}


def spending_by_merchant(*, user: User, start: dt.date, end: dt.date, limit: int = 20) -> list[MerchantSpending]:
    """The ``limit`` merchants the user spent most with from ``start`` to ``end``; share of all spending.

    The merchant is the stored one, else the cleaned description (``transactions.merchants.merchant_clean``).
    """
    flows = _flows(user=user, start=start, end=end, fields=_merchant_fields, sample="description")
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, int] = defaultdict(int)
    for (_, merchant, shape), (total, count, description) in flows.items():
        name = merchant.strip() or _merchant_of(shape, description or "")
        totals[name] -= total
        counts[name] += count
    grand = sum(totals.values(), ZERO)
    ranked = sorted(totals, key=lambda name: (-totals[name], name.lower()))[:limit]
    return [MerchantSpending(merchant=name, total=totals[name], count=counts[name],
                             share=_percent(totals[name], grand) or ZERO) for name in ranked]


def _change_text(name: str, change: Decimal, percent: Decimal | None, currency: str, month: dt.date,
                 through_day: int | None) -> str:
    sign = "+" if change > 0 else "-"
    units = abs(change).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    share = f"{percent.quantize(Decimal(1), rounding=ROUND_HALF_UP):+}%" if percent is not None else "new"
    against = f"the same days of {month:%B}" if through_day else f"{month:%B}"
    return f"{name} {sign}{currency} {units:,} ({share}) vs {against}"


def _days_compared(this: dt.date, last: dt.date, through_day: int | None) -> str:
    """"1–4 December against 1–4 November", or "November against October" for whole months."""
    if through_day is None:
        return f"{this:%B %Y} against {last:%B}"
    days = "1" if through_day == 1 else f"1–{through_day}"
    return f"{days} {this:%B} against the same days of {last:%B}"


def month_over_month(*, user: User, month: dt.date, today: dt.date | None = None) -> MonthOverMonth:
    """Spending per top-level category in ``month`` against the month before and the three months before.

    A month still running (``today`` falls in it, before its last day) is compared like with like: its days
    so far against the same days of the months before, never four days against a whole month.
    """
    this = month_start(month)
    last = month_add(this, -1)
    first = month_add(this, -3)
    today = today or user.financial_profile.local_today()
    through_day = today.day if month_start(today) == this and today < month_end(this) else None
    currency = user.financial_profile.preferred_currency
    flows = _flows(user=user, start=first, end=month_end(this),
                   fields=lambda prefix: {"k_month": YearMonth(f"{prefix}date"), "k_day": ExtractDay(f"{prefix}date"),
                                          **_category_fields("top")(prefix)})
    by_category: dict[int | None, dict] = {}
    for (_, when, day, category_id, name), (total, *_) in flows.items():
        entry = by_category.setdefault(category_id, {"name": name or UNCATEGORIZED, "months": defaultdict(lambda: ZERO)})
        if through_day is None or day <= through_day:
            entry["months"][_month_of(when)] -= total
    rows = []
    for category_id, entry in by_category.items():
        months = entry["months"]
        now, before = months[this], months[last]
        average = (sum((months[month_add(this, -n)] for n in (1, 2, 3)), ZERO) / 3).quantize(CENT, ROUND_HALF_UP)
        change = now - before
        percent = _percent(change, before) if before > 0 else None
        rows.append(CategoryChange(
            category_id=category_id, name=entry["name"], this_month=now, last_month=before, average=average,
            change=change, change_percent=percent, change_vs_average=now - average,
            change_vs_average_percent=_percent(now - average, average) if average > 0 else None,
            text=_change_text(entry["name"], change, percent, currency, last, through_day),
        ))
    rows.sort(key=lambda row: (-row.this_month, row.name))
    up = sorted((row for row in rows if row.change > 0), key=lambda row: (-row.change, row.name))[:3]
    down = sorted((row for row in rows if row.change < 0), key=lambda row: (row.change, row.name))[:3]
    return MonthOverMonth(month=this, previous_month=last, currency=currency,
                          total_this_month=sum((row.this_month for row in rows), ZERO),
                          total_last_month=sum((row.last_month for row in rows), ZERO),
                          rows=rows, movers_up=up, movers_down=down, through_day=through_day,
                          compared=_days_compared(this, last, through_day))


def spending_by_weekday(*, user: User, start: dt.date, end: dt.date) -> list[WeekdaySpending]:
    """Seven rows, Monday first: spending on that weekday in the period and the average per such day."""
    totals = [ZERO] * 7
    counts = [0] * 7
    for day, (total, count) in _daily_spending(user=user, start=start, end=end).items():
        totals[day.weekday()] += total
        counts[day.weekday()] += count
    span = (end - start).days + 1
    rows = []
    for weekday in range(7):
        offset = (weekday - start.weekday()) % 7
        days = 0 if span <= offset else (span - offset - 1) // 7 + 1
        average = (totals[weekday] / days).quantize(CENT, ROUND_HALF_UP) if days else ZERO
        rows.append(WeekdaySpending(weekday=weekday, name=WEEKDAYS[weekday], total=totals[weekday],
                                    count=counts[weekday], days=days, average=average))
    return rows


def spending_calendar(*, user: User, start: dt.date, end: dt.date) -> list[DaySpending]:
    """One row per day from ``start`` to ``end``, with its spending and a heatmap level.

    Level 0 is a day with no (or negative, refund-only) spending; the other days get 1 to 4 by their rank
    among the period's spending days: the top quarter is 4, the bottom quarter 1.
    """
    days = _daily_spending(user=user, start=start, end=end)
    spent = sorted(total for total, _ in days.values() if total > 0)
    rows = []
    day = start
    while day <= end:
        total = days.get(day, (ZERO, 0))[0]
        level = math.ceil(4 * bisect_right(spent, total) / len(spent)) if total > 0 else 0
        rows.append(DaySpending(date=day, total=total, level=level))
        day += dt.timedelta(days=1)
    return rows


def calendar_weeks(days: list[DaySpending]) -> list[list[DaySpending | None]]:
    """The days as rows of seven, Monday first, padded with None before the first and after the last day."""
    if not days:
        return []
    cells: list[DaySpending | None] = [None] * days[0].date.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[index:index + 7] for index in range(0, len(cells), 7)]


# --- savings ---------------------------------------------------------------------------------------------

def savings_history(*, user: User, months: int = 12, today: dt.date | None = None) -> list[SavingsMonth]:
    """Income, spending, savings and savings rate for the last ``months`` months, oldest first.

    The last row is the current month so far (``is_partial``).
    """
    profile = user.financial_profile
    this = month_start(today or profile.local_today())
    first = month_add(this, -(months - 1))
    flows = _flows(user=user, start=first, end=month_end(this), buckets=(SPENDING, INCOME),
                   fields=lambda prefix: {"k_month": YearMonth(f"{prefix}date")})
    income: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    spending: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    for (bucket, when), (total, *_) in flows.items():
        if bucket == INCOME:
            income[_month_of(when)] += total
        else:
            spending[_month_of(when)] -= total
    target = Decimal(profile.savings_rate_target)
    rows = []
    for index in range(months):
        month = month_add(first, index)
        savings = income[month] - spending[month]
        rate = _percent(savings, income[month]) if income[month] > 0 else None
        rows.append(SavingsMonth(month=month, income=income[month], spending=spending[month], savings=savings,
                                 savings_rate=rate, target_rate=target,
                                 on_target=rate is not None and rate >= target, is_partial=month == this))
    return rows


def _milestone_step(balance: Decimal) -> Decimal:
    for below, step in ((5_000, 1_000), (50_000, 5_000), (200_000, 10_000)):
        if balance < below:
            return Decimal(step)
    return Decimal(50_000)


def _balances(*, user: User, currency: str, today: dt.date) -> tuple[Decimal, Decimal, bool]:
    """(savings accounts, all accounts, has a savings account) in the preferred currency, at today's rate."""
    savings = total = ZERO
    has_savings = False
    for account in account_list(user=user):
        balance = account.balance
        if account.currency != currency:
            try:
                balance = convert(balance, account.currency, currency, today).amount
            except (UnknownCurrency, NoRateForDate):
                continue  # no rate for that currency: the account is left out rather than counted wrongly
        total += balance
        if account.kind == AccountKind.SAVINGS:
            savings += balance
            has_savings = True
    return savings, total, has_savings


def savings_projection(*, user: User, goal: Decimal | None = None, today: dt.date | None = None) -> SavingsProjection:
    """Where saving at the average of the last six full months takes the user's savings, and by when.

    The milestone is ``goal`` when given, else the next round number above the balance. The balance is that
    of the savings accounts, or of all accounts when the user has no savings account. Months before the
    first one with any income or spending do not count, so a new user's average is not diluted.
    """
    profile = user.financial_profile
    currency = profile.preferred_currency
    today = today or profile.local_today()
    history = savings_history(user=user, months=PROJECTION_MONTHS + 1, today=today)[:-1]
    while history and not history[0].income and not history[0].spending:
        history.pop(0)
    savings_balance, total_balance, has_savings = _balances(user=user, currency=currency, today=today)
    balance = savings_balance if has_savings else total_balance
    basis = "savings accounts" if has_savings else "all accounts"
    considered = len(history)
    negative = sum(1 for row in history if row.savings < 0)
    average = (sum((row.savings for row in history), ZERO) / considered).quantize(CENT, ROUND_HALF_UP) \
        if considered else ZERO
    milestone = goal if goal is not None else (balance // _milestone_step(balance) + 1) * _milestone_step(balance)
    milestone = max(milestone, ZERO).quantize(CENT)
    reached = goal is not None and balance >= goal
    when = None

    def money(value: Decimal) -> str:
        return money_text(value, currency)

    if not considered:
        sentence = "Not enough history yet: a projection needs at least one full month of income or spending."
    elif reached:
        sentence = f"Your {basis} ({money(balance)}) have already reached your goal of {money(milestone)}."
    elif average <= 0:
        months = f"{negative} of the last {considered} month{'s' if considered != 1 else ''}"
        if negative:
            sentence = (f"You spent more than you earned in {months}, so at this rate your savings are not "
                        f"growing (on average {money(average)} a month).")
        else:
            sentence = f"Your income and spending balanced out over the last {considered} months: your savings " \
                       "are not growing at this rate."
    elif (needed := math.ceil((milestone - balance) / average)) > MAX_PROJECTION_MONTHS:
        sentence = (f"At this rate ({money(average)} a month) your savings would take more than "
                    f"{MAX_PROJECTION_MONTHS // 12} years to reach {money(milestone)}.")
    else:
        when = month_add(month_start(today), needed)
        sentence = (f"At this rate ({money(average)} a month) your savings reach {money(milestone)} "
                    f"by {when:%B %Y}.")
    return SavingsProjection(
        currency=currency, months_considered=considered, months_negative=negative, average_monthly_savings=average,
        savings_balance=savings_balance, total_balance=total_balance, basis=basis, milestone=milestone,
        milestone_date=when, goal_reached=reached, sentence=sentence,
    )


def period_range(*, period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates of a named period ending on or before ``today``'s month: this_month, last_month, ..."""
    this = month_start(today)
    if period == "last_month":
        return month_add(this, -1), this - dt.timedelta(days=1)
    if period == "last_3_months":
        return month_add(this, -2), today
    if period == "this_year":
        return today.replace(month=1, day=1), today
    return this, today


PERIODS = (("this_month", "This month"), ("last_month", "Last month"), ("last_3_months", "Last 3 months"),
           ("this_year", "This year"), ("custom", "Custom"))
