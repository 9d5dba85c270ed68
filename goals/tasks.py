"""Huey tasks of the goals app: unpack ids, call the refresh."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from accounts.models import User
from core.jobs import locked_job
from goals.refresh import goals_refresh


@db_task()
@locked_job("goals_refresh", lock="goals-refresh-{user_id}", retry_when_locked=30)
def goals_refresh_task(user_id: int, reason: str = "goal changed") -> dict[str, Any] | None:
    """Recompute one user's plan and readiness after they changed a goal, a contribution or their answers."""
    user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
    return None if user is None else goals_refresh(user=user, reason=reason)
