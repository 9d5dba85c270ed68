from __future__ import annotations

from huey.contrib.djhuey import db_task, lock_task
from huey.exceptions import TaskLockedException

from accounts.models import User
from insights.jobs import job_run
from payments.services import bills_match


@db_task()
def bills_match_task(user_id: int) -> None:
    """Settle the user's bills with transactions that just arrived."""
    try:
        with lock_task(f"bills-match-{user_id}"):
            user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
            if user is None:
                return
            with job_run("bills_match", user_id=user_id) as outcome:
                result = bills_match(user=user)
                outcome.update(paid=len(result.paid), overdue=len(result.overdue))
    except TaskLockedException:
        # Another worker is matching this user; run once more after it, so these rows are seen.
        bills_match_task.schedule(args=(user_id,), delay=30)


def on_transactions_added(sender, *, user: User, count: int, **kwargs) -> None:
    if user.recurring_payments.filter(is_active=True).exists():
        bills_match_task(user.pk)
