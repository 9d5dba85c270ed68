"""GET /healthz: is the database reachable, is the task queue reachable, which version runs."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY


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


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_status(), "queue": queue_status()}
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "down", **checks, "version": settings.APP_VERSION}
    return JsonResponse(body, status=200 if healthy else 503)
