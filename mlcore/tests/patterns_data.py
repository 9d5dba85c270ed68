"""A person's patterns built by hand (as a worker would store them), for the patterns page, its API and the
browser check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mlcore.results import CategoryPattern, IncomePattern, MerchantPattern, MonthTotal, SpendingPatterns

MONTHS = tuple(f"2025-{month:02d}" for month in range(3, 13)) + ("2026-01", "2026-02")


def monthly(*totals: str) -> tuple[MonthTotal, ...]:
    return tuple(MonthTotal(month=month, total=Decimal(total)) for month, total in zip(MONTHS, totals, strict=True))


GROCERIES = CategoryPattern(
    category_id=101, name="Food & Drink > Groceries", kind="expense", monthly_mean=Decimal("412.50"),
    monthly_spread=Decimal("38.20"), usual_low=Decimal("360.00"), usual_high=Decimal("470.00"), share=0.2431,
    months_used=12, charges_per_month=9.2, amount_median=Decimal("41.80"), amount_mad=Decimal("12.40"),
    monthly=monthly("380", "402.10", "455", "399.90", "360", "420", "470", "415", "398", "441", "389", "420.50"))
RENT = CategoryPattern(
    category_id=102, name="Housing > Rent", kind="expense", monthly_mean=Decimal("950.00"),
    monthly_spread=Decimal("0.00"), usual_low=Decimal("950.00"), usual_high=Decimal("950.00"), share=0.5599,
    months_used=12, charges_per_month=1.0, amount_median=Decimal("950.00"), amount_mad=Decimal("0.00"),
    monthly=monthly(*["950"] * 12))
STREAMING = CategoryPattern(
    category_id=103, name="Entertainment > Streaming Services", kind="expense", monthly_mean=Decimal("15.99"),
    monthly_spread=Decimal("0.00"), usual_low=Decimal("15.99"), usual_high=Decimal("15.99"), share=0.0094,
    months_used=12, charges_per_month=1.0, amount_median=Decimal("15.99"), amount_mad=Decimal("0.00"),
    monthly=monthly(*["15.99"] * 12))
SALARY = CategoryPattern(
    category_id=201, name="Income > Salary", kind="income", monthly_mean=Decimal("3200.00"),
    monthly_spread=Decimal("64.00"), usual_low=Decimal("3136.00"), usual_high=Decimal("3264.00"), share=1.0,
    months_used=12, charges_per_month=1.0, amount_median=Decimal("3200.00"), amount_mad=Decimal("40.00"),
    monthly=monthly(*["3200"] * 12))


def merchant(key: str, name: str, *, category_id: int | None = 101, charges: int = 24, median: str = "35.00",
             mad: str = "4.50", per_30_days: float = 4.1, weekdays: tuple[int, ...] = (1, 1, 2, 1, 3, 14, 2),
             days_of_month: tuple[int, ...] = (), recurring: bool = False) -> MerchantPattern:
    return MerchantPattern(key=key, name=name, category_id=category_id, charges=charges,
                           amount_median=Decimal(median), amount_mad=Decimal(mad), per_30_days=per_30_days,
                           weekdays=weekdays, days_of_month=days_of_month,
                           interval_days=30.0 if recurring else 7.0, recurring=recurring,
                           first_date=dt.date(2025, 3, 1), last_date=dt.date(2026, 2, 27))


REWE = merchant("rewe", "REWE")
LANDLORD = merchant("mueller hausverwaltung", "Müller Hausverwaltung", category_id=102, charges=12,
                    median="950.00", mad="0.00", per_30_days=1.0, weekdays=(3, 2, 2, 1, 2, 1, 1),
                    days_of_month=(1,), recurring=True)
NETFLIX = merchant("netflix", "Netflix", category_id=103, charges=12, median="15.99", mad="0.00", per_30_days=1.0,
                   weekdays=(2, 2, 1, 2, 2, 2, 1), days_of_month=(14,), recurring=True)
ACME = merchant("acme", "ACME GmbH", category_id=201, charges=12, median="3200.00", mad="40.00", per_30_days=1.0,
                weekdays=(2, 2, 2, 2, 4, 0, 0), days_of_month=(25,), recurring=True)


def patterns(*, merchants: tuple[MerchantPattern, ...] = (REWE, LANDLORD, NETFLIX, ACME),
             seasonality: tuple[float, ...] | None = (0.95, 0.85, 0.97, 1.0, 1.02, 0.98, 1.05, 1.03, 0.96, 0.99,
                                                       1.0, 1.24),
             currency: str = "EUR") -> SpendingPatterns:
    return SpendingPatterns(
        currency=currency, history_start=dt.date(2025, 3, 1), history_end=dt.date(2026, 2, 27), months=12.0,
        transactions=412, monthly_spending_mean=Decimal("1697.00"), monthly_spending_spread=Decimal("120.00"),
        categories=(RENT, GROCERIES, STREAMING, SALARY), merchants=merchants,
        income=IncomePattern(monthly_mean=Decimal("3200.00"), monthly_spread=Decimal("64.00"), variation=0.02,
                             regularity=1.0, usual_day=25, main_source="ACME GmbH"),
        seasonality=seasonality, currencies={"EUR": 400, "USD": 12}, accepted={})


def many_merchants(count: int) -> tuple[MerchantPattern, ...]:
    return tuple(merchant(f"shop {n}", f"Shop number {n}", charges=count - n) for n in range(count))
