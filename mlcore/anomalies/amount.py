"""Amount: a charge far above this merchant's usual (or, for a merchant seen too little, its category's)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING

from core.lazy import lazy_module
from mlcore.anomalies.base import DetectionContext, factor, material, ramp, spent
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

if TYPE_CHECKING:
    import numpy as np
else:  # imported by the first computation, not by every web worker that imports this module (core.lazy)
    np = lazy_module("numpy")

MIN_USUAL = 3  # earlier charges before a merchant has a "usual"
RECENT = 60  # the merchant's latest charges make its usual (prices drift)
MIN_CATEGORY_CHARGES = 6
MAD_TO_SIGMA = 1.4826
PRIOR_CHARGES = 4  # the person's typical spread counts as this many charges
MIN_LOG_SPREAD = 0.05
ROBUST_FROM = 6  # from this many charges the MAD is steadier than the standard deviation (za-bank, 50 replays)
DEFAULT_SPREAD = 0.25


def robust_score(value: float, median: float, mad: float) -> tuple[float, float]:
    """(ratio to the median, robust z): the spread is the MAD, and at least a tenth of the median."""
    scale = max(MAD_TO_SIGMA * mad, 0.1 * median, 0.01)
    return value / max(median, 0.01), (value - median) / scale


def log_spread(amounts: np.ndarray) -> float:
    logs = np.log(np.maximum(amounts, 0.01))
    return float(np.median(np.abs(logs - np.median(logs))))


def typical_spread(context: DetectionContext) -> float:
    """How much one merchant's charges usually vary for this person (median of the merchants' log MADs)."""
    if "log_spread" not in context.cache:
        spreads = [log_spread(np.array([float(spent(row)) for row in rows]))
                   for rows in context.by_merchant.values() if len(rows) >= MIN_USUAL]
        context.cache["log_spread"] = max(float(np.median(spreads)), MIN_LOG_SPREAD) if spreads else DEFAULT_SPREAD
    return float(context.cache["log_spread"])


def merchant_z(value: float, amounts: np.ndarray, context: DetectionContext) -> float:
    """A robust z in log money: the merchant's own spread, pooled with the person's typical one while the
    merchant has few charges (three charges say little about how much it varies)."""
    n = len(amounts)
    # Few charges: their standard deviation, as a MAD of three or four charges ignores the one that varied.
    spread = log_spread(amounts) if n >= ROBUST_FROM else float(np.std(np.log(np.maximum(amounts, 0.01))))
    pooled = math.sqrt((n * spread ** 2 + PRIOR_CHARGES * typical_spread(context) ** 2) / (n + PRIOR_CHARGES))
    centre = float(np.median(np.log(np.maximum(amounts, 0.01))))
    return (math.log(max(value, 0.01)) - centre) / max(MAD_TO_SIGMA * pooled, MIN_LOG_SPREAD)


class AmountDetector:
    name = "amount"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        if not is_spending(charge):
            return None
        value = float(spent(charge))
        earlier = context.earlier_at_merchant(charge)[-RECENT:]
        if len(earlier) >= MIN_USUAL:
            amounts = np.array([float(spent(row)) for row in earlier])
            median = float(np.median(amounts))
            mad = float(np.median(np.abs(amounts - median)))
            highest = float(max(amounts))
            if value <= highest:
                return None  # it has charged this much before
            z = merchant_z(value, amounts, context)
            where, cap = f"at {charge.merchant_name}", 1.0
        else:
            category = context.patterns.category(charge.category_id)
            if category is None or category.charges_per_month * max(context.patterns.months, 1) < MIN_CATEGORY_CHARGES:
                return None
            median, mad = float(category.amount_median), float(category.amount_mad)
            z, highest = robust_score(value, median, mad)[1], 0.0
            where, cap = f"in {category.name}", 0.8  # a category's charges vary more than one merchant's
        ratio = value / max(median, 0.01)
        if ratio < 2 or z < 3:
            return None
        score = min(0.5 + 0.5 * ramp(ratio, 2, 6), 0.5 + 0.5 * ramp(z, 3, 8))
        if highest:  # several times the most ever paid there is telling however much the merchant varies
            score = max(score, 0.5 + 0.5 * ramp(value / highest, 2, 5))
        score = material(min(score, cap), spent(charge), context)
        return factor(self.name, score, f"{context.money(value)} {where}, {ratio:.1f}× your usual "
                                        f"{context.money(Decimal(str(median)))}")
