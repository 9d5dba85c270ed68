"""Scanning a user's transactions for anomalies, in a worker: after new transactions arrive, and nightly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from huey.contrib.djhuey import db_task

from accounts.models import User
from alerts import services
from core.jobs import locked_job
from core.models import OutboxTask
from core.outbox import outbox_enqueue, task_name

# New transactions are scanned this many seconds after they arrive: an import's batches, or a few typed in a
# row, become one scan.
SCAN_DELAY_SECONDS = 60


@db_task()
@locked_job("protection_refresh", lock="protection-{user_id}", retry_when_locked=SCAN_DELAY_SECONDS)
def protection_refresh(user_id: int) -> dict[str, Any] | None:
    """Refresh the user's patterns, score their new transactions and record the alerts (alerts.services)."""
    user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
    return None if user is None else services.protection_refresh(user=user)


def protection_refresh_soon(*, user: User, now: dt.datetime | None = None) -> bool:
    """Queue a scan of the user's new transactions in SCAN_DELAY_SECONDS, unless one is already waiting to
    start (it will see these rows too). Returns whether a scan was queued."""
    now = now or timezone.now()
    waiting = OutboxTask.objects.filter(task=task_name(protection_refresh), args=[user.pk], not_before__gt=now)
    if waiting.exists():
        return False
    outbox_enqueue(protection_refresh, user.pk, delay=SCAN_DELAY_SECONDS)
    return True


def on_transactions_added(sender: object, *, user: User, **kwargs: object) -> None:
    """New transactions were committed (an import, or one typed in): scan them in a worker, never here."""
    protection_refresh_soon(user=user)
