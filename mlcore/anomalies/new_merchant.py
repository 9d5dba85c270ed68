"""New merchant: the first charge at a merchant, and a large one for this person."""

from __future__ import annotations

import re

from mlcore.anomalies.base import DetectionContext, factor, ramp, spent
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

MIN_HISTORY_MONTHS = 2  # before that, every merchant is new
MANDATE_CAP = 0.5
DIRECT_DEBIT = re.compile(r"\b(?:direct\s+debit|debit\s+order|debicheck|magtape\s+debit|lastschrift|sepa[- ]dd|"
                          r"prlv|pr[ée]l[èe]vement|domiciliaci[óo]n|incasso|mandate?)\b", re.IGNORECASE)


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
        score = 0.4 + 0.2 * ramp(ratio, 1, 2) + 0.4 * ramp(ratio, 2, 4)  # Medium from twice the usual most
        if DIRECT_DEBIT.search(charge.description):
            # A new direct debit needs a mandate the person signed: worth showing, not worth a message.
            return factor(self.name, min(score, MANDATE_CAP), f"A new direct debit: {context.money(spent(charge))} "
                                                              f"to {charge.merchant_name}")
        return factor(self.name, score, f"{context.money(spent(charge))} at {charge.merchant_name}, a merchant you "
                                        f"have not paid before; {ratio:.1f}× the most you usually pay at once "
                                        f"({context.money(patterns.charge_high)})")
