"""Currency: a charge in a currency this person rarely or never pays in, or marked as foreign when they rarely
buy abroad."""

from __future__ import annotations

import re

from mlcore.anomalies.base import DetectionContext, factor
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

RARE_SHARE = 0.02
FOREIGN = re.compile(r"\b(?:international|foreign|intl|overseas|cross[- ]border|fx|auslandseinsatz|"
                     r"fremdw[aä]hrung|wechselkurs)\b", re.IGNORECASE)


def foreign_share(context: DetectionContext) -> float:
    if "foreign_share" not in context.cache:
        rows = [row for rows in context.by_merchant.values() for row in rows]
        marked = sum(1 for row in rows if FOREIGN.search(row.description))
        context.cache["foreign_share"] = marked / len(rows) if rows else 0.0
    return float(context.cache["foreign_share"])


class CurrencyDetector:
    name = "currency"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        if not is_spending(charge):
            return None
        currencies = context.patterns.currencies
        total = sum(currencies.values())
        if charge.currency != context.patterns.currency and total:
            seen = currencies.get(charge.currency, 0) - 1  # the charge itself is in the patterns
            if seen <= 0:
                return factor(self.name, 0.55, f"A charge in {charge.currency}, a currency you have not paid in "
                                               f"before")
            if seen / total < RARE_SHARE:
                return factor(self.name, 0.45, f"A charge in {charge.currency}; only {seen} of your {total} "
                                               f"charges were in it")
        if FOREIGN.search(charge.description) and foreign_share(context) < RARE_SHARE:
            return factor(self.name, 0.4, f"A foreign purchase at {charge.merchant_name}; you rarely pay abroad")
        return None
