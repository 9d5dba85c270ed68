"""Recording background jobs: every run logs one structured line and leaves a JobRun row for the staff page."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from django.utils import timezone

from insights.models import JobRun, JobStatus

log = structlog.get_logger("finsight.jobs")


@contextmanager
def job_run(name: str, *, user_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Time the block and record how it ended; the caller fills the yielded dict with its counts.

    An exception is recorded as a failed run and re-raised, so Huey still sees (and may retry) it.
    """
    started = timezone.now()
    clock = time.monotonic()
    run = JobRun.objects.create(name=name, user_id=user_id, started_at=started)
    outcome: dict[str, Any] = {}
    try:
        yield outcome
    except BaseException as error:
        duration_ms = int((time.monotonic() - clock) * 1000)
        JobRun.objects.filter(pk=run.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), duration_ms=duration_ms, outcome=outcome,
            error=f"{type(error).__name__}: {error}"[:4000])
        log.error("job_failed", job=name, user_id=user_id, duration_ms=duration_ms, error=str(error), **outcome)
        raise
    duration_ms = int((time.monotonic() - clock) * 1000)
    JobRun.objects.filter(pk=run.pk).update(status=JobStatus.OK, finished_at=timezone.now(),
                                            duration_ms=duration_ms, outcome=outcome)
    log.info("job_finished", job=name, user_id=user_id, duration_ms=duration_ms, **outcome)


def last_slot(now: dt.datetime, *, hour: int, weekday: int | None = None) -> dt.datetime:
    """The most recent scheduled time of a daily (or weekly) UTC job at or before ``now``."""
    slot = now.astimezone(dt.UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    if slot > now:
        slot -= dt.timedelta(days=1)
    if weekday is not None:
        slot -= dt.timedelta(days=(slot.weekday() - weekday) % 7)
    return slot


def job_due(name: str, *, now: dt.datetime, hour: int) -> bool:
    """A daily job is due when no run succeeded since its last scheduled time: a missed night is caught up."""
    return not JobRun.objects.filter(name=name, status=JobStatus.OK,
                                     started_at__gte=last_slot(now, hour=hour)).exists()


def job_runs_purge(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    deleted, _ = JobRun.objects.filter(started_at__lt=(now or timezone.now()) - older_than).delete()
    return deleted
