"""Frequency: more charges at a merchant in a few days than its rhythm allows (a Poisson tail)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from mlcore.anomalies.base import DetectionContext, factor, material, ramp
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

RECENT = 250  # charges
WINDOWS = (1, 3, 7)  # days; the smallest tail of the three counts, corrected for looking three times
MIN_SPAN_DAYS = 30
PRIOR_DAYS = 30
RECORD_CHARGES = 10
RECORD_DAYS = 90


def poisson_tail(count: int, mean: float) -> float:
    """P(N >= count) for N ~ Poisson(mean)."""
    if count <= 0:
        return 1.0
    term = math.exp(-mean)
    below = term
    for n in range(1, count):
        term *= mean / n
        below += term
    return max(1.0 - below, 0.0) if below < 1 - 1e-12 else _upper_sum(count, mean)


def _upper_sum(count: int, mean: float) -> float:
    # Summed from the top when 1 - cdf would lose every digit.
    term = math.exp(-mean + count * math.log(max(mean, 1e-300)) - math.lgamma(count + 1))
    total, n = 0.0, count
    while term > total * 1e-12 and n < count + 200:
        total += term
        n += 1
        term *= mean / n
    return total


def _usual_burst(rows: list[HistoryRow], days: int) -> int:
    """The most charges the merchant made within any ``days`` days before: its own clustering."""
    most, start = 0, 0
    for end, row in enumerate(rows):
        while (row.date - rows[start].date).days >= days:
            start += 1
        most = max(most, end - start + 1)
    return most


def typical_rate(context: DetectionContext) -> float:
    """Charges a day at the person's typical merchant: the median over every merchant of its charges per day
    since it first charged (most merchants are seen once or twice, and that is part of the typical)."""
    if "typical_rate" not in context.cache:
        rates = [len(rows) / max((context.today - rows[0].date).days, MIN_SPAN_DAYS)
                 for rows in context.by_merchant.values()]
        context.cache["typical_rate"] = float(np.median(rates)) if rates else 1 / MIN_SPAN_DAYS
    return float(context.cache["typical_rate"])


@dataclass(frozen=True)
class Burst:
    score: float
    count: int
    days: int
    usual_per_month: float
    total: Decimal


def _burst(charge: HistoryRow, earlier: list[HistoryRow], days: int, context: DetectionContext) -> Burst | None:
    # Only a charge with others before it in the window is an extra one.
    if not context.just_before(charge, charge.date - dt.timedelta(days=days - 1)):
        return None
    # The fullest ``days``-day window holding the charge, so every charge of a burst sees the burst whole.
    burst, start = max(((context.at_merchant_between(charge, first, first + dt.timedelta(days=days - 1)), first)
                        for first in (charge.date - dt.timedelta(days=back) for back in range(days))),
                       key=lambda found: len(found[0]))
    before = [row for row in earlier if row.date < start]
    record = _usual_burst(before, days)
    if len(burst) <= record:
        return None  # charges that come in bunches (fees with each payment) have done this before
    span = (start - before[0].date).days if before else 0
    # The merchant's own rhythm, with a month of the person's typical merchant's as a prior.
    mean = (len(before) + typical_rate(context) * PRIOR_DAYS) / (span + PRIOR_DAYS) * days
    tail = min(poisson_tail(len(burst), mean) * len(WINDOWS), 1.0)
    score = ramp(-math.log10(max(tail, 1e-300)), 2, 6)
    if days == 1 and len(before) >= RECORD_CHARGES and span >= RECORD_DAYS and len(burst) >= record + 2:
        # A daily habit is steadier than chance: two past its record of months says more than the rate.
        score = max(score, min(0.6 + 0.1 * (len(burst) - record - 2), 0.85))
    return Burst(score=score, count=len(burst), days=days, usual_per_month=len(before) * 30 / max(span, MIN_SPAN_DAYS),
                 total=sum((abs(row.amount) for row in burst), start=Decimal(0)))


class FrequencyDetector:
    name = "frequency"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        if not is_spending(charge) or not charge.merchant_key:
            return None
        earlier = context.earlier_at_merchant(charge)[-RECENT:]  # the recent rhythm (and a bounded cost)
        bursts = [found for days in WINDOWS if (found := _burst(charge, earlier, days, context)) is not None]
        if not bursts:
            return None
        best = max(bursts, key=lambda burst: burst.score)
        period = "one day" if best.days == 1 else f"{best.days} days"
        return factor(self.name, material(best.score, best.total, context),
                      f"{best.count} charges at {charge.merchant_name} within {period}; you usually pay them about "
                      f"{best.usual_per_month:.1f} times a month")
