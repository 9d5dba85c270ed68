"""Duplicates: the same merchant and amount within a few days that is not a habit, an instalment or a split;
and a card pre-authorisation followed by its settlement of nearly the same amount."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from mlcore.anomalies.base import DetectionContext, factor, ramp, spent
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

WINDOW_DAYS = 3
RECENT = 250  # charges
SETTLEMENT_SHARE = Decimal("0.15")  # a settlement within 15% of its pre-authorisation (a tip, the fuel actually taken)
HABIT_PAIRS = 2  # twice before: two lines of a plan, two tickets; not a slip
HABIT_EXPECTED = 0.3  # same-amount charges this likely by chance in the window are a habit, not a duplicate
PARTS = re.compile(r"\b(?:\d{1,2}\s*(?:/|of)\s*\d{1,2}|instal+ments?|rate|split|part)\b", re.IGNORECASE)


def _same(a: HistoryRow, b: HistoryRow) -> bool:
    return spent(a) == spent(b)


def _expected_by_chance(charge: HistoryRow, earlier: list[HistoryRow], share: Decimal = Decimal(0)) -> float:
    """How many charges within ``share`` of this amount the merchant's usual rhythm puts in a window this size."""
    if not earlier:
        return 0.0
    span = max((charge.date - earlier[0].date).days, 30)
    near = sum(1 for row in earlier if abs(spent(row) - spent(charge)) <= spent(charge) * share) / len(earlier)
    return len(earlier) / span * WINDOW_DAYS * near


def _earlier_pairs(earlier: list[HistoryRow]) -> int:
    """Same-amount pairs within the window the person already had at this merchant (two lines, two tickets)."""
    return sum(1 for a, b in zip(earlier, earlier[1:], strict=False)
               if _same(a, b) and (b.date - a.date).days <= WINDOW_DAYS)


class DuplicateDetector:
    name = "duplicate"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        if not is_spending(charge) or not charge.merchant_key or PARTS.search(charge.description):
            return None
        earlier = context.earlier_at_merchant(charge)[-RECENT:]  # the recent habits (and a bounded cost)
        close = context.just_before(charge, charge.date - dt.timedelta(days=WINDOW_DAYS))
        if not close:
            return None
        if _earlier_pairs(earlier) >= HABIT_PAIRS or _expected_by_chance(charge, earlier) >= HABIT_EXPECTED:
            return None
        twin = next((row for row in reversed(close) if _same(row, charge)), None)
        when = "on the same day" if twin and twin.date == charge.date else None
        if twin is not None:
            context.related.setdefault(charge.id, []).append(twin.id)
            when = when or f"{(charge.date - twin.date).days} days after the same charge on {twin.date:%-d %b %Y}"
            large = ramp(float(spent(charge)), float(context.patterns.charge_median), float(context.patterns.charge_high))
            return factor(self.name, 0.7 + 0.2 * large,
                          f"{context.money(spent(charge))} at {charge.merchant_name} twice, {when}")
        near = next((row for row in reversed(close)
                     if abs(spent(row) - spent(charge)) <= spent(row) * SETTLEMENT_SHARE), None)
        if near is None or _expected_by_chance(charge, earlier, SETTLEMENT_SHARE) >= HABIT_EXPECTED:
            return None
        context.related.setdefault(charge.id, []).append(near.id)
        return factor(self.name, 0.45, f"{context.money(spent(charge))} at {charge.merchant_name} soon after "
                                       f"{context.money(spent(near))} on {near.date:%-d %b %Y}: possibly a card "
                                       f"pre-authorisation and its settlement both taken")
