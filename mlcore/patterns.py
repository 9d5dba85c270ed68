"""A person's normal: the per-user baseline every detector, the patterns page and later features read.

Computed from the ledger by a worker (nightly and after an import), stored in SpendingPattern, never computed
in a request. ``patterns_compute`` is pure (rows in, SpendingPatterns out) so that ``evaluate_anomalies``
replays the same code over a file.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import types
import typing
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from core.lazy import lazy_module
from core.pages import preferred_currency
from mlcore.models import AnomalyVerdict, SpendingPattern, Verdict
from mlcore.results import CategoryPattern, IncomePattern, MerchantPattern, MonthTotal, SpendingPatterns
from payments.detection import MIN_CHARGES, REGULAR_SHARE, RHYTHMS, merchant_key
from transactions.merchants import merchant_clean
from transactions.models import CategoryKind, Transaction, TransactionSplit

if TYPE_CHECKING:
    import numpy as np
else:  # imported by the first computation, not by every web worker that imports this module (core.lazy)
    np = lazy_module("numpy")

CENT = Decimal("0.01")
MIN_HABIT_CHARGES = 4  # charges before a merchant's usual days of month mean anything
HABIT_SHARE = 0.75
FUTURE_DAYS = 7  # rows dated up to a week ahead (a card's pending charges) belong to the history
_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")
_CLEANED: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One ledger row as the patterns and the detectors see it."""

    id: int
    date: dt.date
    amount: Decimal  # signed (negative is money out), in the user's preferred currency
    currency: str  # the row's own currency
    description: str
    merchant_key: str
    merchant_name: str
    category_id: int | None
    category_name: str
    category_kind: str  # "expense", "income", "transfer" or ""
    account_id: int = 0


def merchant_identity(description: str, merchant: str = "") -> tuple[str, str]:
    """(key, shown name) of a charge's merchant: the stored merchant, else the cleaned description."""
    name = merchant.strip() or _cleaned(description.translate(_DIGITS_TO_ZERO), description)
    return merchant_key(name), name


def _cleaned(shape: str, description: str) -> str:
    # Descriptions that differ only in digits (store numbers, dates) clean alike: one cleaning per shape.
    if shape not in _CLEANED:
        if len(_CLEANED) > 50_000:
            _CLEANED.clear()
        _CLEANED[shape] = merchant_clean(description)
    return _CLEANED[shape]


def history_rows(*, user: User, until: dt.date | None = None, since: dt.date | None = None) -> list[HistoryRow]:
    """The user's ledger as HistoryRows, oldest first, in one query.

    A split transaction stays one row (a merchant's habits want the whole charge) filed under its largest
    part's category, so category totals move a split's smaller parts to its main category.
    """
    largest_part = (TransactionSplit.objects.filter(transaction_id=OuterRef("pk"))
                    .order_by("amount", "id"))  # money out: most negative first
    queryset = Transaction.objects.filter(owner=user)
    if until is not None:
        queryset = queryset.filter(date__lte=until)
    if since is not None:
        queryset = queryset.filter(date__gte=since)
    queryset = queryset.annotate(
        split_category=Subquery(largest_part.values("category_id")[:1]),
        split_name=Subquery(largest_part.values("category__name")[:1]),
        split_parent=Subquery(largest_part.values("category__parent__name")[:1]),
        split_kind=Subquery(largest_part.values("category__kind")[:1]),
    ).order_by("date", "id")
    fields = ("id", "date", "amount", "amount_converted", "currency", "description", "merchant", "account_id",
              "category_id", "category__name", "category__parent__name", "category__kind",
              "split_category", "split_name", "split_parent", "split_kind")
    rows = []
    for (pk, day, amount, converted, currency, description, merchant, account_id, category_id, name, parent,
         kind, split_category, split_name, split_parent, split_kind) in queryset.values_list(*fields):
        if split_category is not None:
            category_id, name, parent, kind = split_category, split_name, split_parent, split_kind
        key, shown = merchant_identity(description, merchant)
        rows.append(HistoryRow(
            id=pk, date=day, amount=converted if converted is not None else amount, currency=currency,
            description=description, merchant_key=key, merchant_name=shown, category_id=category_id,
            category_name=f"{parent} > {name}" if parent else (name or ""), category_kind=kind or "",
            account_id=account_id))
    return rows


def is_spending(row: HistoryRow) -> bool:
    return row.amount < 0 and row.category_kind != CategoryKind.TRANSFER


def is_income(row: HistoryRow) -> bool:
    return row.amount > 0 and row.category_kind not in (CategoryKind.TRANSFER, CategoryKind.EXPENSE)


def _money(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2))).quantize(CENT)


def _median_mad(values: np.ndarray) -> tuple[float, float]:
    median = float(np.median(values))
    return median, float(np.median(np.abs(values - median)))


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months_between(start: dt.date, end: dt.date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _monthly_totals(rows: Sequence[HistoryRow], months: list[str]) -> np.ndarray:
    index = {month: n for n, month in enumerate(months)}
    totals = np.zeros(len(months))
    for row in rows:
        totals[index[_month(row.date)]] += abs(float(row.amount))
    return totals


def _category_patterns(spending: list[HistoryRow], income: list[HistoryRow],
                       months: list[str]) -> tuple[CategoryPattern, ...]:
    found = []
    for group, kind in ((spending, CategoryKind.EXPENSE), (income, CategoryKind.INCOME)):
        whole = sum(abs(float(row.amount)) for row in group) or 1.0
        by_category: dict[int, list[HistoryRow]] = defaultdict(list)
        for row in group:
            if row.category_id is not None:
                by_category[row.category_id].append(row)
        for category_id, rows in by_category.items():
            totals = _monthly_totals(rows, months)
            amounts = np.array([abs(float(row.amount)) for row in rows])
            median, mad = _median_mad(amounts)
            found.append(CategoryPattern(
                category_id=category_id, name=rows[-1].category_name, kind=kind,
                monthly_mean=_money(totals.mean()), monthly_spread=_money(totals.std()),
                usual_low=_money(np.percentile(totals, 10)), usual_high=_money(np.percentile(totals, 90)),
                share=round(float(amounts.sum()) / whole, 4), months_used=int((totals > 0).sum()),
                charges_per_month=round(len(rows) / len(months), 3), amount_median=_money(median),
                amount_mad=_money(mad),
                monthly=tuple(MonthTotal(month=month, total=_money(total))
                              for month, total in zip(months[-12:], totals[-12:], strict=True))))
    return tuple(sorted(found, key=lambda c: (c.kind != CategoryKind.EXPENSE, -c.monthly_mean, c.name)))


def _usual_days(days: list[int]) -> tuple[int, ...]:
    """The few days of month (at most 3) that hold three quarters of the charges, or () without such a habit."""
    if len(days) < MIN_HABIT_CHARGES:
        return ()
    counts = Counter(days).most_common()
    chosen, covered = [], 0
    for day, count in counts[:3]:
        if count < 2:
            break
        chosen.append(day)
        covered += count
        if covered >= HABIT_SHARE * len(days):
            return tuple(sorted(chosen))
    return ()


def _is_recurring(intervals: np.ndarray, amounts: np.ndarray) -> bool:
    if len(intervals) < MIN_CHARGES - 1 or not len(amounts):
        return False
    median = float(np.median(intervals))
    rhythm = next((r for r in RHYTHMS if abs(median - r.nominal) <= r.tolerance), None)
    if rhythm is None or float(np.mean(np.abs(intervals - median) <= rhythm.tolerance)) < REGULAR_SHARE:
        return False
    centre = float(np.median(amounts))
    return centre > 0 and float(np.mean(np.abs(amounts - centre) <= 0.1 * centre)) >= REGULAR_SHARE


def _merchant_pattern(key: str, rows: list[HistoryRow]) -> MerchantPattern:
    amounts = np.array([abs(float(row.amount)) for row in rows])
    ordinals = np.array([row.date.toordinal() for row in rows])
    intervals = np.diff(ordinals).astype(float)
    median, mad = _median_mad(amounts)
    weekdays = [0] * 7
    for row in rows:
        weekdays[row.date.weekday()] += 1
    span = max(int(ordinals[-1] - ordinals[0]), 30)
    categories = Counter(row.category_id for row in rows if row.category_id is not None)
    return MerchantPattern(
        key=key, name=rows[-1].merchant_name, category_id=categories.most_common(1)[0][0] if categories else None,
        charges=len(rows), amount_median=_money(median), amount_mad=_money(mad),
        per_30_days=round(len(rows) * 30 / span, 3), weekdays=tuple(weekdays),
        days_of_month=_usual_days([row.date.day for row in rows]),
        interval_days=float(np.median(intervals)) if len(intervals) else None,
        recurring=_is_recurring(intervals, amounts), first_date=rows[0].date, last_date=rows[-1].date)


def _income_pattern(income: list[HistoryRow], months: list[str]) -> IncomePattern | None:
    if not income:
        return None
    totals = _monthly_totals(income, months)
    by_payer: dict[str, list[HistoryRow]] = defaultdict(list)
    for row in income:
        by_payer[row.merchant_key].append(row)
    # The main source: the payer with the most money among those paying in at least half the months.
    regular = {key: rows for key, rows in by_payer.items() if len({_month(r.date) for r in rows}) >= len(months) / 2}
    source = max(regular.values() or by_payer.values(), key=lambda rows: sum(float(r.amount) for r in rows))
    present = len({_month(row.date) for row in source}) / len(months)
    days = [row.date.day for row in source]
    usual_day = int(np.median(days)) if days else None
    on_time = float(np.mean([abs(day - usual_day) <= 3 for day in days])) if usual_day else 0.0
    mean = float(totals.mean())
    return IncomePattern(
        monthly_mean=_money(mean), monthly_spread=_money(totals.std()),
        variation=round(float(totals.std()) / mean, 3) if mean else 0.0,
        regularity=round(present * on_time, 3), usual_day=usual_day if len(source) >= 2 else None,
        main_source=source[-1].merchant_name)


def _seasonality(spending: list[HistoryRow], months: list[str]) -> tuple[float, ...] | None:
    if len(months) < 24:
        return None
    totals = _monthly_totals(spending, months)
    overall = float(totals.mean())
    if overall <= 0:
        return None
    by_month: dict[int, list[float]] = defaultdict(list)
    for month, total in zip(months, totals, strict=True):
        by_month[int(month[5:])].append(float(total))
    return tuple(round(float(np.mean(by_month[m])) / overall, 3) if by_month[m] else 1.0 for m in range(1, 13))


def patterns_compute(rows: Sequence[HistoryRow], *, currency: str, today: dt.date,
                     accepted: dict[str, dict[str, Any]] | None = None,
                     disowned: dict[str, dict[str, Any]] | None = None) -> SpendingPatterns:
    """The person's normal from their rows (any order); pure, so evaluate_anomalies replays it over a file."""
    rows = sorted((row for row in rows if row.date <= today), key=lambda row: (row.date, row.id))
    start = rows[0].date if rows else today
    end = rows[-1].date if rows else today
    months = _months_between(start, end)
    spending = [row for row in rows if is_spending(row)]
    income = [row for row in rows if is_income(row)]
    by_merchant: dict[str, list[HistoryRow]] = defaultdict(list)
    for row in spending:
        if row.merchant_key:
            by_merchant[row.merchant_key].append(row)
    merchants = sorted((_merchant_pattern(key, group) for key, group in by_merchant.items()),
                       key=lambda m: (-m.charges, m.key))
    totals = _monthly_totals(spending, months)
    charges = np.array([abs(float(row.amount)) for row in spending]) if spending else np.zeros(1)
    # "Large for this person" leaves their bills out: a new shop is measured against the other shops, not rent.
    bills = {merchant.key for merchant in merchants if merchant.recurring}
    one_off = [abs(float(row.amount)) for row in spending if row.merchant_key not in bills]
    high = np.percentile(one_off, 95) if one_off else np.percentile(charges, 95)
    return SpendingPatterns(
        currency=currency, history_start=start, history_end=end, months=round((end - start).days / 30.44, 2),
        transactions=len(rows), monthly_spending_mean=_money(totals.mean()),
        monthly_spending_spread=_money(totals.std()), categories=_category_patterns(spending, income, months),
        merchants=tuple(merchants), income=_income_pattern(income, months),
        seasonality=_seasonality(spending, months), currencies=dict(Counter(row.currency for row in spending)),
        accepted=dict(accepted or {}), charge_median=_money(np.median(charges)),
        charge_high=_money(high), disowned=dict(disowned or {}))


FORMAT_VERSION = 1


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _to_json(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    return value


@functools.cache
def _fields(kind: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's (field name, resolved annotation) pairs, resolved once per class."""
    hints = typing.get_type_hints(kind)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(kind))


def _from_json(kind: Any, value: Any) -> Any:
    """``value`` read back as the annotated type ``kind`` (dataclasses, Decimal, date, tuples, optionals)."""
    if value is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        return _from_json(next(arg for arg in args if arg is not type(None)), value)
    if origin is tuple:
        return tuple(_from_json(args[0], item) for item in value)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return kind(**{name: _from_json(hint, value[name]) for name, hint in _fields(kind) if name in value})
    if kind is Decimal:
        return Decimal(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is float:
        return float(value)
    return value


def patterns_to_json(patterns: SpendingPatterns) -> dict[str, Any]:
    return _to_json(patterns)


def patterns_from_json(data: dict[str, Any]) -> SpendingPatterns:
    return _from_json(SpendingPatterns, data)


def patterns_store(*, user: User, patterns: SpendingPatterns, computed_at: dt.datetime | None = None) -> None:
    SpendingPattern.objects.update_or_create(user=user, defaults={
        "format_version": FORMAT_VERSION, "computed_at": computed_at or timezone.now(),
        "transactions_count": patterns.transactions, "data": patterns_to_json(patterns)})


def patterns_get(*, user: User) -> tuple[SpendingPatterns, dt.datetime] | None:
    """The stored patterns and when they were computed; None before the first computation (or when a stored
    copy is of an older format: the next refresh replaces it)."""
    stored = SpendingPattern.objects.filter(user=user, format_version=FORMAT_VERSION).first()
    if stored is None:
        return None
    return patterns_from_json(stored.data), stored.computed_at


def accepted_add(accepted: dict[str, dict[str, Any]], *, merchant_key: str, amount: Decimal,
                 detectors: Sequence[str]) -> None:
    """Fold one "This is fine" into ``accepted``: the highest amount accepted at the merchant, and the detectors."""
    known = accepted.get(merchant_key, {"amount_high": "0", "detectors": []})
    accepted[merchant_key] = {"amount_high": str(max(Decimal(known["amount_high"]), amount)),
                              "detectors": sorted(set(known["detectors"]) | set(detectors))}


def verdict_memory(*, user: User) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(accepted, disowned) from what the person said of flagged charges, by merchant key.

    Accepted ("This is fine"): the highest amount accepted and the detectors that flagged it, so the same
    pattern stays quiet. Disowned ("Not mine"): the latest such charge, so similar ones score higher.
    """
    accepted: dict[str, dict[str, Any]] = {}
    disowned: dict[str, dict[str, Any]] = {}
    verdicts = AnomalyVerdict.objects.filter(user=user).exclude(merchant_key="").order_by("created_at", "id")
    for verdict in verdicts.values("verdict", "merchant_key", "amount", "detectors", "date", "transaction_id"):
        key = verdict["merchant_key"]
        if verdict["verdict"] == Verdict.FINE:
            accepted_add(accepted, merchant_key=key, amount=verdict["amount"], detectors=verdict["detectors"] or [])
        elif verdict["verdict"] == Verdict.NOT_MINE:
            disowned[key] = {"amount": str(verdict["amount"]), "date": verdict["date"].isoformat(),
                             "transaction_id": verdict["transaction_id"]}
    return accepted, disowned


def patterns_refresh(*, user: User, today: dt.date | None = None,
                     unconfirmed_ids: Collection[int] = ()) -> SpendingPatterns:
    """Workers only: compute the user's patterns from their ledger and store them.

    ``unconfirmed_ids``: charges flagged Medium or High that the person has not called fine. They stay out of
    the normal until then, so a repeated fraud does not teach the patterns that it is usual.
    """
    today = today or timezone.localdate()
    accepted, disowned = verdict_memory(user=user)
    rows = history_rows(user=user, until=today + dt.timedelta(days=FUTURE_DAYS))
    unconfirmed = set(unconfirmed_ids)
    patterns = patterns_compute([row for row in rows if row.id not in unconfirmed],
                                currency=preferred_currency(user), today=today + dt.timedelta(days=FUTURE_DAYS),
                                accepted=accepted, disowned=disowned)
    patterns_store(user=user, patterns=patterns)
    return patterns
