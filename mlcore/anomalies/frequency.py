"""Frequency: more charges at a merchant in a few days than its rhythm allows (a Poisson tail)."""

from __future__ import annotations

import datetime as dt
import math

from mlcore.anomalies.base import DetectionContext, factor, ramp
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

WINDOWS = (1, 3, 7)  # days; the smallest tail of the three counts, corrected for looking three times
MIN_SPAN_DAYS = 30


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


class FrequencyDetector:
    name = "frequency"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        if not is_spending(charge) or not charge.merchant_key:
            return None
        earlier = context.earlier_at_merchant(charge)
        best: tuple[float, int, int] | None = None
        for days in WINDOWS:
            start = charge.date - dt.timedelta(days=days - 1)
            # Only a charge with others before it in the window is an extra one; the burst is counted whole.
            if not earlier or earlier[-1].date < start:
                continue
            burst = context.at_merchant_between(charge, start, charge.date + dt.timedelta(days=days - 1))
            before = [row for row in earlier if row.date < start]
            span = max((start - before[0].date).days if before else 0, MIN_SPAN_DAYS)
            mean = (len(before) + 1) / span * days  # add-one: a merchant never seen still has some rate
            tail = min(poisson_tail(len(burst), mean) * len(WINDOWS), 1.0)
            if best is None or tail < best[0]:
                best = (tail, len(burst), days)
        if best is None:
            return None
        tail, count, days = best
        score = ramp(-math.log10(max(tail, 1e-300)), 2, 6)
        usual = len(earlier) * 30 / max((charge.date - earlier[0].date).days, MIN_SPAN_DAYS)
        period = "one day" if days == 1 else f"{days} days"
        return factor(self.name, score, f"{count} charges at {charge.merchant_name} within {period}; you usually "
                                        f"pay them about {usual:.1f} times a month")
