"""Not mine: a charge at a merchant where the person disowned an earlier charge."""

from __future__ import annotations

from decimal import Decimal

from mlcore.anomalies.base import DetectionContext, factor
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor


class NotMineDetector:
    name = "not_mine"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        disowned = context.patterns.disowned.get(charge.merchant_key)
        if not is_spending(charge) or disowned is None or disowned.get("transaction_id") == charge.id:
            return None
        return factor(self.name, 0.75, f"At {charge.merchant_name}, where you said a charge of "
                                       f"{context.money(Decimal(disowned['amount']))} on {disowned['date']} "
                                       f"was not yours")
