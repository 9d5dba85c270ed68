"""Huey tasks of the insights app: unpack ids, call a service."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from accounts.models import User
from core.jobs import locked_job
from insights.forecasts import forecasts_refresh


@db_task()
@locked_job("forecast_refresh", lock="forecast-refresh-{user_id}")
def forecast_refresh_task(user_id: int) -> dict[str, Any] | None:
    """Recompute one user's forecasts (the Refresh button); a second press while it runs is dropped."""
    user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
    return None if user is None else forecasts_refresh(user=user)
