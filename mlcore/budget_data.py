"""Monthly spend per user and top-level expense category: the table budget suggestions learn from.

``monthly_ledger`` aggregates the ledger in the database (TruncMonth), one query for plain transactions
and one for split parts, for one user or a batch of users; ``panel_for_users`` turns it (with recurring
bills and profile incomes) into the dense ``MonthlyPanel`` the heuristic and the model read.
Spend is money out minus refunds in the user's preferred currency (the converted amount when the
conversion was into that currency, else the amount when it already is in it; anything else is left
out, as in the weekly digest). Income and transfer categories are not spending.

``synthetic_population`` builds a realistic multi-household panel for evaluation and tests.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Case, Count, DecimalField, Exists, F, Min, OuterRef, Q, Sum, When
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import FinancialProfile
from core.months import month_add, month_start  # noqa: F401 - also read as <module>.month_*
from payments.models import RecurringPayment
from payments.schedule import due_dates
from transactions.models import Category, CategoryKind, Transaction, TransactionSplit
from transactions.selectors import amount_in_preferred
from transactions.taxonomy import TAXONOMY

SPEND_COLUMNS = ["user_id", "category_id", "month", "spend", "count"]
INCOME_COLUMNS = ["user_id", "month", "income"]
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def month_index(month: dt.date) -> int:
    """Months since year 0: consecutive months are consecutive integers."""
    return month.year * 12 + month.month - 1


def _in_preferred_currency(prefix: str = "") -> Case:
    return amount_in_preferred(F(f"{prefix}owner__financial_profile__preferred_currency"), prefix=prefix)


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

    rows = (Transaction.objects.filter(owner_id__in=list(user_ids)).values("owner_id")
            .annotate(first=Min("date")).order_by())
    return {r["owner_id"]: month_start(r["first"]) for r in rows}


# --- the panel the model reads ------------------------------------------------------------------------

TOP_KEYS = [key for key, _name, kind, _children in TAXONOMY if kind == "expense"]
CUSTOM_CODE = len(TOP_KEYS)  # a user's own top-level category


def category_code(key: str | None) -> int:
    """The standard top-level category's position (a categorical feature), or CUSTOM_CODE."""
    top = (key or "").split(".")[0]
    return TOP_KEYS.index(top) if top in TOP_KEYS else CUSTOM_CODE


@dataclass(slots=True)
class MonthlyPanel:
    """Dense per-(user, category) x month arrays; column j is month ``first + j``.

    spend is NaN before a user's first month and from ``known_until`` on (not yet known); counts and bills
    are zero where nothing happened; income is the user's observed income that month (NaN unknown).
    """

    first: dt.date
    user_ids: np.ndarray  # (R,)
    category_ids: np.ndarray  # (R,)
    category_codes: np.ndarray  # (R,)
    spend: np.ndarray  # (R, N) float
    counts: np.ndarray  # (R, N)
    bills: np.ndarray  # (R, N): expected amounts of recurring bills of that category due that month
    income: np.ndarray  # (R, N): the user's income that month (same for all the user's rows)
    profile_income: np.ndarray  # (R,): the stated monthly net income, NaN when not given
    savings_target: np.ndarray  # (R,): savings-rate target in percent

    @property
    def months(self) -> int:
        return self.spend.shape[1]

    def column(self, month: dt.date) -> int:
        return month_index(month) - month_index(self.first)

    def month_at(self, column: int) -> dt.date:
        return month_add(self.first, column)

    def rows(self) -> int:
        return self.spend.shape[0]


def panel_from_frames(*, spend: pd.DataFrame, income: pd.DataFrame, starts: dict[int, dt.date],
                      until: dt.date, known_until: dt.date, category_codes: dict[int, int],
                      bills: pd.DataFrame | None = None, profile_income: dict[int, float] | None = None,
                      savings_target: dict[int, float] | None = None) -> MonthlyPanel:
    """Months from the earliest start to ``until`` inclusive; spend known before ``known_until``."""
    first = min(starts.values())
    n = month_index(until) - month_index(first) + 1
    keys = (sorted({(int(u), int(c)) for u, c in zip(spend["user_id"], spend["category_id"], strict=True)
                    if int(u) in starts}) if len(spend) else [])
    row_of = {key: i for i, key in enumerate(keys)}
    r = len(keys)
    spend_arr = np.zeros((r, n))
    counts = np.zeros((r, n))
    bill_arr = np.zeros((r, n))
    base = month_index(first)

    def _fill(frame: pd.DataFrame, target: np.ndarray, value: str) -> None:
        if frame is None or frame.empty:
            return
        cols = frame["month"].map(month_index).to_numpy() - base
        idx = np.array([row_of.get((int(u), int(c)), -1) for u, c in zip(frame["user_id"], frame["category_id"],
                                                                           strict=True)])
        ok = (idx >= 0) & (cols >= 0) & (cols < n)
        np.add.at(target, (idx[ok], cols[ok]), frame[value].to_numpy(dtype=float)[ok])

    _fill(spend, spend_arr, "spend")
    _fill(spend, counts, "count")
    _fill(bills, bill_arr, "bills")
    user_ids = np.array([k[0] for k in keys], dtype=np.int64)
    category_ids = np.array([k[1] for k in keys], dtype=np.int64)
    starts_col = np.array([month_index(starts[u]) - base for u in user_ids], dtype=np.int64)
    known_col = month_index(known_until) - base
    columns = np.arange(n)[None, :]
    spend_arr[(columns < starts_col[:, None]) | (columns >= known_col)] = np.nan

    income_arr = np.full((r, n), np.nan)
    if len(income) and r:
        by_user = {int(u): i for i, u in enumerate(np.unique(user_ids))}
        user_income = np.full((len(by_user), n), np.nan)
        cols = income["month"].map(month_index).to_numpy() - base
        uidx = np.array([by_user.get(int(u), -1) for u in income["user_id"]])
        ok = (uidx >= 0) & (cols >= 0) & (cols < n)
        user_income[uidx[ok], cols[ok]] = income["income"].to_numpy(dtype=float)[ok]
        income_arr = user_income[[by_user[int(u)] for u in user_ids]]
        income_arr[:, known_col:] = np.nan
    profile_income = profile_income or {}
    savings_target = savings_target or {}
    return MonthlyPanel(
        first=first, user_ids=user_ids, category_ids=category_ids,
        category_codes=np.array([category_codes.get(int(c), CUSTOM_CODE) for c in category_ids], dtype=np.int64),
        spend=spend_arr, counts=counts, bills=bill_arr, income=income_arr,
        profile_income=np.array([profile_income.get(int(u), np.nan) for u in user_ids], dtype=float),
        savings_target=np.array([savings_target.get(int(u), 20.0) for u in user_ids], dtype=float),
    )


def bills_frame(*, user_ids: Iterable[int], first: dt.date, until: dt.date) -> pd.DataFrame:
    """Expected amounts of the users' active recurring bills per top-level category and month (first to
    ``until`` inclusive), only bills in the user's preferred currency."""

    last_day = month_add(until, 1) - dt.timedelta(days=1)
    payments = (RecurringPayment.objects.filter(user_id__in=list(user_ids), is_active=True, category__isnull=False,
                                                category__kind=CategoryKind.EXPENSE)
                .filter(currency=F("user__financial_profile__preferred_currency"))
                .select_related("category"))
    rows = []
    for payment in payments:
        top = payment.category.parent_id or payment.category_id
        for due in due_dates(payment, after=first, until=last_day):
            rows.append((payment.user_id, top, month_start(due), float(payment.amount)))
    frame = pd.DataFrame(rows, columns=["user_id", "category_id", "month", "bills"])
    return frame.groupby(["user_id", "category_id", "month"], as_index=False)["bills"].sum() if rows else frame


def panel_for_users(*, user_ids: Iterable[int], until: dt.date, known_until: dt.date | None = None,
                    history_months: int | None = None) -> MonthlyPanel | None:
    """The panel of these users from the database, spend known before ``known_until`` (default ``until``);
    None when none of them has a transaction."""

    user_ids = list(user_ids)
    known_until = known_until or until
    starts = first_months(user_ids=user_ids)
    if history_months is not None:
        floor = month_add(known_until, -history_months)
        starts = {u: max(m, floor) for u, m in starts.items()}
    starts = {u: m for u, m in starts.items() if m <= until}
    if not starts:
        return None
    first = min(starts.values())
    spend, income = monthly_ledger(user_ids=list(starts), since=first, before=known_until)
    codes = {pk: category_code(key) for pk, key in
             Category.objects.filter(pk__in=set(spend["category_id"].tolist())).values_list("pk", "key")}
    profiles = FinancialProfile.objects.filter(user_id__in=list(starts)).values_list(
        "user_id", "monthly_net_income", "savings_rate_target")
    return panel_from_frames(
        spend=spend, income=income, starts=starts, until=until, known_until=known_until, category_codes=codes,
        bills=bills_frame(user_ids=list(starts), first=first, until=until),
        profile_income={u: float(i) for u, i, _ in profiles if i is not None and i > 0},
        savings_target={u: float(t) for u, _, t in profiles if t is not None},
    )


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
                         end: dt.date = dt.date(2026, 10, 1)) -> MonthlyPanel:
    """The panel of ``synthetic_frames``' households."""
    return panel_from_frames(**synthetic_frames(users=users, months=months, seed=seed, end=end))


def synthetic_frames(*, users: int = 60, months: int = 30, seed: int = 0,
                     end: dt.date = dt.date(2026, 10, 1)) -> dict:
    """panel_from_frames' arguments for ``users`` varied households over ``months`` months ending before ``end``, shaped like the
    demo ledger (seed_demo): a German household's categories and levels, scaled per household (income about
    0.5x-2.5x), persistent habits, slow trends up or down, seasonality (December gifts, summer travel, winter
    heating), a yearly household insurance, a rent increase, noise, empty months and occasional big one-off
    purchases (a laptop, a car repair). Some users joined later; about 60% entered their bills, about half
    stated their income. Category ids are positions in ``_PROFILE`` (no database rows needed).
    """
    rng = np.random.default_rng(seed)
    first = month_add(end, -months)
    spend_rows: list[tuple] = []
    bill_rows: list[tuple] = []
    income_rows: list[tuple] = []
    starts: dict[int, dt.date] = {}
    stated: dict[int, float] = {}
    targets: dict[int, float] = {}
    for user in range(1, users + 1):
        scale = float(np.exp(rng.normal(0.0, 0.35)))  # household size and income level
        income = 3400.0 * scale * float(rng.uniform(0.9, 1.3))
        start_offset = int(rng.choice([0, 0, 0, 3, 6, 12])) if months > 18 else 0  # users join at different times
        start = starts[user] = month_add(first, start_offset)
        if rng.random() < 0.5:
            stated[user] = round(income, -1)
        targets[user] = float(rng.choice([10, 15, 20, 25]))
        has_bills = rng.random() < 0.6
        insurance_month = int(rng.integers(1, 13))
        for cat_index, (key, base, cv, empty_p, season, fixed) in enumerate(_PROFILE):
            if not fixed and rng.random() < 0.12:
                continue  # this household does not spend here at all
            level = base * scale * float(np.exp(rng.normal(0.0, 0.3)))
            trend = 0.0 if fixed else float(rng.choice([0.0, 0.0, rng.normal(0.0, 0.02)]))  # per month
            habit_cv = cv * float(rng.uniform(0.6, 1.4))
            persist = float(rng.uniform(0.2, 0.6))  # how long a household's deviations last
            deviation = 0.0
            rent_change = int(rng.integers(6, months + 6))  # housing costs step up once
            for offset in range(months - start_offset):
                month = month_add(start, offset)
                t = offset + start_offset
                seasonal = _SEASONS[season][month.month - 1]
                deviation = persist * deviation + math.sqrt(1 - persist**2) * float(rng.normal(0.0, habit_cv))
                bill = 0.0
                if key == "housing":
                    rent = level * (1.06 if t >= rent_change else 1.0)
                    value = rent * (0.75 + 0.25 * seasonal) * (1.0 + float(rng.normal(0.0, cv)))  # rent + energy
                    bill = rent * 0.75
                    if month.month == insurance_month:
                        value += 380.0 * scale  # yearly household and liability insurance
                        bill += 380.0 * scale
                elif fixed:
                    value = bill = level * (1.0 + float(rng.normal(0.0, 0.01)))
                else:
                    value = level * math.exp(trend * t) * seasonal * max(0.05, 1.0 + deviation)
                    if rng.random() < empty_p / max(seasonal, 0.3):
                        value = 0.0
                if key in ("shopping", "transportation", "health_wellness") and rng.random() < 0.04:
                    value += float(rng.uniform(300, 1500)) * scale
                if has_bills and bill > 0:
                    bill_rows.append((user, cat_index, month, round(bill, 2)))
                if value <= 0:
                    continue
                n = max(1, int(rng.poisson(max(1.0, value / (200.0 if fixed else 25.0)))))
                spend_rows.append((user, cat_index, month, round(value, 2), n))
        for offset in range(months - start_offset):
            month = month_add(start, offset)
            bonus = income * 0.8 if month.month in (6, 11) and rng.random() < 0.4 else 0.0
            income_rows.append((user, month, round(income * float(rng.normal(1.0, 0.02)) + bonus, 2)))
    return {
        "spend": pd.DataFrame(spend_rows, columns=SPEND_COLUMNS),
        "income": pd.DataFrame(income_rows, columns=INCOME_COLUMNS),
        "bills": pd.DataFrame(bill_rows, columns=["user_id", "category_id", "month", "bills"]),
        "starts": starts, "until": month_add(end, -1), "known_until": end,
        "category_codes": {i: category_code(row[0]) for i, row in enumerate(_PROFILE)},
        "profile_income": stated, "savings_target": targets,
    }


def synthetic_daily_spending(panel: MonthlyPanel, *, seed: int = 0) -> dict[int, pd.Series]:
    """Each synthetic household's daily spending: a category's month spread over its ``count`` payments on
    random days (bill-like categories on one day of the month, the same each month), so the forecaster can be
    backtested on households whose monthly totals are known to come from seasonal, trending, noisy habits."""
    rng = np.random.default_rng(seed)
    fixed = np.array([_PROFILE[int(c)][5] if int(c) < len(_PROFILE) else False for c in panel.category_ids])
    bill_day = rng.integers(1, 29, size=panel.rows())
    series: dict[int, dict[dt.date, float]] = {}
    for row in range(panel.rows()):
        days = series.setdefault(int(panel.user_ids[row]), {})
        for column in np.nonzero(~np.isnan(panel.spend[row]))[0]:
            month = panel.month_at(int(column))
            _spread(days, month=month, amount=float(panel.spend[row, column]), rng=rng,
                    count=int(panel.counts[row, column]), bill_day=int(bill_day[row]) if fixed[row] else None)
    return {user: _daily_series(days, panel=panel) for user, days in series.items()}


def _spread(days: dict[dt.date, float], *, month: dt.date, amount: float, count: int, rng: np.random.Generator,
            bill_day: int | None) -> None:
    """Add one category-month's spending to ``days``: on the bill day, or as ``count`` payments of random
    sizes (Dirichlet shares) on random days."""
    if amount <= 0:
        return
    if bill_day is not None:
        day = month.replace(day=bill_day)
        days[day] = days.get(day, 0.0) + amount
        return
    length = (month_add(month, 1) - month).days
    shares = rng.dirichlet(np.ones(max(count, 1)))
    for share, offset in zip(shares, rng.integers(0, length, size=len(shares)), strict=True):
        day = month + dt.timedelta(days=int(offset))
        days[day] = days.get(day, 0.0) + amount * float(share)


def _daily_series(days: dict[dt.date, float], *, panel: MonthlyPanel) -> pd.Series:
    """Every day from the household's first month to the panel's last day, zeros included."""
    first = min(days).replace(day=1) if days else panel.first
    end = month_add(panel.month_at(panel.months - 1), 1) - dt.timedelta(days=1)
    index = pd.date_range(first, end, freq="D")
    values = pd.Series(days, dtype=float)
    values.index = pd.to_datetime(values.index)
    return values.groupby(level=0).sum().reindex(index, fill_value=0.0)


REAL_USER_IDS = 1_000_000  # real histories' user ids start here, after any generated household's
REAL_CATEGORY_IDS = 1_000  # and their categories' ids, after the generated profile's positions


def real_history_frames(histories: list[list[tuple[dt.date, float, str]]]) -> tuple[dict, dict[int, str]]:
    """panel_from_frames' spend, income, starts and category codes for real histories, one user each: rows of
    (date, money spent (negative: money in), category label); and each category id's label. A label naming a
    top-level category of the taxonomy (``Entertainment``, ``food_drink``) gets its code; other labels are
    custom categories."""
    labels = sorted({label for history in histories for _day, _spent, label in history})
    category_of = {label: REAL_CATEGORY_IDS + i for i, label in enumerate(labels)}
    codes = {category_of[label]: category_code(label.strip().casefold().replace(" ", "_")) for label in labels}
    spend: dict[tuple[int, int, dt.date], list[float]] = {}
    income: dict[tuple[int, dt.date], float] = {}
    starts: dict[int, dt.date] = {}
    for n, history in enumerate(histories):
        user = REAL_USER_IDS + n
        starts[user] = min(day for day, _spent, _label in history).replace(day=1)
        for day, spent, label in history:
            month = day.replace(day=1)
            if spent < 0 and label.casefold() in _INCOME_LABELS:
                income[(user, month)] = income.get((user, month), 0.0) - spent
            elif label.casefold() not in _INCOME_LABELS | _TRANSFER_LABELS:
                cell = spend.setdefault((user, category_of[label], month), [0.0, 0])
                cell[0] += spent  # refunds in the category lower its spending
                cell[1] += 1
    return {
        "spend": pd.DataFrame([(u, c, m, v, int(k)) for (u, c, m), (v, k) in spend.items() if v > 0],
                              columns=SPEND_COLUMNS),
        "income": pd.DataFrame([(u, m, v) for (u, m), v in income.items()], columns=INCOME_COLUMNS),
        "starts": starts, "category_codes": codes,
    }, {pk: label for label, pk in category_of.items()}


# Labels of real exports that are not spending: income; money moved between one's own accounts or taken as
# cash (spent later, unseen); money coming back.
_INCOME_LABELS = {"income", "salary", "interest received", "interest", "dividends"}
_TRANSFER_LABELS = {"transfer", "transfers", "bank transfer", "savings transfer", "savings", "investment",
                    "investments", "credit card payment", "cash withdrawal", "atm and cash withdrawal", "cash deposit",
                    "refund", "returned debit order"}


def frames_combine(first: dict, second: dict) -> dict:
    """Two sets of panel_from_frames' arguments as one (their user and category ids must not overlap)."""
    combined = dict(first)
    for key in ("spend", "income", "bills"):
        parts = [frame for frame in (first.get(key), second.get(key)) if frame is not None and len(frame)]
        combined[key] = pd.concat(parts, ignore_index=True) if parts else first.get(key)
    for key in ("starts", "category_codes", "profile_income", "savings_target"):
        combined[key] = {**(first.get(key) or {}), **(second.get(key) or {})}
    return combined
