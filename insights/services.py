"""The nightly insight work for one user. Later issues add forecasts, budgets and anomalies here."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from insights.forecasts import forecasts_refresh
from payments.services import bills_match


def user_insights_refresh(*, user: User, today: dt.date | None = None) -> dict[str, int]:
    """Detect subscriptions and price rises first (a new price lets the bill match), then settle bills."""
    from payments.suggestions import subscription_suggestions_refresh

    today = today or user.financial_profile.local_today()
    detected = subscription_suggestions_refresh(user=user, today=today)
    matched = bills_match(user=user, today=today)
    forecast = forecasts_refresh(user=user, today=today)  # after matching: paid bills leave the everyday series
    return {**{f"suggestions_{key}": value for key, value in detected.items()},
            "bills_paid": len(matched.paid), "bills_overdue": len(matched.overdue),
            "forecasts": forecast["forecasts"], "forecast_fit_ms": forecast["fit_ms"],
            "low_balance_alerts": forecast["low_balance_alerts"]}
