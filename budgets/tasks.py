from __future__ import annotations

from huey.contrib.djhuey import db_task, lock_task
from huey.exceptions import TaskLockedException

from accounts.models import User
from budgets.alerts import budget_alerts_check
from insights.jobs import job_run


@db_task()
def budget_alerts_task(user_id: int) -> None:
    """Check the user's budgets after new transactions arrived."""
    try:
        with lock_task(f"budget-alerts-{user_id}"):
            user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
            if user is None:
                return
            with job_run("budget_alerts", user_id=user_id) as outcome:
                outcome.update(budget_alerts_check(user=user))
    except TaskLockedException:
        # Another worker is checking this user; check once more after it, so these transactions are counted.
        budget_alerts_task.schedule(args=(user_id,), delay=30)


def on_transactions_added(sender, *, user: User, count: int, **kwargs) -> None:
    if user.budgets.exists():
        budget_alerts_task(user.pk)
