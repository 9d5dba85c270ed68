"""Reads of the stored forecasts: the list the API pages through, and what the forecast page shows.

Only stored rows: a read never fits a model (insights.forecasts computes them in the worker).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from insights.models import Forecast, ForecastKind, RefreshState


def forecast_list(*, user: User, kind: str | None = None) -> QuerySet[Forecast]:
    """The user's stored forecasts, totals first within a kind."""
    rows = Forecast.objects.filter(user=user).select_related("account")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("kind", "account__name", "id")


def forecast_page(*, user: User) -> dict[str, Any]:
    """What the forecast page shows, from stored rows only (three queries at most, never a fit), with when it
    was computed and whether a newer ledger is being counted in."""
    rows = list(forecast_list(user=user))
    total = next((r for r in rows if r.kind == ForecastKind.BALANCE and r.account_id is None), None)
    accounts = [r for r in rows if r.kind == ForecastKind.BALANCE and r.account_id is not None]
    spending = next((r for r in rows if r.kind == ForecastKind.DAILY_SPENDING), None)
    chart = None
    if total is not None:
        chart = {"currency": total.currency,
                 "history": [{"date": p["date"], "balance": p["balance"]} for p in total.summary.get("history", [])],
                 "forecast": total.points}
    state = RefreshState.objects.filter(user=user).first()
    return {"total": total, "summary": with_dates(total.summary) if total else {},
            "accounts": [(row, with_dates(row.summary)) for row in accounts], "spending": spending,
            "chart": chart, "computed_at": total.created_at if total else None,
            # The ledger changed after these figures were computed (or before the first ones): a refresh is on its way.
            "updating": bool(state and state.is_stale)}


def with_dates(value: Any) -> Any:
    """A stored summary with its ISO dates ("date", "*_date") as dates, for the template's date filter."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and (key == "date" or key.endswith("_date")):
                try:
                    item = dt.date.fromisoformat(item)
                except ValueError:
                    pass
            out[key] = with_dates(item)
        return out
    if isinstance(value, list):
        return [with_dates(item) for item in value]
    return value
