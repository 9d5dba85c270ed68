"""Redis goes down while people use Finsight: nobody notices but the wait for background work.

A real redis-server of the test's own serves the cache and the task queue; the test kills it (SIGKILL, as a
crash would) and then signs in, asks for a password reset, adds a transaction and uploads an import. Each
answers as usual, the transaction is stored once, and the work for the queue waits in the database. Once Redis
is back the sweep hands it over and it runs, once.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Count
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage
from redis import Redis
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from budgets.services import budget_set
from core.models import JobRun, JobStatus, OutboxTask
from core.outbox import QUEUE_BREAKER, outbox_send
from mlcore.tests.fixtures import global_model  # noqa: F401 - the categorizer in use, as after set-up
from payments.models import Frequency
from payments.services import recurring_payment_create
from transactions.models import ImportBatch, ImportStatus, Transaction
from transactions.tests.factories import AccountFactory

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")

TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}
THREE_ROWS = (b"Date,Description,Amount\n"
              b"2026-03-01,REWE SAGT DANKE 1234,-54.20\n"
              b"2026-03-02,GEHALT ACME GMBH,3100.00\n"
              b"2026-03-03,SEPA-LASTSCHRIFT NETFLIX.COM,-13.99\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A redis-server of this test alone (no persistence), which the test may kill and start again."""

    port: int
    workdir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pidfile(self) -> Path:
        return self.workdir / "redis.pid"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        subprocess.run([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", str(self.workdir), "--pidfile", str(self.pidfile),
                        "--daemonize", "yes"], check=True, capture_output=True, timeout=30)
        client = Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        if not self.pidfile.exists():
            return
        pid = int(self.pidfile.read_text())
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.pidfile.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def redis_server(tmp_path, settings, monkeypatch) -> Iterator[RedisServer]:
    """Its own Redis for the cache and the queue (the suite's settings point elsewhere, or at no Redis at all)."""
    server = RedisServer(port=_free_port(), workdir=tmp_path)
    server.start()
    try:
        settings.CACHES = {"default": {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": server.url,
                                       "KEY_PREFIX": "finsight-outage", "OPTIONS": TIMEOUTS}}
        monkeypatch.setattr(HUEY, "storage", RedisStorage(HUEY.name, url=f"{server.url}?socket_connect_timeout=2"))
        yield server
    finally:
        server.kill()
        QUEUE_BREAKER.reset()  # this process's memory that the queue failed must not reach other tests


@pytest.fixture
def person(committed_db, global_model):  # noqa: F811
    """Someone with a budget and a monthly bill: a new transaction makes work for the queue (alerts, matching)."""
    user = UserFactory(email="rita@example.com", display_name="Rita")
    budget_set(user=user, category=None, month=dt.date(2026, 3, 1), amount="800")
    recurring_payment_create(user=user, name="Rent", payee="Landlord", amount=Decimal("700.00"), currency="EUR",
                             frequency=Frequency.MONTHLY, day_of_month=1, start_date=dt.date(2026, 3, 1),
                             today=dt.date(2026, 3, 1), match=False)
    return user, AccountFactory(owner=user, name="Giro", currency="EUR")


def test_with_redis_down_sign_in_and_writes_work_and_the_queued_work_runs_once_redis_is_back(
        redis_server, person, settings):
    user, account = person
    settings.IMPORT_SYNC_MAX_ROWS = 1  # the upload goes to the queue, as a big file would
    redis_server.kill()

    page = APIClient()
    response = page.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    assert page.get("/transactions/").status_code == 200

    response = APIClient().post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")

    assert APIClient().post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    assert APIClient().post("/api/v1/auth/password/reset/", {"email": user.email},
                            format="json").status_code == 202

    response = api.post("/api/v1/transactions/", {"account": account.pk, "date": "2026-03-05", "amount": "-4.50",
                                                  "description": "BAKERY"}, format="json")
    assert response.status_code == 201, response.content
    assert list(Transaction.objects.filter(owner=user).values_list("description", flat=True)) == ["BAKERY"]

    response = api.post("/api/v1/imports/", {"account": account.pk,
                                             "file": SimpleUploadedFile("march.csv", THREE_ROWS)}, format="multipart")
    assert response.status_code == 202, response.content
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert batch.status == ImportStatus.PENDING

    # Nothing was sent or imported yet: it all waits in the database, each with the queue's error.
    assert mail.outbox == []
    waiting = OutboxTask.objects.filter(sent_at__isnull=True)
    assert {"accounts.tasks.email_send", "imports.tasks.import_run_task", "budgets.tasks.budget_alerts_task",
            "payments.tasks.bills_match_task"} <= set(waiting.values_list("task", flat=True))
    # Two password resets, and the new-device email: the API's sign-in came from a device not seen before.
    assert waiting.filter(task="accounts.tasks.email_send").count() == 3
    # The first hand-over met the error; the requests after it left theirs to the sweep without trying.
    assert "ConnectionError" in waiting.first().last_error
    assert outbox_send()["sent"] == 0  # still down: the sweep leaves them waiting

    redis_server.start()
    call_command("outbox_send")

    assert not OutboxTask.objects.filter(sent_at__isnull=True).exists()
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == (ImportStatus.DONE, 3)
    assert Transaction.objects.filter(owner=user).count() == 4
    assert [message.to for message in mail.outbox] == [[user.email]] * 3
    resets = [message for message in mail.outbox if "/accounts/password/reset/" in message.body]
    assert len(resets) == 2
    assert sum(message.subject.startswith("New sign-in to Finsight") for message in mail.outbox) == 1

    runs = dict(JobRun.objects.filter(status=JobStatus.OK).values_list("name").annotate(Count("id")))
    assert runs["budget_alerts"] >= 1 and runs["bills_match"] >= 1  # the new transaction's alerts and matching

    # A second sweep finds nothing to hand over: nothing runs twice.
    assert outbox_send() == {"sent": 0, "waiting": 0}
    assert len(mail.outbox) == 3
    assert Transaction.objects.filter(owner=user).count() == 4
    assert dict(JobRun.objects.values_list("name").annotate(Count("id"))) == runs


def test_with_redis_down_lockout_still_holds_and_rate_limits_let_people_in(redis_server, person, settings):
    user, _ = person
    settings.AXES_FAILURE_LIMIT = 3
    redis_server.kill()
    client = APIClient()
    statuses = [client.post("/api/v1/auth/token/", {"email": user.email, "password": "wrong-guess-123"},
                            format="json").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]  # the third failure locks the account
    # Even the right password is refused while locked out; the failures were counted in the database.
    response = client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert (response.status_code, response.json()["code"]) == (429, "locked_out")


def test_healthz_stays_200_and_says_degraded_with_the_waiting_tasks_while_redis_is_down(redis_server, person):
    user, _ = person
    redis_server.kill()
    assert APIClient().post("/api/v1/auth/password/reset/", {"email": user.email}, format="json").status_code == 202

    response = APIClient().get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["tasks_waiting"]) == ("degraded", "ok", 1)
    assert body["queue"].startswith("down")
