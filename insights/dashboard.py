"""The home page after login: one read of everything a user wants to see first, from fast aggregates and the
forecast the nightly job stored (a request never fits a model)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache

from accounts.models import User
from alerts.selectors import alert_panel
from budgets.selectors import budget_progress
from insights import analytics
from insights.panels import dashboard_panels
from insights.selectors import forecast_page
from mlcore.services import review_count
from payments.selectors import upcoming_bills
from transactions.models import Account, Transaction
from transactions.selectors import ledger_version

ZERO = Decimal("0.00")
TOP_CATEGORIES = 8
BUDGETS_SHOWN = 6
BILLS_SHOWN = 6
BILLS_DAYS = 14
CALENDAR_DAYS = 91  # thirteen weeks
TREND_MONTHS = 12
FIGURES_SECONDS = 60


@dataclass(frozen=True)
class Onboarding:
    has_income: bool
    has_account: bool
    has_transactions: bool
    has_bills: bool
    has_budgets: bool

    @property
    def done(self) -> bool:
        return self.has_account and self.has_transactions


def _onboarding(user: User, *, has_budgets: bool, has_bills: bool) -> Onboarding:
    return Onboarding(
        has_income=user.financial_profile.monthly_net_income is not None,
        has_account=Account.objects.filter(owner=user).exists(),
        has_transactions=Transaction.objects.for_user(user).exists(),
        has_bills=has_bills, has_budgets=has_budgets,
    )


def _ledger_figures(*, user: User, today: dt.date, month: dt.date, calendar_start: dt.date) -> tuple[list, list, list]:
    """The twelve months' trend, this month's categories and the calendar: the dashboard's sums over the ledger,
    a few hundred milliseconds with a big history under row security. Kept under the ledger's version (a new
    one on every change through the services) for a minute at most, as long as the insights may lag anyway: the
    categorizer files typed-in transactions in the background without a new version."""
    profile = user.financial_profile
    key = (f"insights:dashboard-figures:{user.pk}:{ledger_version(user=user)}:{today}:"
           f"{profile.preferred_currency}:{profile.savings_rate_target}")
    figures = cache.get(key)
    if figures is None:
        figures = (analytics.savings_history(user=user, months=TREND_MONTHS, today=today),
                   analytics.spending_by_category(user=user, start=month, end=today),
                   analytics.spending_calendar(user=user, start=calendar_start, end=today))
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


def dashboard_get(*, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, in a fixed number of queries whatever the size of the history."""
    profile = user.financial_profile
    today = today or profile.local_today()
    currency = profile.preferred_currency
    month = analytics.month_start(today)

    progress = budget_progress(user=user, month=month, today=today)
    overall = next((p for p in progress if p.budget.category_id is None), None)
    bills = upcoming_bills(user=user, today=today, days=BILLS_DAYS)
    open_bills = [bill for bill in bills if bill.is_open]
    onboarding = _onboarding(user, has_budgets=bool(progress), has_bills=bool(bills))
    context: dict[str, Any] = {"today": today, "currency": currency, "onboarding": onboarding,
                               "review_count": review_count(user=user)}
    if not onboarding.done:
        return context

    calendar_start = today - dt.timedelta(days=CALENDAR_DAYS - 1)
    history, categories, calendar = _ledger_figures(user=user, today=today, month=month, calendar_start=calendar_start)
    this_month = history[-1]
    forecast = forecast_page(user=user)
    lowest = forecast["summary"].get("lowest_before_income") or {}
    category_budgets = [p for p in progress if p.budget.category_id is not None]
    category_budgets.sort(key=lambda p: -p.percent)

    context.update({
        "alerts": alert_panel(user=user),
        "panels": dashboard_panels(user=user),
        "month": month,
        "spent": this_month.spending,
        "income": this_month.income,
        "savings_rate": this_month.savings_rate,
        "target_rate": this_month.target_rate,
        "overall_budget": overall,
        "budgets": category_budgets[:BUDGETS_SHOWN],
        "budgets_more": max(len(category_budgets) - BUDGETS_SHOWN, 0),
        "bills": open_bills[:BILLS_SHOWN],
        "bills_total": sum((bill.amount_upper for bill in open_bills if bill.currency == currency), ZERO),
        "bills_vary": any(bill.amount_max is not None for bill in open_bills[:BILLS_SHOWN]),
        "forecast": forecast,
        "lowest_negative": Decimal(lowest.get("amount") or "0") < 0,
        # The partials of the spending page, reused as they are.
        "categories": categories[:TOP_CATEGORIES],
        "total_spent": sum((row.total for row in categories), ZERO),
        "level": "top", "start": month, "end": today,
        "calendar": calendar, "calendar_weeks": analytics.calendar_weeks(calendar), "calendar_start": calendar_start,
        "calendar_is_partial": False,
        "trend": history,
        "charts": {
            "spending": {"currency": currency,
                         "categories": {"labels": [row.name for row in categories[:TOP_CATEGORIES]],
                                        "values": [row.total for row in categories[:TOP_CATEGORIES]]}},
            "savings": {"currency": currency,
                        "labels": [f"{row.month:%b %Y}" + (" (so far)" if row.is_partial else "") for row in history],
                        "income": [row.income for row in history], "spending": [row.spending for row in history],
                        "savings": [row.savings for row in history], "rate": [row.savings_rate for row in history],
                        "target": [row.target_rate for row in history]},
        },
    })
    return context
