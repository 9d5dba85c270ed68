"""GET /healthz: is the database reachable, is the task queue reachable, which version runs.

Only a database that does not answer makes it 503: with the queue (Redis) down every page, login and write still
works (tasks wait in the database's outbox, rate limits fail open), so a load balancer must keep sending
requests. The status then says "degraded", with how many tasks wait for the queue, for monitoring to alert on.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

from core.outbox import outbox_waiting


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down", reported by class name
        return f"down: {type(error).__name__}"
    return "ok"


def queue_status() -> str:
    try:
        # A cheap read that touches the real storage (Redis or the SQLite file).
        HUEY.storage.queue_size()
    except Exception as error:  # noqa: BLE001
        return f"down: {type(error).__name__}"
    return "ok"


def tasks_waiting() -> int | None:
    """How many tasks wait in the database for the queue; None when they cannot be counted."""
    try:
        return int(outbox_waiting()["waiting"])
    except Exception:  # noqa: BLE001 - the health check answers whatever is wrong
        return None


@never_cache
@require_GET
def healthz(request):
    checks: dict[str, Any] = {"database": database_status(), "queue": queue_status()}
    if checks["database"] != "ok":
        status = "down"
    elif checks["queue"] != "ok":
        status = "degraded"
        checks["tasks_waiting"] = tasks_waiting()
    else:
        status = "ok"
    body = {"status": status, **checks, "version": settings.APP_VERSION}
    return JsonResponse(body, status=503 if status == "down" else 200)
