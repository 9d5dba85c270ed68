"""Huey tasks of the advisor: unpack ids, call the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from huey.contrib.djhuey import db_task

from accounts.models import User
from advisor.letter import letter_send
from core.jobs import locked_job
from core.months import month_add, month_start


@db_task()
@locked_job("monthly_letter", lock="monthly-letter-{user_id}")
def monthly_letter_task(user_id: int, month: str) -> dict[str, Any] | None:
    """One user's letter of ``month`` ("YYYY-MM"), once that month has ended in their timezone."""
    user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    reviewed = dt.date.fromisoformat(f"{month}-01")
    if month_add(month_start(user.financial_profile.local_today()), -1) < reviewed:
        return {"month": month, "not_ended_here": 1}  # west of UTC: the next day's run writes it
    return {"month": month, "written": int(letter_send(user=user, month=reviewed) is not None)}
