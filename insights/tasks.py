"""Huey tasks of the insights app: unpack ids, call a service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task, lock_task
from huey.exceptions import TaskLockedException

from accounts.models import User


@db_task()
def forecast_refresh_task(user_id: int) -> None:
    """Recompute one user's forecasts (the Refresh button); a second press while it runs is dropped."""
    from insights.forecasts import forecasts_refresh

    try:
        with lock_task(f"forecast-refresh-{user_id}"):
            user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
            if user is not None:
                forecasts_refresh(user=user)
    except TaskLockedException:
        pass
