"""The task outbox: background work is recorded in the database with the write that needs it, then handed to
the queue.

A request that commits a write and then enqueues a task straight into Redis either loses the task (Redis is
down, the row is committed) or fails after committing (the client retries and the write is made twice). Here
the task becomes an ``OutboxTask`` row in the same transaction as the write; once that commits it is handed to
Huey at once, and should the queue be unreachable the row waits: ``outbox_send`` (the schedule's sweep, the
``outbox_send`` command and every consumer's start) hands it over once the queue is back.

After the queue failed, a request does not try it again for a few seconds (a breaker: a Redis that hangs would
cost every request a timeout); its rows wait for the sweep, which always tries.

A row is claimed for a short lease before it is handed over and marked sent after, so two sweeps never both
hand it over; only a process dying between the hand-over and the mark could send one twice, and every task
queued this way is safe to run twice (each claims its work in the database or recomputes from it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import structlog
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from huey.api import Task, TaskWrapper
from huey.contrib.djhuey import HUEY
from huey.exceptions import HueyException
from huey.utils import normalize_time

from core.breaker import Breaker
from core.models import OutboxTask

log = structlog.get_logger("finsight.outbox")

# A hand-over that has not finished after this long is taken as failed (the process died) and tried again.
CLAIM_LEASE = dt.timedelta(minutes=2)
# One sweep hands over at most this many rows (the next sweep takes the rest).
SWEEP_LIMIT = 5000
# After the queue failed, requests leave their tasks to the sweep for this many seconds (per process).
QUEUE_BREAKER = Breaker(cooldown=10)


def task_name(task: TaskWrapper) -> str:
    """The name Huey files the task under (its module and function), as stored on the row."""
    return str(HUEY._registry.task_to_string(task.task_class))


def outbox_enqueue(task: TaskWrapper, *args: Any, delay: float = 0, **kwargs: Any) -> OutboxTask:
    """Queue ``task(*args, **kwargs)`` (``delay`` seconds later) once the current transaction commits.

    The row is written now, in the caller's transaction: a rollback drops it with the write, a commit keeps it
    until the queue has taken it. Arguments must be JSON (ids, not objects).
    """
    now = timezone.now()
    row = OutboxTask.objects.create(task=task_name(task), args=list(args), kwargs=kwargs,
                                    not_before=now + dt.timedelta(seconds=delay))
    row_id = row.pk
    transaction.on_commit(lambda: outbox_send(ids=[row_id]))
    return row


def outbox_send(*, ids: Iterable[int] | None = None, now: dt.datetime | None = None,
                limit: int = SWEEP_LIMIT) -> dict[str, int]:
    """Hand waiting rows to the queue (only ``ids`` when given); returns how many were sent and how many wait.

    Never raises for an unreachable queue: the row keeps its error and its count of attempts, and waits.
    """
    now = now or timezone.now()
    if ids is not None and QUEUE_BREAKER.is_open():
        return {"sent": 0, "waiting": len(list(ids))}  # the queue failed a moment ago: the sweep hands them over
    waiting = OutboxTask.objects.filter(sent_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    if ids is not None:
        waiting = waiting.filter(pk__in=list(ids))
    outcome = {"sent": 0, "waiting": 0}
    for row in waiting.order_by("id")[:limit]:
        try:
            task_class = HUEY._registry.string_to_task(row.task)
        except HueyException as error:  # a release renamed the task, or this process has not imported it
            OutboxTask.objects.filter(pk=row.pk).update(last_error=str(error)[:2000])
            log.error("outbox_task_unknown", task=row.task, outbox_id=row.pk)
            outcome["waiting"] += 1
            continue
        claimed = (OutboxTask.objects.filter(pk=row.pk, sent_at__isnull=True)
                   .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
                   .update(claimed_until=now + CLAIM_LEASE, attempts=F("attempts") + 1))
        if claimed != 1:
            continue  # another process is handing it over
        try:
            _hand_over(row, task_class)
        except Exception as error:  # noqa: BLE001 - the queue is unreachable: the row waits for the next sweep
            QUEUE_BREAKER.trip()
            OutboxTask.objects.filter(pk=row.pk).update(claimed_until=None,
                                                        last_error=f"{type(error).__name__}: {error}"[:2000])
            log.warning("outbox_not_sent", task=row.task, outbox_id=row.pk, error=str(error))
            outcome["waiting"] += 1
            if ids is None:
                break  # the queue is down: the rest would fail the same way; the next sweep tries again
            continue
        OutboxTask.objects.filter(pk=row.pk).update(sent_at=timezone.now(), claimed_until=None, last_error="")
        QUEUE_BREAKER.reset()
        outcome["sent"] += 1
    return outcome


def _hand_over(row: OutboxTask, task_class: type[Task]) -> None:
    eta = normalize_time(eta=row.not_before, utc=HUEY.utc) if row.not_before > timezone.now() else None
    # The outbox id in Huey's task id: a task's log lines say which row it came from.
    HUEY.enqueue(task_class(tuple(row.args), dict(row.kwargs), id=f"outbox-{row.pk}", eta=eta))


def outbox_waiting(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """How many tasks wait for the queue and since when (the health check and the staff)."""
    oldest = OutboxTask.objects.filter(sent_at__isnull=True).order_by("id").values_list("created_at", flat=True)
    first = oldest.first()
    now = now or timezone.now()
    return {"waiting": oldest.count(),
            "oldest_seconds": None if first is None else max(0, int((now - first).total_seconds()))}


def outbox_purge(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete rows the queue took longer ago than ``older_than``; returns how many."""
    now = now or timezone.now()
    deleted, _ = OutboxTask.objects.filter(sent_at__lt=now - older_than).delete()
    return deleted
