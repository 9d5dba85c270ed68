from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from accounts.models import User
from budgets.alerts import budget_alerts_check
from core.jobs import locked_job
from core.outbox import outbox_enqueue


# When another worker is checking this user, check once more after it, so these transactions are counted.
@db_task()
@locked_job("budget_alerts", lock="budget-alerts-{user_id}", retry_when_locked=30)
def budget_alerts_task(user_id: int) -> dict[str, Any] | None:
    """Check the user's budgets after new transactions arrived."""
    user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
    return None if user is None else budget_alerts_check(user=user)


def on_transactions_added(sender, *, user: User, count: int, **kwargs) -> None:
    if user.budgets.exists():
        outbox_enqueue(budget_alerts_task, user.pk)
