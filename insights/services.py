"""The nightly insight work for one user: subscriptions, bills, budgets and the forecast."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from budgets.alerts import budget_alerts_check
from budgets.services import budget_month_open
from insights import refresh
from insights.models import Forecast, ForecastKind
from payments.services import bills_match
from payments.suggestions import subscription_suggestions_refresh
from transactions.models import Transaction

# A forecast is refitted when transactions changed since it was made, or when it is this many days old
# (its start and the month-end it projects drift). Refitting only then keeps the nightly job near the cost of
# the cheap steps for the many users who imported nothing that day (Prophet is ~0.6 s a user).
FORECAST_MAX_AGE_DAYS = 3
# Subscription detection for a user with no new transactions still runs once a week, on a day of the week
# spread by user id, so a series that stopped is noticed.
DETECTION_WEEKDAY_SPREAD = 7


def _last_forecast(user: User) -> tuple[dt.datetime, dt.date] | None:
    return (Forecast.objects.filter(user=user, kind=ForecastKind.BALANCE, account__isnull=True)
            .values_list("created_at", "start_date").first())


def _changed_since(user: User, moment: dt.datetime) -> bool:
    """New or edited transactions since ``moment`` (updated_at moves on every write, imports included)."""
    return Transaction.objects.for_user(user).filter(updated_at__gt=moment).exists()


def user_insights_refresh(*, user: User, today: dt.date | None = None, force: bool = False) -> dict[str, int]:
    """One user's nightly insights. ``force`` (the user's Refresh) recomputes everything.

    Order matters: detection first (a new price lets the bill match), matching before the forecast (paid
    bills leave the everyday series), this month's budgets opened before their alerts are checked.
    """

    today = today or user.financial_profile.local_today()
    as_of = timezone.now()
    last = _last_forecast(user)
    changed = (force or last is None or _changed_since(user, last[0])
               or refresh.refresh_state_get(user=user).is_stale)  # a deletion moves no updated_at
    outcome: dict[str, int] = {}
    if changed or today.weekday() == user.pk % DETECTION_WEEKDAY_SPREAD:
        detected = subscription_suggestions_refresh(user=user, today=today)
        outcome.update({f"suggestions_{key}": value for key, value in detected.items()})
    matched = bills_match(user=user, today=today)
    outcome.update(bills_paid=len(matched.paid), bills_overdue=len(matched.overdue))
    outcome["budgets_opened"] = budget_month_open(user=user, month=today.replace(day=1), today=today)
    outcome.update({f"budget_{key}": value for key, value in budget_alerts_check(user=user, today=today).items()})
    fitted_on = last[1] - dt.timedelta(days=1) if last else None  # a forecast starts the day after its fit
    stale = fitted_on is None or fitted_on <= today - dt.timedelta(days=FORECAST_MAX_AGE_DAYS)
    if changed or stale or matched.paid or matched.overdue:
        # pandas and Prophet: loaded by the worker that refreshes, not by every web worker importing this module.
        from insights.forecasts import forecasts_refresh  # noqa: PLC0415 - heavy

        forecast = forecasts_refresh(user=user, today=today)
        refresh.refresh_finished(user=user, as_of=as_of)
        outcome.update(forecasts=forecast["forecasts"], forecast_fit_ms=forecast["fit_ms"],
                       low_balance_alerts=forecast["low_balance_alerts"])
    else:
        outcome["forecast_skipped"] = 1
    return outcome
