"""Monthly spend per user and top-level expense category: the table budget suggestions learn from.

``monthly_spend_frame`` aggregates the ledger in the database (TruncMonth), one query for plain
transactions and one for split parts, for one user or a batch of users; pandas does the rest.
Spend is money out minus refunds in the user's preferred currency (the converted amount when the
conversion was into that currency, else the amount when it already is in it; anything else is left
out, as in the weekly digest). Income and transfer categories are not spending.

``synthetic_population`` builds a realistic multi-household monthly table for evaluation and tests.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Sum, When
from django.db.models.functions import Coalesce, TruncMonth

from transactions.models import CategoryKind, Transaction, TransactionSplit

SPEND_COLUMNS = ["user_id", "category_id", "month", "spend", "count"]
INCOME_COLUMNS = ["user_id", "month", "income"]
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_add(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_index(month: dt.date) -> int:
    """Months since year 0: consecutive months are consecutive integers."""
    return month.year * 12 + month.month - 1


def _in_preferred_currency(prefix: str = "") -> Case:
    preferred = F(f"{prefix}owner__financial_profile__preferred_currency")
    return Case(
        When(**{f"{prefix}converted_currency": preferred, f"{prefix}amount_converted__isnull": False},
             then=F(f"{prefix}amount_converted")),
        When(**{f"{prefix}currency": preferred}, then=F(f"{prefix}amount")),
        default=None, output_field=_MONEY,
    )


def monthly_ledger(*, user_ids: Iterable[int], since: dt.date | None = None, before: dt.date | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(spend, income) frames for these users.

    spend: user_id, category_id (top-level expense category), month (first day), spend (float, money out
    minus refunds), count (transactions). income: user_id, month, income (money in, income categories).
    Months without any row are absent; callers fill them with zero within a user's history.
    """
    user_ids = list(user_ids)
    rows = (Transaction.objects.filter(owner_id__in=user_ids, category__isnull=False)
            .filter(category__kind__in=[CategoryKind.EXPENSE, CategoryKind.INCOME])
            .exclude(Exists(TransactionSplit.objects.filter(transaction_id=OuterRef("pk")))))
    split_rows = TransactionSplit.objects.filter(
        transaction__owner_id__in=user_ids, category__kind__in=[CategoryKind.EXPENSE, CategoryKind.INCOME])
    if since is not None:
        rows = rows.filter(date__gte=since)
        split_rows = split_rows.filter(transaction__date__gte=since)
    if before is not None:
        rows = rows.filter(date__lt=before)
        split_rows = split_rows.filter(transaction__date__lt=before)
    plain = list(
        rows.annotate(month=TruncMonth("date"), top=Coalesce("category__parent_id", "category_id"))
        .values("owner_id", "top", "category__kind", "month")
        .annotate(total=Sum(_in_preferred_currency()), n=Count("pk"))
        .order_by()
    )
    # A split part is in its transaction's currency: scale it by the transaction's conversion when converted.
    preferred = F("transaction__owner__financial_profile__preferred_currency")
    part_in_currency = Case(
        When(Q(transaction__converted_currency=preferred, transaction__amount_converted__isnull=False)
             & ~Q(transaction__amount=0),
             then=F("amount") * F("transaction__amount_converted") / F("transaction__amount")),
        When(transaction__currency=preferred, then=F("amount")),
        default=None, output_field=_MONEY,
    )
    parts = list(
        split_rows.annotate(month=TruncMonth("transaction__date"), top=Coalesce("category__parent_id", "category_id"),
                            owner_id=F("transaction__owner_id"))
        .values("owner_id", "top", "category__kind", "month")
        .annotate(total=Sum(part_in_currency), n=Count("transaction_id", distinct=True))
        .order_by()
    )
    records = [(r["owner_id"], r["top"], r["category__kind"], _as_date(r["month"]),
                float(r["total"] or 0), r["n"]) for r in plain + parts]
    frame = pd.DataFrame(records, columns=["user_id", "category_id", "kind", "month", "total", "count"])
    spend = frame[frame["kind"] == CategoryKind.EXPENSE].copy()
    spend["spend"] = -spend["total"]
    spend = (spend.groupby(["user_id", "category_id", "month"], as_index=False)
             .agg(spend=("spend", "sum"), count=("count", "sum")))
    income = frame[frame["kind"] == CategoryKind.INCOME]
    income = income.groupby(["user_id", "month"], as_index=False).agg(income=("total", "sum"))
    return spend[SPEND_COLUMNS].reset_index(drop=True), income[INCOME_COLUMNS].reset_index(drop=True)


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def first_months(*, user_ids: Iterable[int]) -> dict[int, dt.date]:
    """The month of each user's first transaction (any kind): where their history starts."""
    from django.db.models import Min

    rows = (Transaction.objects.filter(owner_id__in=list(user_ids)).values("owner_id")
            .annotate(first=Min("date")).order_by())
    return {r["owner_id"]: month_start(r["first"]) for r in rows}


def spend_matrix(spend: pd.DataFrame, *, starts: dict[int, dt.date], until: dt.date) -> pd.DataFrame:
    """Dense spend per (user, category) and month from each user's first month up to ``until`` (exclusive),
    zeros where nothing was spent: rows (user_id, category_id), columns month indexes."""
    if spend.empty:
        return pd.DataFrame()
    last = month_index(until) - 1
    firsts = {u: month_index(m) for u, m in starts.items()}
    frame = spend.assign(m=spend["month"].map(month_index))
    frame = frame[frame["m"] <= last]
    table = frame.pivot_table(index=["user_id", "category_id"], columns="m", values="spend", aggfunc="sum",
                              fill_value=0.0)
    lo = min(firsts.values()) if firsts else int(table.columns.min())
    table = table.reindex(columns=range(lo, last + 1), fill_value=0.0)
    # Months before a user's first transaction are unknown, not zero.
    user_first = np.array([firsts.get(u, lo) for u in table.index.get_level_values(0)])
    mask = np.asarray(table.columns)[None, :] < user_first[:, None]
    return table.mask(mask)


# --- synthetic population -------------------------------------------------------------------------------

# Category keys as in the standard taxonomy, with a typical monthly spend (EUR) of a middle household,
# how noisy it is (coefficient of variation), how often it is empty, and its seasonal pattern.
_SEASONS = {
    "none": [1.0] * 12,
    "gifts": [0.6, 0.5, 0.6, 0.8, 0.9, 0.7, 0.7, 0.7, 0.8, 0.9, 1.4, 4.0],
    "travel": [0.2, 0.2, 0.4, 0.6, 0.8, 1.6, 2.6, 2.4, 1.0, 0.6, 0.3, 0.5],
    "heating": [1.3, 1.3, 1.15, 1.0, 0.9, 0.85, 0.85, 0.85, 0.9, 1.0, 1.15, 1.3],
    "shopping": [0.8, 0.8, 0.9, 1.0, 1.0, 0.95, 0.9, 0.9, 1.0, 1.0, 1.3, 1.6],
    "summer": [0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.25, 1.25, 1.05, 0.95, 0.85, 1.0],
}
_PROFILE = [
    # key, base EUR, cv, probability of an empty month, season, fixed (bill-like)
    ("housing", 1150.0, 0.04, 0.0, "heating", True),
    ("food_drink", 620.0, 0.12, 0.0, "summer", False),
    ("transportation", 210.0, 0.30, 0.03, "summer", False),
    ("shopping", 260.0, 0.45, 0.05, "shopping", False),
    ("health_wellness", 95.0, 0.50, 0.10, "none", False),
    ("entertainment", 80.0, 0.40, 0.08, "summer", False),
    ("subscriptions", 42.0, 0.05, 0.0, "none", True),
    ("travel", 180.0, 0.90, 0.35, "travel", False),
    ("personal_care", 45.0, 0.50, 0.20, "none", False),
    ("gifts_donations", 60.0, 0.60, 0.25, "gifts", False),
    ("fees_charges", 9.0, 0.30, 0.05, "none", True),
    ("education", 70.0, 0.50, 0.55, "none", False),
]


def synthetic_population(*, users: int = 60, months: int = 30, seed: int = 0,
                         end: dt.date = dt.date(2026, 10, 1)) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(spend, income, profiles) frames for ``users`` varied households over ``months`` months ending before
    ``end``, shaped like the demo ledger: a German household's categories and levels, scaled per household
    (income 0.5x-2.5x), with persistent habits, slow trends up or down, seasonality (December gifts, summer
    travel, winter heating), a yearly insurance bill, noise, and occasional big one-off purchases.

    Category ids are the index of the category in ``_PROFILE`` (the evaluation does not need real rows).
    profiles: user_id, income, savings_rate_target, start (first month).
    """
    rng = np.random.default_rng(seed)
    first = month_add(end, -months)
    spend_rows: list[tuple] = []
    income_rows: list[tuple] = []
    profile_rows: list[tuple] = []
    for user in range(1, users + 1):
        scale = float(np.exp(rng.normal(0.0, 0.35)))  # household size and income level
        income = round(3400.0 * scale * float(rng.uniform(0.9, 1.3)), 2)
        # Shorter histories too: users join at different times.
        start_offset = int(rng.choice([0, 0, 0, 3, 6, 12])) if months > 18 else 0
        start = month_add(first, start_offset)
        profile_rows.append((user, income, float(rng.choice([10, 15, 20, 25])), start))
        insurance_month = int(rng.integers(1, 13))
        for cat_index, (key, base, cv, empty_p, season, fixed) in enumerate(_PROFILE):
            if not fixed and rng.random() < 0.12:
                continue  # this household does not spend here at all
            level = base * scale * float(np.exp(rng.normal(0.0, 0.3)))
            trend = 0.0 if fixed else float(rng.choice([0.0, 0.0, rng.normal(0.0, 0.02)]))  # per month
            habit_cv = cv * float(rng.uniform(0.6, 1.4))
            persist = float(rng.uniform(0.2, 0.6))  # autocorrelation of a household's deviations
            deviation = 0.0
            rent_change = int(rng.integers(6, months + 6))  # housing costs step up once in a while
            for offset in range(months - start_offset):
                month = month_add(start, offset)
                t = offset + start_offset
                seasonal = _SEASONS[season][month.month - 1]
                deviation = persist * deviation + math.sqrt(1 - persist**2) * float(rng.normal(0.0, habit_cv))
                value = level * math.exp(trend * t) * seasonal * max(0.05, 1.0 + deviation)
                if key == "housing":
                    value *= 1.0 + (0.06 if t >= rent_change else 0.0)
                    if month.month == insurance_month:
                        value += 380.0 * scale  # yearly household insurance
                if fixed and key != "housing":
                    value = level * (1.0 + float(rng.normal(0.0, 0.01)))
                if not fixed and rng.random() < empty_p * (1.0 / max(seasonal, 0.3)):
                    value = 0.0
                if key in ("shopping", "transportation", "health_wellness") and rng.random() < 0.04:
                    value += float(rng.uniform(300, 1500)) * scale  # a laptop, car repair, dentist bill
                if value <= 0:
                    continue
                n = max(1, int(rng.poisson(max(1.0, value / (25.0 if not fixed else 200.0)))))
                spend_rows.append((user, cat_index, month, round(value, 2), n))
        for offset in range(months - start_offset):
            month = month_add(start, offset)
            bonus = income * 0.8 if month.month in (6, 11) and rng.random() < 0.4 else 0.0
            income_rows.append((user, month, round(income * float(rng.normal(1.0, 0.02)) + bonus, 2)))
    spend = pd.DataFrame(spend_rows, columns=SPEND_COLUMNS)
    income_frame = pd.DataFrame(income_rows, columns=INCOME_COLUMNS)
    profiles = pd.DataFrame(profile_rows, columns=["user_id", "income", "savings_rate_target", "start"])
    return spend, income_frame, profiles


def synthetic_category_keys() -> list[str]:
    return [row[0] for row in _PROFILE]


def decimal_or_none(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
