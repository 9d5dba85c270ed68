"""Timing: a recurring charge off its cycle, a day of month this merchant never bills on, a date far ahead."""

from __future__ import annotations

import datetime as dt

from mlcore.anomalies.base import DetectionContext, factor, ramp, spent
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor, MerchantPattern

AHEAD_DAYS = 7  # a card's pending charge may carry a date a few days ahead
OLDEST_YEAR = 2000
DAY_TOLERANCE = 3
SAME_PRICE = 0.25
CYCLE_SLACK = 0.2
CYCLE_SLACK_DAYS = 4
MIN_CYCLE_DAYS = 14  # weekly routines (a shop every Saturday) take extra turns too often to count


def cycle_words(interval: float) -> str:
    """"every month", "every two weeks", "every 45 days"."""
    for low, high, words in ((13, 15, "every two weeks"), (27, 33, "every month"), (84, 98, "every quarter"),
                             (355, 375, "every year")):
        if low <= interval <= high:
            return words
    return f"every {interval:.0f} days"


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _days_apart(a: int, b: int) -> int:
    gap = abs(a - b)
    return min(gap, 31 - gap)


class TimingDetector:
    name = "timing"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        if not is_spending(charge):
            return None
        if charge.date > context.today + dt.timedelta(days=AHEAD_DAYS):
            days = (charge.date - context.today).days
            return factor(self.name, 0.5 + 0.3 * ramp(days, AHEAD_DAYS, 60),
                          f"Dated {charge.date:%-d %b %Y}, {days} days in the future")
        if charge.date.year < OLDEST_YEAR:
            return factor(self.name, 0.5, f"Dated {charge.date:%-d %b %Y}, long before the rest of your history")
        merchant = context.patterns.merchant(charge.merchant_key)
        if merchant is None:
            return None
        return self._off_cycle(charge, merchant, context) or self._odd_day(charge, merchant, context)

    def _off_cycle(self, charge: HistoryRow, merchant: MerchantPattern, context: DetectionContext) -> Factor | None:
        interval = merchant.interval_days
        earlier = context.earlier_at_merchant(charge)
        if not merchant.recurring or not interval or interval < MIN_CYCLE_DAYS or len(earlier) < 2:
            return None
        usual = float(merchant.amount_median)
        if abs(float(spent(charge)) - usual) > SAME_PRICE * usual:
            return None
        gap = (charge.date - earlier[-1].date).days
        slack = max(CYCLE_SLACK * interval, CYCLE_SLACK_DAYS)  # weekends and holidays move a bill a few days
        # The charge after an odd one is back on the cycle counted from the one before.
        if gap >= interval - slack or abs((charge.date - earlier[-2].date).days - interval) <= slack:
            return None
        score = 0.6 + 0.25 * ramp(1 - gap / interval, 0.3, 0.6)
        return factor(self.name, score, f"{charge.merchant_name} usually charges {cycle_words(interval)}; this "
                                        f"came {gap} days after the last one ({earlier[-1].date:%-d %b %Y})")

    def _odd_day(self, charge: HistoryRow, merchant: MerchantPattern, context: DetectionContext) -> Factor | None:
        days = merchant.days_of_month
        if not days or any(_days_apart(charge.date.day, day) <= DAY_TOLERANCE for day in days):
            return None
        usual = " or ".join(f"the {_ordinal(day)}" for day in days)
        return factor(self.name, 0.4, f"{charge.merchant_name} usually charges on {usual}; this came on the "
                                      f"{_ordinal(charge.date.day)}")
