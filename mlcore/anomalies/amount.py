"""Amount: a charge far above this merchant's usual (or, for a merchant seen too little, its category's)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from mlcore.anomalies.base import DetectionContext, factor, ramp, spent
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

MIN_USUAL = 3  # earlier charges before a merchant has a "usual"
RECENT = 60  # the merchant's latest charges make its usual (prices drift)
MIN_CATEGORY_CHARGES = 6
MAD_TO_SIGMA = 1.4826


def robust_score(value: float, median: float, mad: float) -> tuple[float, float]:
    """(ratio to the median, robust z): the spread is the MAD, and at least a tenth of the median."""
    scale = max(MAD_TO_SIGMA * mad, 0.1 * median, 0.01)
    return value / max(median, 0.01), (value - median) / scale


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
            where, cap = f"at {charge.merchant_name}", 1.0
        else:
            category = context.patterns.category(charge.category_id)
            if category is None or category.charges_per_month * max(context.patterns.months, 1) < MIN_CATEGORY_CHARGES:
                return None
            median, mad = float(category.amount_median), float(category.amount_mad)
            where, cap = f"in {category.name}", 0.8  # a category's charges vary more than one merchant's
        ratio, z = robust_score(value, median, mad)
        if ratio < 2 or z < 3:
            return None
        score = min(0.5 + 0.5 * ramp(ratio, 2, 6), 0.5 + 0.5 * ramp(z, 3, 8), cap)
        return factor(self.name, score, f"{context.money(value)} {where}, {ratio:.1f}× your usual "
                                        f"{context.money(Decimal(str(median)))}")
