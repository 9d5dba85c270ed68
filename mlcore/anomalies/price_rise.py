"""Price rise: a known recurring charge (a subscription, a bill) above its previous steady price."""

from __future__ import annotations

from decimal import Decimal

from mlcore.anomalies.base import DetectionContext, factor, ramp, spent
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor
from payments.detection import PRICE_STEP, RHYTHMS

STEADY_CHARGES = 2  # the old price was charged at least this many times in a row
MAX_RISE = 2.0  # beyond double it is an amount anomaly, not a new price


def charges_per_year(interval_days: float) -> float:
    """12 for a monthly bill (whatever the month's length), 52 for a weekly one, else by the days between."""
    rhythm = next((r for r in RHYTHMS if abs(interval_days - r.nominal) <= r.tolerance), None)
    if rhythm is not None and rhythm.months:
        return 12 / rhythm.months
    if rhythm is not None and rhythm.weeks:
        return 52 / rhythm.weeks
    return 365.25 / interval_days


class PriceRiseDetector:
    name = "price_rise"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        merchant = context.patterns.merchant(charge.merchant_key)
        if not is_spending(charge) or merchant is None or not merchant.recurring or not merchant.interval_days:
            return None
        # A fixed price (a subscription, a bill), not a shop visited on a rhythm for varying amounts.
        if merchant.amount_mad > merchant.amount_median * Decimal(str(PRICE_STEP)):
            return None
        earlier = context.earlier_at_merchant(charge)[-STEADY_CHARGES:]
        if len(earlier) < STEADY_CHARGES:
            return None
        old, new = spent(earlier[-1]), spent(charge)
        if any(abs(spent(row) - old) > old * Decimal(str(PRICE_STEP)) for row in earlier):
            return None
        if new - old < Decimal("0.01") or new <= old * Decimal("1.01") or new > old * Decimal(str(MAX_RISE)):
            return None
        rise = float((new - old) / old)
        yearly = (new - old) * Decimal(str(round(charges_per_year(merchant.interval_days), 4)))
        return factor(self.name, 0.6 + 0.2 * ramp(rise, 0.05, 0.5),
                      f"{merchant.name} went up from {context.money(old)} to {context.money(new)} "
                      f"(+{rise:.0%}): about {context.money(yearly)} more a year")
