from __future__ import annotations

from huey.contrib.djhuey import db_task

from accounts.models import User
from core.jobs import locked_job
from core.outbox import outbox_enqueue
from payments.services import bills_match


# When another worker is matching this user, run once more after it, so these rows are seen.
@db_task()
@locked_job("bills_match", lock="bills-match-{user_id}", retry_when_locked=30)
def bills_match_task(user_id: int) -> dict[str, int] | None:
    """Settle the user's bills with transactions that just arrived."""
    user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    result = bills_match(user=user)
    return {"paid": len(result.paid), "overdue": len(result.overdue)}


def on_transactions_added(sender, *, user: User, count: int, **kwargs) -> None:
    if user.recurring_payments.filter(is_active=True).exists():
        outbox_enqueue(bills_match_task, user.pk)
