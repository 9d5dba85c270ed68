"""The one interface every detector implements, and the context it scores a charge in.

A detector is a small object with a ``name`` and ``score(charge, context) -> Factor | None``: None when the
charge looks normal to it, else a Factor with a score in [0, 1] and the sentence the person reads.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor, SpendingPatterns

FLOOR = 0.3  # below this a detector's score is not a factor at all
SMALL_MONEY_CAP = 0.5


class Detector(Protocol):
    name: str

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None: ...


def _order(row: HistoryRow) -> tuple[dt.date, int]:
    return row.date, row.id


@dataclass
class DetectionContext:
    """The person's patterns, their spending history (before and around the charges) and today.

    ``unconfirmed`` charges (flagged earlier and not called fine) are not the person's normal: the baselines
    (``by_merchant``, ``by_category``, ``earlier_at_merchant``) leave them out. They did happen, though, so
    what counts charges in a window (``at_merchant_between``) sees them: the rest of a burst is still a burst.
    """

    patterns: SpendingPatterns
    history: Sequence[HistoryRow]
    today: dt.date
    unconfirmed: frozenset[int] = frozenset()
    by_merchant: dict[str, list[HistoryRow]] = field(default_factory=dict)
    by_category: dict[int, list[HistoryRow]] = field(default_factory=dict)
    related: dict[int, list[int]] = field(default_factory=dict)  # a charge's other half (a duplicate pair)
    cache: dict[str, Any] = field(default_factory=dict)  # what a detector computes once per run
    _keys: dict[str, list[tuple[dt.date, int]]] = field(default_factory=dict)
    _every: dict[str, list[HistoryRow]] = field(default_factory=dict)
    _every_keys: dict[str, list[tuple[dt.date, int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_merchant: dict[str, list[HistoryRow]] = defaultdict(list)
        by_category: dict[int, list[HistoryRow]] = defaultdict(list)
        every: dict[str, list[HistoryRow]] = defaultdict(list)
        for row in sorted((row for row in self.history if is_spending(row)), key=_order):
            normal = row.id not in self.unconfirmed
            if row.merchant_key:
                every[row.merchant_key].append(row)
                if normal:
                    by_merchant[row.merchant_key].append(row)
            if row.category_id is not None and normal:
                by_category[row.category_id].append(row)
        self.by_merchant, self.by_category, self._every = dict(by_merchant), dict(by_category), dict(every)
        self._keys = {key: [_order(row) for row in rows] for key, rows in self.by_merchant.items()}
        self._every_keys = {key: [_order(row) for row in rows] for key, rows in self._every.items()}

    def earlier_at_merchant(self, charge: HistoryRow) -> list[HistoryRow]:
        """The merchant's charges before this one (by date, then the order they were recorded), oldest first."""
        rows = self.by_merchant.get(charge.merchant_key, [])
        return rows[:bisect.bisect_left(self._keys.get(charge.merchant_key, []), _order(charge))]

    def before_at_merchant(self, merchant_key: str, day: dt.date) -> int:
        """How many of the merchant's usual charges came before ``day``."""
        return bisect.bisect_left(self._keys.get(merchant_key, []), (day, -1))

    def at_merchant_between(self, charge: HistoryRow, start: dt.date, end: dt.date) -> list[HistoryRow]:
        """Every charge at the merchant from ``start`` to ``end`` (both days included), unconfirmed ones too."""
        keys = self._every_keys.get(charge.merchant_key, [])
        rows = self._every.get(charge.merchant_key, [])
        return rows[bisect.bisect_left(keys, (start, -1)):bisect.bisect_right(keys, (end, 2**62))]

    def just_before(self, charge: HistoryRow, start: dt.date) -> list[HistoryRow]:
        """Every charge at the merchant from ``start`` up to this one (recorded before it), unconfirmed too."""
        keys = self._every_keys.get(charge.merchant_key, [])
        rows = self._every.get(charge.merchant_key, [])
        return rows[bisect.bisect_left(keys, (start, -1)):bisect.bisect_left(keys, _order(charge))]

    def money(self, amount: Decimal | float) -> str:
        return money_words(amount, self.patterns.currency)


def money_words(amount: Decimal | float, currency: str) -> str:
    """"EUR 1,212.00": the currency code and two decimals, as every sentence shows money."""
    return f"{currency} {Decimal(str(amount)).quantize(Decimal('0.01')):,.2f}"


def spent(charge: HistoryRow) -> Decimal:
    return abs(charge.amount)


def factor(name: str, score: float, sentence: str) -> Factor | None:
    score = round(min(max(score, 0.0), 1.0), 3)
    return Factor(detector=name, score=score, sentence=sentence) if score >= FLOOR else None


def material(score: float, amount: Decimal, context: DetectionContext) -> float:
    """Money below the person's median charge is not worth a message on its own: at most Low."""
    return min(score, SMALL_MONEY_CAP) if amount < context.patterns.charge_median else score


def ramp(value: float, low: float, high: float) -> float:
    """0 at ``low``, 1 at ``high``, linear between (and clipped)."""
    if high == low:
        return 1.0 if value >= high else 0.0
    return min(max((value - low) / (high - low), 0.0), 1.0)
