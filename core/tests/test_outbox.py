"""The task outbox: a task is kept with the write that needs it, handed to the queue once, never lost."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from core.cache import FailOpenRedisCache
from core.models import OutboxTask
from core.outbox import CLAIM_LEASE, QUEUE_BREAKER, outbox_enqueue, outbox_send

RAN: list[str] = []  # what the task below did, in order


@HUEY.task()
def note(text: str) -> None:
    RAN.append(text)


NOTE = "core.tests.test_outbox.note"


@pytest.fixture(autouse=True)
def _nothing_ran():
    RAN.clear()


def test_a_rolled_back_write_queues_nothing(committed_db):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(note, "hi")
        raise RuntimeError("the write failed")

    assert not OutboxTask.objects.exists()
    assert RAN == []


def test_a_committed_write_hands_its_task_over_once(committed_db):
    with transaction.atomic():
        outbox_enqueue(note, text="hi")
        assert RAN == []  # not before the commit

    [row] = OutboxTask.objects.all()
    assert (row.task, row.kwargs, row.attempts, row.last_error) == (NOTE, {"text": "hi"}, 1, "")
    assert row.sent_at is not None
    assert RAN == ["hi"]
    assert outbox_send() == {"sent": 0, "waiting": 0}
    assert RAN == ["hi"]


def test_a_delayed_task_is_handed_over_for_later(committed_db):
    before = HUEY.scheduled_count()
    outbox_enqueue(note, "later", delay=600)

    assert OutboxTask.objects.get().sent_at is not None
    assert HUEY.scheduled_count() == before + 1  # waiting in the queue for its time, not run
    assert RAN == []
    HUEY.flush()


def test_an_unknown_task_waits_with_its_reason_and_blocks_nothing(db):
    now = timezone.now()
    lost = OutboxTask.objects.create(task="gone.tasks.renamed", not_before=now)
    fine = OutboxTask.objects.create(task=NOTE, not_before=now, args=["fine"])

    assert outbox_send() == {"sent": 1, "waiting": 1}

    lost.refresh_from_db()
    fine.refresh_from_db()
    assert (lost.sent_at, "not found" in lost.last_error) == (None, True)
    assert fine.sent_at is not None and RAN == ["fine"]


def test_a_row_being_handed_over_elsewhere_is_left_alone_until_its_lease_ends(db):
    now = timezone.now()
    row = OutboxTask.objects.create(task=NOTE, not_before=now, claimed_until=now + CLAIM_LEASE, args=["once"])

    assert outbox_send(now=now) == {"sent": 0, "waiting": 0}
    assert RAN == []

    assert outbox_send(now=now + CLAIM_LEASE + dt.timedelta(seconds=1))["sent"] == 1
    row.refresh_from_db()
    assert row.sent_at is not None and RAN == ["once"]


def test_the_cache_answers_a_miss_when_redis_cannot_be_reached():
    cache = FailOpenRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})

    assert cache.get("throttle_login_1.2.3.4", []) == []
    assert cache.set("key", "value") is None
    assert cache.add("key", "value") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("key") is False
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_after_the_queue_failed_requests_leave_their_tasks_to_the_sweep(committed_db, monkeypatch):
    monkeypatch.setattr(HUEY, "storage", RedisStorage(HUEY.name, url="redis://127.0.0.1:1/0"))  # nothing listens
    try:
        outbox_enqueue(note, "first")
        outbox_enqueue(note, "second")
        first, second = OutboxTask.objects.order_by("id")
        assert ("ConnectionError" in first.last_error, first.attempts) == (True, 1)
        assert (second.last_error, second.attempts) == ("", 0)  # not tried: the queue failed a moment ago
        monkeypatch.undo()

        assert outbox_send() == {"sent": 2, "waiting": 0}  # the sweep always tries
        assert RAN == ["first", "second"]
        assert not QUEUE_BREAKER.is_open()
    finally:
        QUEUE_BREAKER.reset()


def test_a_redis_that_hangs_costs_the_cache_one_timeout_not_one_per_call():
    with socket.socket() as hung:  # accepts connections, never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        cache = FailOpenRedisCache(f"redis://127.0.0.1:{hung.getsockname()[1]}/0", {"OPTIONS": {"socket_timeout": 1}})
        began = time.monotonic()
        assert cache.get("a", "miss") == "miss"
        assert time.monotonic() - began >= 0.9
        began = time.monotonic()
        assert [cache.get(key, "miss") for key in "bcdefghij"] == ["miss"] * 9
        assert time.monotonic() - began < 0.5


def test_staff_see_the_waiting_tasks_in_the_admin(admin_client):
    OutboxTask.objects.create(task="imports.tasks.import_run_task", args=[7], not_before=timezone.now(),
                              last_error="ConnectionError: Error 111 connecting to 127.0.0.1:6379.")

    response = admin_client.get("/admin/core/outboxtask/?sent_at__isempty=1")

    assert response.status_code == 200
    assert "imports.tasks.import_run_task" in response.content.decode()
    assert "Error 111" in response.content.decode()
