"""New merchant: the first charge at a merchant, and a large one for this person."""

from __future__ import annotations

from mlcore.anomalies.base import DetectionContext, factor, ramp, spent
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

MIN_HISTORY_MONTHS = 2  # before that, every merchant is new


class NewMerchantDetector:
    name = "new_merchant"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        patterns = context.patterns
        if (not is_spending(charge) or not charge.merchant_key or patterns.months < MIN_HISTORY_MONTHS
                or patterns.charge_high <= 0 or context.earlier_at_merchant(charge)):
            return None
        ratio = float(spent(charge) / patterns.charge_high)
        if ratio < 1:
            return None
        score = 0.45 + 0.35 * ramp(ratio, 1, 2) + 0.2 * ramp(ratio, 2, 4)
        return factor(self.name, score, f"{context.money(spent(charge))} at {charge.merchant_name}, a merchant you "
                                        f"have not paid before; {ratio:.1f}× the most you usually pay at once "
                                        f"({context.money(patterns.charge_high)})")
