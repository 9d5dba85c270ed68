"""Category: spending in a category this person never or rarely uses, or a month beyond its usual range."""

from __future__ import annotations

from decimal import Decimal

from mlcore.anomalies.base import DetectionContext, factor, ramp, spent
from mlcore.patterns import HistoryRow, is_spending
from mlcore.results import Factor

MIN_HISTORY_MONTHS = 3
MIN_MONTHS_USED = 3
SPREADS = Decimal("2.5")
MARGIN = Decimal("1.25")  # a quarter beyond the usual high is beyond the usual range


class CategoryDetector:
    name = "category"

    def score(self, charge: HistoryRow, context: DetectionContext) -> Factor | None:
        if not is_spending(charge) or charge.category_id is None or context.patterns.months < MIN_HISTORY_MONTHS:
            return None
        rows = context.by_category.get(charge.category_id, [])
        earlier = [row for row in rows if (row.date, row.id) < (charge.date, charge.id)]
        name = charge.category_name or "this category"
        if len(earlier) <= 1 and spent(charge) >= context.patterns.charge_median:
            how = "never used before" if not earlier else "used only once before"
            return factor(self.name, 0.4, f"{context.money(spent(charge))} in {name}, a category you have {how}")
        return self._month_to_date(charge, earlier, context)

    def _month_to_date(self, charge: HistoryRow, earlier: list[HistoryRow],
                       context: DetectionContext) -> Factor | None:
        category = context.patterns.category(charge.category_id)
        if category is None or category.months_used < MIN_MONTHS_USED:
            return None
        before = sum((spent(row) for row in earlier
                      if (row.date.year, row.date.month) == (charge.date.year, charge.date.month)), start=Decimal(0))
        after = before + spent(charge)
        limit = max(category.usual_high * MARGIN, category.monthly_mean + category.monthly_spread * SPREADS)
        # Only the charge that crosses the line, not every later one that month.
        if limit <= 0 or not before <= limit < after:
            return None
        score = 0.4 + 0.3 * ramp(float(after / limit), 1.2, 2.5)
        usual = context.money(category.usual_high)
        if category.usual_low != category.usual_high:
            usual = f"{context.money(category.usual_low)} to {usual}"
        return factor(self.name, score, f"{category.name} has reached {context.money(after)} this month; it is "
                                        f"usually {usual}")
