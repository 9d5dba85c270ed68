"""Frequency: more charges at a merchant in a few days than its rhythm allows (a Poisson tail), or several
times more money there in those days than ever before."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.lazy import lazy_module
from mlcore.anomalies.base import DetectionContext, factor, material, ramp
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

if TYPE_CHECKING:
    import numpy as np
else:  # imported by the first computation, not by every web worker that imports this module (core.lazy)
    np = lazy_module("numpy")

RECENT = 250  # charges
WINDOWS = (1, 3, 7)  # days; the smallest tail of the three counts, corrected for looking three times
MIN_SPAN_DAYS = 30
PRIOR_DAYS = 30
RECORD_CHARGES = 10
RECORD_DAYS = 90
SPENT_RECORD = 2  # times the most spent at the merchant in a window
SPENT_CHARGES = 4
CLEAR_RHYTHM = 0.6  # earlier charges before a merchant has a most-spent


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


def _records(context: DetectionContext, merchant_key: str, days: int) -> list[Decimal]:
    """For each of the merchant's usual charges (oldest first), the most it charged within any ``days`` days up
    to that charge: worked out once a run, so each charge looks its record up instead of rescanning."""
    key = f"spent_records:{merchant_key}:{days}"
    if key not in context.cache:
        rows = context.by_merchant.get(merchant_key, [])
        records, most, total, start = [], Decimal(0), Decimal(0), 0
        for row in rows:
            total += abs(row.amount)
            while (row.date - rows[start].date).days >= days:
                total -= abs(rows[start].amount)
                start += 1
            most = max(most, total)
            records.append(most)
        context.cache[key] = records
    return context.cache[key]  # type: ignore[no-any-return]


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
    """One window's signs: the count against the merchant's rhythm, and the money against the most spent
    there in as many days (with that window's count and total, for the sentence)."""

    rhythm: float
    count: int
    days: int
    usual_per_month: float
    total: Decimal
    spent: float = 0.0
    times: float = 0.0
    spent_count: int = 0
    spent_total: Decimal = Decimal(0)

    @property
    def score(self) -> float:
        return max(self.rhythm, self.spent)


def _spent(charge: HistoryRow, so_far: list[HistoryRow], days: int, context: DetectionContext) -> dict[str, Any]:
    """Charges that together come to several times the most ever spent at the merchant in as many days are a
    sign even where charges come often (a stolen card at the supermarket). The money counts up to this charge,
    and without its largest charge it must still be past that record: one large charge is the amount
    detector's to judge. An amount the person called fine there is part of the record."""
    amounts = [abs(row.amount) for row in (*so_far, charge)]
    total = sum(amounts, start=Decimal(0))
    start = charge.date - dt.timedelta(days=days - 1)
    usual = context.by_merchant.get(charge.merchant_key, [])
    known = context.before_at_merchant(charge.merchant_key, start)
    if known < SPENT_CHARGES or (start - usual[0].date).days < MIN_SPAN_DAYS:
        return {}
    accepted = context.patterns.accepted.get(charge.merchant_key, {})
    most = max(_records(context, charge.merchant_key, days)[known - 1], Decimal(accepted.get("amount_high", 0)))
    if not most or total - max(amounts) <= most or total <= most * SPENT_RECORD:
        return {}
    times = float(total / most)
    return {"spent": ramp(times, SPENT_RECORD, 2 * SPENT_RECORD), "times": times, "spent_count": len(amounts),
            "spent_total": total}


def _burst(charge: HistoryRow, earlier: list[HistoryRow], days: int, context: DetectionContext) -> Burst | None:
    # Only a charge with others before it in the window is an extra one.
    so_far = context.just_before(charge, charge.date - dt.timedelta(days=days - 1))
    if not so_far:
        return None
    # The fullest ``days``-day window holding the charge, so every charge of a burst sees the burst whole.
    burst, start = max(((context.at_merchant_between(charge, first, first + dt.timedelta(days=days - 1)), first)
                        for first in (charge.date - dt.timedelta(days=back) for back in range(days))),
                       key=lambda found: len(found[0]))
    before = [row for row in earlier if row.date < start]
    span = (start - before[0].date).days if before else 0
    record = _usual_burst(before, days)
    rhythm = 0.0
    if len(burst) > record:  # else charges that come in bunches (fees with each payment) have done this before
        # The merchant's own rhythm, with a month of the person's typical merchant's as a prior.
        mean = (len(before) + typical_rate(context) * PRIOR_DAYS) / (span + PRIOR_DAYS) * days
        tail = min(poisson_tail(len(burst), mean) * len(WINDOWS), 1.0)
        rhythm = ramp(-math.log10(max(tail, 1e-300)), 2, 6)
        if days == 1 and len(before) >= RECORD_CHARGES and span >= RECORD_DAYS and len(burst) >= record + 2:
            # A daily habit is steadier than chance: two past its record of months says more than the rate.
            rhythm = max(rhythm, min(0.6 + 0.1 * (len(burst) - record - 2), 0.85))
    spent = _spent(charge, so_far, days, context)
    if not rhythm and not spent:
        return None
    return Burst(rhythm=rhythm, count=len(burst), days=days, total=sum((abs(row.amount) for row in burst), Decimal(0)),
                 usual_per_month=len(before) * 30 / max(span, MIN_SPAN_DAYS), **spent)


def _sentence(best: Burst, charge: HistoryRow, context: DetectionContext) -> str:
    period = "one day" if best.days == 1 else f"{best.days} days"
    said = f"{best.count} charges at {charge.merchant_name} within {period}"
    if best.spent > best.rhythm:
        return (f"{best.spent_count} charges at {charge.merchant_name} within {period}, "
                f"{context.money(best.spent_total)} in all: {best.times:.1f}× the most you have spent there in {period}")
    if best.usual_per_month < 0.05:
        return f"{said}; you had not paid them before"
    return f"{said}; you usually pay them about {best.usual_per_month:.1f} times a month"


class FrequencyDetector:
    name = "frequency"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        if not is_spending(charge) or not charge.merchant_key:
            return None
        earlier = context.earlier_at_merchant(charge)[-RECENT:]  # the recent rhythm (and a bounded cost)
        bursts = [found for days in WINDOWS if (found := _burst(charge, earlier, days, context)) is not None]
        if not bursts:
            return None
        # A count clearly past the rhythm is the plainest reason; the money is the reason when the count is not.
        best = max(bursts, key=lambda burst: (burst.rhythm >= CLEAR_RHYTHM, burst.rhythm if burst.rhythm >= CLEAR_RHYTHM
                                              else burst.score))
        return factor(self.name, material(best.score, max(best.total, best.spent_total), context), _sentence(best, charge, context))
