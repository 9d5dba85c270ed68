"""What mlcore's models answer, as plain values other apps can name without loading a learning library."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from transactions.models import Category


@dataclass(frozen=True, slots=True)
class BudgetSuggestion:
    category: Category | None  # None: the overall budget
    amount: Decimal  # what to budget, rounded
    currency: str
    method: str  # "model" or "heuristic"
    explanation: str
    predicted: Decimal  # the unrounded prediction (or median), before the savings adjustment


# --- a person's patterns (mlcore.patterns computes them, SpendingPattern stores them) ------------------------
# Money is in the user's preferred currency (a converted amount where the row has one), spending as positive
# amounts. Every type here round-trips through JSON with patterns_to_json / patterns_from_json.


@dataclass(frozen=True, slots=True)
class MonthTotal:
    month: str  # "2026-11"
    total: Decimal


@dataclass(frozen=True, slots=True)
class CategoryPattern:
    category_id: int
    name: str  # "Food > Groceries" as the user sees it
    kind: str  # "expense" or "income"
    monthly_mean: Decimal  # over the months of the history, months without spending counting as 0
    monthly_spread: Decimal  # the volatility of the monthly total (standard deviation)
    usual_low: Decimal  # the usual range of a month's total (e.g. 10th and 90th percentile)
    usual_high: Decimal
    share: float  # of all spending (expense categories) or all income, 0..1
    months_used: int  # months with at least one charge
    charges_per_month: float
    amount_median: Decimal  # a single charge
    amount_mad: Decimal  # median absolute deviation of a single charge
    monthly: tuple[MonthTotal, ...]  # the last 12 months, oldest first (the page's small chart)


@dataclass(frozen=True, slots=True)
class MerchantPattern:
    key: str  # the normalised merchant (payments.detection.merchant_key of the cleaned merchant or description)
    name: str  # as shown
    category_id: int | None  # the category most of its charges are filed under
    charges: int
    amount_median: Decimal
    amount_mad: Decimal
    per_30_days: float  # the rhythm: charges per 30 days while the merchant is in use
    weekdays: tuple[int, ...]  # 7 counts, Monday first
    days_of_month: tuple[int, ...]  # the days of month it usually charges on (empty when it has no habit)
    interval_days: float | None  # median days between charges; None with fewer than 2 charges
    recurring: bool  # a regular cycle (a subscription, a bill, an instalment)
    first_date: dt.date
    last_date: dt.date


@dataclass(frozen=True, slots=True)
class IncomePattern:
    monthly_mean: Decimal
    monthly_spread: Decimal
    variation: float  # coefficient of variation of monthly income
    regularity: float  # 0..1: how reliably it arrives each month (1 = every month, on the same days)
    usual_day: int | None  # the day of month the main income usually arrives
    main_source: str  # the payer of the largest regular income, as shown


@dataclass(frozen=True, slots=True)
class SpendingPatterns:
    currency: str
    history_start: dt.date
    history_end: dt.date
    months: float  # length of the history in months
    transactions: int
    monthly_spending_mean: Decimal
    monthly_spending_spread: Decimal
    categories: tuple[CategoryPattern, ...]  # biggest monthly mean first
    merchants: tuple[MerchantPattern, ...]  # every merchant seen, most charges first
    income: IncomePattern | None
    seasonality: tuple[float, ...] | None  # 12 month-of-year indices (1.0 = an average month) with 2+ years
    currencies: dict[str, int]  # charges per original currency
    # What the person told us ("This is fine"): {merchant key: {"amount_high": "212.00", "detectors": [...]}}
    accepted: dict[str, dict[str, Any]]
    charge_median: Decimal = Decimal("0")  # a single charge, all merchants together
    charge_high: Decimal = Decimal("0")  # the 95th percentile of a charge outside regular bills: "large"
    # What the person disowned ("Not mine"): {merchant key: {"name": ..., "date": "2026-11-03", "amount": ...}}
    disowned: dict[str, dict[str, Any]] = field(default_factory=dict)

    def merchant(self, key: str) -> MerchantPattern | None:
        return next((merchant for merchant in self.merchants if merchant.key == key), None)

    def category(self, category_id: int | None) -> CategoryPattern | None:
        return next((category for category in self.categories if category.category_id == category_id), None)


# --- anomalies (mlcore.anomalies scores, the alerts app records and shows) ------------------------------------


class RiskLevel:
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Factor:
    # "amount", "frequency", "category", "timing", "duplicate", "new_merchant", "currency", "price_rise", "not_mine"
    detector: str
    score: float  # 0..1
    sentence: str  # "EUR 212.00 at REWE, 6.1× your usual EUR 35.00"


@dataclass(frozen=True, slots=True)
class Finding:
    transaction_id: int
    level: str  # RiskLevel
    score: float  # the combined risk, 0..1
    factors: tuple[Factor, ...]  # strongest first; every one with a score above the detectors' floor
    related_ids: tuple[int, ...] = ()  # e.g. the other charge of a duplicate pair

    @property
    def kind(self) -> str:
        return self.factors[0].detector
