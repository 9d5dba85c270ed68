"""Subscriptions and paydays found in a user's transaction history.

Pure reads: one query per call loads the history into a DataFrame, charges are grouped by a normalised
merchant and currency, and each series is kept only when its dates are regular (one charge per period on a
weekly, fortnightly, four-weekly, monthly, quarterly or yearly rhythm), its amounts are steady (one or two
price steps allowed) and it is still alive. Nothing is written here; payments.suggestions acts on the result.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from core.lazy import lazy_module
from payments.models import Frequency
from transactions.merchants import merchant_clean
from transactions.models import CategoryKind, Transaction

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:  # imported by the first computation, not by every web worker that imports this module (core.lazy)
    np = lazy_module("numpy")
    pd = lazy_module("pandas")


@dataclass(frozen=True)
class DetectedSubscription:
    merchant_key: str
    merchant: str
    frequency: str  # a payments.models.Frequency value
    interval_days: int
    amount: Decimal  # the latest charge, positive
    previous_amount: Decimal | None  # the steady amount before a step up to ``amount``
    currency: str
    account_id: int | None
    category_id: int | None
    first_date: dt.date
    last_date: dt.date
    next_date: dt.date
    charge_count: int
    confidence: Decimal  # 0-1, three places

    @property
    def interval_weeks(self) -> int:
        """N for Frequency.EVERY_N_WEEKS."""
        return max(round(self.interval_days / 7), 1)


@dataclass(frozen=True)
class DetectedIncome:
    payer: str
    amount: Decimal  # the latest payment, positive
    currency: str
    last_date: dt.date
    next_date: dt.date  # the next expected payday after ``today``
    interval_days: int


@dataclass(frozen=True)
class _Rhythm:
    frequency: str
    nominal: float  # days
    tolerance: float  # days either side
    weeks: int = 0  # for EVERY_N_WEEKS / WEEKLY: the step in weeks
    months: int = 0  # for calendar rhythms: the step in months


# Checked in this order; four-weekly before monthly, so a gym every 28 days is not mistaken for "monthly".
RHYTHMS = (
    _Rhythm(Frequency.WEEKLY, 7, 1, weeks=1),
    _Rhythm(Frequency.EVERY_N_WEEKS, 14, 2, weeks=2),
    _Rhythm(Frequency.EVERY_N_WEEKS, 28, 1, weeks=4),
    _Rhythm(Frequency.MONTHLY, 30.4, 4, months=1),
    _Rhythm(Frequency.QUARTERLY, 91.3, 7, months=3),
    _Rhythm(Frequency.YEARLY, 365.25, 10, months=12),
)

MIN_CHARGES = 3
MIN_YEARLY_CHARGES = 2
REGULAR_SHARE = 0.75  # of intervals within tolerance of the median interval
SHORT_INTERVAL_SHARE = 0.10  # intervals under half a period (a second charge in one period) allowed at most
STEADY_BAND = 0.10  # an amount within 10% of the median counts as "the same price"
STEADY_SHARE = 0.75
MAX_CV = 0.25  # above this the amounts vary like groceries, not like a bill
PRICE_STEP = 0.02  # consecutive charges further apart than 2% start a new price level
MAX_PRICE_LEVELS = 3

_DIGITS_AND_PUNCTUATION = re.compile(r"[\d\W_]+", re.UNICODE)
_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")


def merchant_key(name: str) -> str:
    """"Netflix.com", "NETFLIX.COM 4711" and "netflix com" share the key "netflix com"."""
    return " ".join(_DIGITS_AND_PUNCTUATION.sub(" ", name.casefold()).split())[:200]


def _history_frame(*, user, since: dt.date, until: dt.date, money_out: bool) -> pd.DataFrame:
    """The user's charges (money_out) or income in [since, until], transfers left out, in one query."""
    queryset = Transaction.objects.filter(owner=user, date__gte=since, date__lte=until)
    queryset = queryset.filter(amount__lt=0) if money_out else queryset.filter(amount__gt=0)
    # A transfer between one's own accounts is neither a subscription nor pay; uncategorized rows stay in.
    queryset = queryset.exclude(category__kind=CategoryKind.TRANSFER)
    rows = list(queryset.order_by().values_list(
        "date", "amount", "currency", "description", "merchant", "account_id", "category_id", "id"))
    columns = ["date", "amount", "currency", "description", "merchant", "account_id", "category_id", "id"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame.assign(name=pd.Series(dtype=str), key=pd.Series(dtype=str), value=pd.Series(dtype=float))
    # The stored merchant when there is one; else the cleaned description (once per distinct description).
    missing = frame["merchant"].str.strip() == ""
    if missing.any():
        # Descriptions that differ only in their digits (references, store numbers) clean to the same merchant
        # key, so one of each shape is cleaned: a few dozen calls instead of one per row.
        shapes = frame.loc[missing, "description"].str.translate(_DIGITS_TO_ZERO)
        examples = frame.loc[missing, "description"].groupby(shapes, sort=False).first()
        cleaned = {shape: merchant_clean(text) for shape, text in examples.items()}
        frame["name"] = frame["merchant"].where(~missing, shapes.map(cleaned))
    else:
        frame["name"] = frame["merchant"]
    keys = {name: merchant_key(name) for name in frame["name"].unique()}
    frame["key"] = frame["name"].map(keys)
    frame = frame[frame["key"] != ""].copy()
    frame["money"] = frame["amount"].map(abs)  # Decimal, for the amounts reported
    frame["value"] = frame["money"].astype(float)  # float, for the statistics only
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values(["key", "currency", "date", "id"], kind="stable")


def _rhythm_for(intervals: np.ndarray) -> _Rhythm | None:
    median = float(np.median(intervals))
    for rhythm in RHYTHMS:
        if abs(median - rhythm.nominal) > rhythm.tolerance:
            continue
        if rhythm.weeks == 4:
            # Four-weekly only when the gaps really are 28 days; calendar months (28-31) fall through to monthly.
            if np.mean(np.abs(intervals - 28) <= 1) < REGULAR_SHARE:
                continue
        return rhythm
    return None


def _regularity(intervals: np.ndarray, rhythm: _Rhythm) -> float:
    median = float(np.median(intervals))
    return float(np.mean(np.abs(intervals - median) <= rhythm.tolerance))


def _price_levels(values: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index ranges of runs of (nearly) the same price."""
    steps = np.abs(np.diff(values)) > PRICE_STEP * np.maximum(values[:-1], 0.01)
    starts = [0, *(np.flatnonzero(steps) + 1).tolist()]
    ends = [*starts[1:], len(values)]
    return list(zip(starts, ends, strict=True))


def _steady(values: np.ndarray) -> bool:
    median = float(np.median(values))
    if median <= 0:
        return False
    within = np.abs(values - median) <= STEADY_BAND * median
    return bool(np.mean(within) >= STEADY_SHARE and np.std(values) / np.mean(values) <= MAX_CV)


def _stepped(values: np.ndarray, levels: list[tuple[int, int]]) -> bool:
    """A few flat price levels (a price rise or two), each earlier one seen at least twice."""
    if len(levels) > MAX_PRICE_LEVELS:
        return False
    for start, end in levels:
        run = values[start:end]
        if run.max() > run.min() * (1 + STEADY_BAND / 2):
            return False
    return all(end - start >= 2 for start, end in levels[:-1])


def _next_date(*, last: dt.date, rhythm: _Rhythm, interval_days: int, day_of_month: int, today: dt.date,
               strictly_after_today: bool = False) -> dt.date:
    """The charge expected after ``last``, moved on by whole periods until it is not in the past."""
    n = 1
    while True:
        if rhythm.months:
            candidate = last + relativedelta(months=rhythm.months * n, day=day_of_month)
            if candidate <= last:  # day_of_month before last's day in the same month (e.g. a late charge)
                n += 1
                continue
        else:
            candidate = last + dt.timedelta(days=interval_days * n)
        if candidate > today or (candidate == today and not strictly_after_today):
            return candidate
        n += 1


def _series(group: pd.DataFrame, *, today: dt.date, min_charges: int = MIN_CHARGES,
            rhythms: tuple[str, ...] | None = None) -> dict | None:
    """The shape of one merchant's charges if they recur, else None."""
    count = len(group)
    if count < MIN_YEARLY_CHARGES:
        return None
    dates = group["date"].to_numpy()
    intervals = np.diff(dates).astype("timedelta64[D]").astype(float)
    rhythm = _rhythm_for(intervals)
    if rhythm is None or (rhythms is not None and rhythm.frequency not in rhythms):
        return None
    needed = MIN_YEARLY_CHARGES if rhythm.frequency == Frequency.YEARLY else min_charges
    if count < needed:
        return None
    regularity = _regularity(intervals, rhythm)
    if regularity < REGULAR_SHARE:
        return None
    median_interval = float(np.median(intervals))
    # Several charges in one period (weekly groceries bought twice some weeks) are not a subscription.
    if np.mean(intervals < median_interval / 2) > SHORT_INTERVAL_SHARE:
        return None
    last_date = group["date"].iloc[-1].date()
    if (today - last_date).days > 1.5 * median_interval + rhythm.tolerance:
        return None  # stopped: the next charge is long overdue
    values = group["value"].to_numpy()
    levels = _price_levels(values)
    steady = _steady(values)
    stepped = _stepped(values, levels)
    if not (steady or stepped):
        return None
    moneys = group["money"].tolist()
    previous_amount = None
    if stepped and len(levels) >= 2:
        start, end = levels[-2]
        before = Decimal(str(np.median(values[start:end]))).quantize(Decimal("0.01"))
        if values[-1] > float(before) * 1.01:
            previous_amount = before
    interval_days = int(round(median_interval)) if not rhythm.months else int(round(rhythm.nominal))
    if rhythm.weeks:
        interval_days = 7 * rhythm.weeks
    recent_days = group["date"].dt.day.iloc[-6:]
    day_of_month = int(recent_days.mode().iloc[-1])  # of ties, the later day
    amount_score = 1.0 if stepped else max(0.0, 1 - float(np.std(values) / np.mean(values)) / MAX_CV)
    confidence = 0.5 * regularity + 0.3 * amount_score + 0.2 * min(1.0, count / 6)
    return {
        "rhythm": rhythm,
        "interval_days": interval_days,
        "amount": moneys[-1],
        "previous_amount": previous_amount,
        "first_date": group["date"].iloc[0].date(),
        "last_date": last_date,
        "day_of_month": day_of_month,
        "charge_count": count,
        "confidence": Decimal(str(round(min(confidence, 1.0), 3))).quantize(Decimal("0.001")),
        "account_id": _maybe_int(group["account_id"].iloc[-1]),
        "category_id": _maybe_int(group["category_id"].iloc[-1]),
        "name": group["name"].iloc[-1],
    }


def _maybe_int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _alive_groups(frame: pd.DataFrame, *, today: dt.date, min_count: int):
    """Groups worth a closer look: enough rows and a charge within the longest rhythm's window."""
    grouped = frame.groupby(["key", "currency"], sort=False)["date"]
    latest_allowed = pd.Timestamp(today - dt.timedelta(days=int(1.5 * 365.25 + 10)))
    # The median gap of each series, computed for all of them at once: most noise has no rhythm at all.
    median_gap = grouped.diff().dt.days.groupby([frame["key"], frame["currency"]], sort=False).transform("median")
    has_rhythm = np.zeros(len(frame), dtype=bool)
    for rhythm in RHYTHMS:
        has_rhythm |= ((median_gap - rhythm.nominal).abs() <= rhythm.tolerance).to_numpy()
    wanted = (grouped.transform("size") >= min_count) & (grouped.transform("max") >= latest_allowed) & has_rhythm
    for (key, currency), group in frame[wanted].groupby(["key", "currency"], sort=False):
        yield key, currency, group


def subscriptions_detect(*, user, today: dt.date, history_days: int = 730) -> list[DetectedSubscription]:
    """Recurring charges in the user's last ``history_days`` of spending, most confident first."""
    frame = _history_frame(user=user, since=today - dt.timedelta(days=history_days), until=today, money_out=True)
    if frame.empty:
        return []
    found = []
    for key, currency, group in _alive_groups(frame, today=today, min_count=MIN_YEARLY_CHARGES):
        series = _series(group, today=today)
        if series is None:
            continue
        rhythm = series["rhythm"]
        found.append(DetectedSubscription(
            merchant_key=key, merchant=series["name"], frequency=rhythm.frequency,
            interval_days=series["interval_days"], amount=series["amount"],
            previous_amount=series["previous_amount"], currency=currency, account_id=series["account_id"],
            category_id=series["category_id"], first_date=series["first_date"], last_date=series["last_date"],
            next_date=_next_date(last=series["last_date"], rhythm=rhythm, interval_days=series["interval_days"],
                                 day_of_month=series["day_of_month"], today=today),
            charge_count=series["charge_count"], confidence=series["confidence"],
        ))
    return sorted(found, key=lambda s: (-s.confidence, s.merchant.casefold(), s.currency))


def _workday_before(day: dt.date) -> dt.date:
    """Pay due on a weekend arrives on the Friday before."""
    return day - dt.timedelta(days=max(day.weekday() - 4, 0))


def salary_detect(*, user, today: dt.date, history_days: int = 400) -> DetectedIncome | None:
    """The user's main pay: the largest regular monthly or fortnightly income, or None when there is none."""
    frame = _history_frame(user=user, since=today - dt.timedelta(days=history_days), until=today, money_out=False)
    if frame.empty:
        return None
    best = None
    pay_rhythms = (Frequency.MONTHLY, Frequency.EVERY_N_WEEKS, Frequency.WEEKLY)
    for _key, currency, group in _alive_groups(frame, today=today, min_count=MIN_CHARGES):
        series = _series(group, today=today, rhythms=pay_rhythms)
        if series is None or (series["rhythm"].weeks and series["rhythm"].weeks not in (1, 2)):
            continue
        # Monthly-equivalent pay, so a fortnightly wage compares fairly with a monthly salary.
        monthly = float(series["amount"]) * 30.4 / series["interval_days"]
        if best is None or monthly > best[0]:
            best = (monthly, currency, series)
    if best is None:
        return None
    _monthly, currency, series = best
    rhythm = series["rhythm"]
    if rhythm.months:
        # Paydays move to the Friday before a weekend: predict from the usual day, then apply that rule.
        day = _workday_before(_next_date(last=series["last_date"], rhythm=rhythm, interval_days=series["interval_days"],
                                         day_of_month=series["day_of_month"], today=today, strictly_after_today=True))
        if day <= today:  # the shift moved it back to today or before: the one after
            day = _workday_before(_next_date(last=day, rhythm=rhythm, interval_days=series["interval_days"],
                                             day_of_month=series["day_of_month"], today=today,
                                             strictly_after_today=True))
    else:
        day = _next_date(last=series["last_date"], rhythm=rhythm, interval_days=series["interval_days"],
                         day_of_month=series["day_of_month"], today=today, strictly_after_today=True)
    return DetectedIncome(payer=series["name"], amount=series["amount"], currency=currency,
                          last_date=series["last_date"], next_date=day, interval_days=series["interval_days"])
