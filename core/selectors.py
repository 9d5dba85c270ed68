from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from core.models import JobRun, JobStatus


def job_run_list(*, status: str | None = None, name: str | None = None) -> QuerySet[JobRun]:
    runs = JobRun.objects.all()
    if status:
        runs = runs.filter(status=status)
    if name:
        runs = runs.filter(name=name)
    return runs


def job_summary(*, now: dt.datetime | None = None, days: int = 7) -> list[dict[str, Any]]:
    """Per job name over the last ``days``: runs, failures, last run, average duration."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    return list(
        JobRun.objects.filter(started_at__gte=since).values("name").annotate(
            runs=Count("pk"), failures=Count("pk", filter=Q(status=JobStatus.FAILED)),
            last_started=Max("started_at"), avg_ms=Avg("duration_ms"),
        ).order_by("name")
    )
