"""Huey tasks of the insights app: unpack ids, call a service."""

from __future__ import annotations

from typing import Any

import structlog
from huey.contrib.djhuey import db_task

from accounts.models import User
from core.jobs import locked_job
from insights import refresh

log = structlog.get_logger(__name__)


@db_task()
@locked_job("forecast_refresh", lock="forecast-refresh-{user_id}", retry_when_locked=refresh.REFRESH_DELAY_SECONDS)
def forecast_refresh_task(user_id: int) -> dict[str, Any] | None:
    """Recompute one user's forecasts: after the ledger changed, or the Refresh button. When another worker is
    computing them, once more after it (the change it was queued for may be newer than that run)."""
    as_of = refresh.refresh_started(user_id=user_id)
    user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    # pandas and Prophet: loaded by the worker's first refresh, not by every web worker importing this module.
    from insights.forecasts import forecasts_refresh  # noqa: PLC0415 - heavy

    outcome = forecasts_refresh(user=user)
    refresh.refresh_finished(user=user, as_of=as_of)
    return outcome


def forecast_refresh_soon(*, user_id: int, delay: int = refresh.REFRESH_DELAY_SECONDS) -> None:
    """Queue the refresh; an unreachable queue leaves the user to the sweep instead of failing the request."""
    try:
        forecast_refresh_task.schedule(args=(user_id,), delay=delay)
    except Exception as error:  # the ledger write is committed already: never turn it into an error page
        log.warning("insights_refresh_not_queued", user_id=user_id, error=str(error))
        refresh.refresh_queue_failed(user_id=user_id)


def stale_forecasts_refresh() -> dict[str, int]:
    """The sweep: forecasts older than their ledger whose refresh was never queued (the queue was down) or got
    lost are refreshed now."""
    users = refresh.stale_users_claim()
    for user_id in users:
        forecast_refresh_task(user_id)
    return {"users": len(users)}


def on_ledger_changed(sender: object, *, user: User, **kwargs: object) -> None:
    """transactions.signals.ledger_changed: the stored figures are stale; refresh them in a short while."""
    if refresh.ledger_change_record(user=user):
        forecast_refresh_soon(user_id=user.pk)
