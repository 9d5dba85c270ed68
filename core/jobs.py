"""Recording background jobs: every run logs one structured line and leaves a JobRun row for the staff page.

Every periodic and fan-out job is wrapped in ``@locked_job``: Huey's lock (a second worker skips, or retries
later), an optional "is it due?" check for daily jobs, and the JobRun record of how it ended.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec

import structlog
from django.contrib.auth import get_user_model
from django.utils import timezone
from huey.contrib.djhuey import lock_task
from huey.exceptions import RetryTask, TaskLockedException

from core.models import JobRun, JobStatus

log = structlog.get_logger("finsight.jobs")

P = ParamSpec("P")
Outcome = Mapping[str, Any] | None


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


def locked_job(name: str, *, lock: str | None = None, due_hour: int | None = None,
               retry_when_locked: int | None = None) -> Callable[[Callable[P, Outcome]], Callable[P, None]]:
    """Run the job under Huey's lock and record it as a JobRun named ``name``; the job returns its counts.

    ``lock`` names the lock (``name`` by default) and may use the job's arguments, e.g. ``"user-model-{user_id}"``;
    a ``user_id`` argument is recorded on the run. ``due_hour`` makes a daily job (UTC) that works only when no
    run has succeeded since that hour, so a missed night is caught up. When another worker holds the lock the
    call is dropped, or with ``retry_when_locked`` retried that many seconds later (new rows are then seen).
    """
    def decorate(job: Callable[P, Outcome]) -> Callable[P, None]:
        signature = inspect.signature(job)

        @functools.wraps(job)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
            arguments = signature.bind(*args, **kwargs).arguments
            user_id = arguments.get("user_id")
            try:
                with lock_task((lock or name).format(**arguments)):
                    if due_hour is not None and not job_due(name, now=timezone.now(), hour=due_hour):
                        return
                    with job_run(name, user_id=user_id) as outcome:
                        outcome.update(job(*args, **kwargs) or {})
            except TaskLockedException:
                if retry_when_locked is not None:
                    raise RetryTask(delay=retry_when_locked) from None
                # Otherwise another worker is doing this very work right now.

        return wrapper

    return decorate


def users_fan_out(task: Callable[[int], object]) -> int:
    """Queue ``task(user_id)`` for every active user, reading their ids in chunks; returns how many were queued."""
    count = 0
    users = get_user_model().objects.filter(is_active=True).values_list("pk", flat=True)
    for user_id in users.iterator(chunk_size=2000):
        task(user_id)
        count += 1
    return count


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
