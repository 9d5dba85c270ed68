"""PostgreSQL backends killed with pg_terminate_backend() in the middle of work: nothing answered as saved is lost,
an import is all rows or none and ends with a message (never stuck 'running'), the person sees a clear answer (a
503 in the API's error shape, a page saying to try again), and the next request works.

The requests go to a real gunicorn worker (the test settings, on the test database, CONN_MAX_AGE=60 with health
checks as in production), so its persistent connection is what gets killed. To kill a backend at a known step, a
second connection holds a table lock that the step must wait for; the waiting backend is found in pg_stat_activity
and terminated, then the lock is released. PostgreSQL only: the suite skips these on SQLite.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken

from imports import services as import_services
from imports.batches import batch_run
from transactions.models import ImportBatch, ImportStatus, Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kills PostgreSQL backends"),
    pytest.mark.usefixtures("committed_db"),
]

ROOT = Path(__file__).resolve().parents[2]

CSV = (b"Date,Description,Amount\n"
       b"2026-03-01,REWE SAGT DANKE 1234,-54.20\n"
       b"2026-03-02,GEHALT ACME GMBH,3100.00\n"
       b"2026-03-03,SEPA-LASTSCHRIFT NETFLIX.COM,-13.99\n")


# A typed-in transaction's INSERT, and the importer's (WITH inserted AS (INSERT INTO ... SELECT ... FROM its stage).
INSERT_LEDGER = "%INSERT INTO %transactions_transaction%"


# --- a second connection: locks, and the kill -------------------------------------------------------------

def _conninfo() -> str:
    s = connection.settings_dict
    return psycopg.conninfo.make_conninfo(dbname=s["NAME"], user=s["USER"] or None, password=s["PASSWORD"] or None,
                                          host=s["HOST"] or None, port=s["PORT"] or None)


@contextmanager
def table_locked(table: str, mode: str) -> Iterator[psycopg.Connection]:
    """Hold ``LOCK TABLE table IN mode MODE`` on a second connection until the block ends."""
    with psycopg.connect(_conninfo()) as side:
        side.execute(f'LOCK TABLE "{table}" IN {mode} MODE')
        try:
            yield side
        finally:
            side.rollback()


def kill_backend_waiting_on(side: psycopg.Connection, query_like: str, timeout: float = 30) -> int:
    """Terminate the backend that waits for a lock while running a query matching ``query_like`` (ILIKE)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(_conninfo(), autocommit=True) as watcher:
        while time.monotonic() < deadline:
            row = watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid() AND pid <> %s AND query ILIKE %s",
                (side.info.backend_pid, query_like)).fetchone()
            if row:
                assert watcher.execute("SELECT pg_terminate_backend(%s)", (row[0],)).fetchone()[0]
                return row[0]
            time.sleep(0.02)
    raise AssertionError(f"no backend waited on a lock for {query_like!r} within {timeout} s")


SERVER_APP_NAME = "finsight-fault-server"


def kill_server_idle_backends() -> int:
    """Terminate the web server's idle connections (its worker's persistent one)."""
    with psycopg.connect(_conninfo(), autocommit=True) as watcher:
        pids = [pid for (pid,) in watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle' "
            "AND application_name = %s", (SERVER_APP_NAME,)).fetchall()]
        for pid in pids:
            watcher.execute("SELECT pg_terminate_backend(%s)", (pid,))
    return len(pids)


# --- a real web server -------------------------------------------------------------------------------------

class Server:
    def __init__(self, port: int, media_root: Path):
        self.port = port
        self.media_root = media_root

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(django_db_setup, global_model, tmp_path_factory) -> Iterator[Server]:
    # The trained global categorizer, as a production server has it (without, a typed-in row would queue its
    # training, which the test settings' inline tasks would run inside the request).
    s = connection.settings_dict
    url = f"postgres://{s['USER'] or ''}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@" \
          f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    port = _free_port()
    media_root = tmp_path_factory.mktemp("server-media")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url,
           "DB_CONN_MAX_AGE": "60", "MEDIA_ROOT": str(media_root),
           "MLCORE_ARTIFACT_DIR": str(settings.MLCORE_ARTIFACT_DIR),
           "DATA_DIR": str(tmp_path_factory.mktemp("server-data")), "LOG_LEVEL": "WARNING",
           "PGAPPNAME": SERVER_APP_NAME}  # libpq names its connections, to find them in pg_stat_activity
    log = (tmp_path_factory.mktemp("server-log") / "gunicorn.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "1", "--timeout", "120", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(port, media_root)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if server.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"gunicorn did not start:\n{log.read()}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def account(owner):
    return AccountFactory(owner=owner, name="Main checking", currency="EUR", opening_balance=Decimal("1000.00"),
                          opening_date=date(2026, 1, 1))


@pytest.fixture
def bearer(owner) -> dict[str, str]:
    return {"Authorization": f"Bearer {RefreshToken.for_user(owner).access_token}"}


@pytest.fixture
def session_cookie(owner) -> dict[str, str]:
    client = Client()
    client.force_login(owner)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def _post_transaction(server: Server, bearer: dict[str, str], account, description: str):
    body = json.dumps({"account": account.pk, "date": "2026-03-05", "amount": "-12.50",
                       "description": description}).encode()
    return server.request("POST", "/api/v1/transactions/", body=body,
                          headers={**bearer, "Content-Type": "application/json"})


def _in_thread(target) -> tuple[threading.Thread, dict]:
    result: dict = {}

    def run():
        try:
            result["value"] = target()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            result["error"] = error
        finally:
            connection.close()  # this thread's own connection, if it opened one

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


# --- requests ----------------------------------------------------------------------------------------------

def test_a_write_whose_backend_is_killed_answers_503_saves_nothing_and_the_retry_is_saved(server, bearer, account):
    status, _, body = _post_transaction(server, bearer, account, "BEFORE THE FAULT")
    assert status == 201, body

    with table_locked("transactions_transaction", "SHARE ROW EXCLUSIVE") as side:
        thread, result = _in_thread(lambda: _post_transaction(server, bearer, account, "DURING THE FAULT"))
        kill_backend_waiting_on(side, INSERT_LEDGER)
    thread.join(60)
    status, headers, body = result["value"]
    assert status == 503, body
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "message": "The database could not be reached, so this may not have been saved. Check, then try again in a "
                   "moment.",
        "code": "database_unavailable", "fields": {}, "extra": {}}
    assert headers["retry-after"]

    # What answered 201 is there; what answered 503 is not; the same worker saves the next one.
    status, _, body = _post_transaction(server, bearer, account, "AFTER THE FAULT")
    assert status == 201, body
    assert sorted(Transaction.objects.filter(account=account).values_list("description", flat=True)) == [
        "AFTER THE FAULT", "BEFORE THE FAULT"]


def test_a_page_whose_backend_is_killed_says_to_try_again_and_the_next_load_works(server, session_cookie, account):
    # A row to list: an empty ledger's page is drawn from its kept totals without reading the table.
    TransactionFactory(account=account, date=date(2026, 3, 2), amount=Decimal("-4.20"), description="KIOSK")
    status, _, body = server.request("GET", "/transactions/", headers=session_cookie)
    assert status == 200, body

    with table_locked("transactions_transaction", "ACCESS EXCLUSIVE") as side:
        thread, result = _in_thread(lambda: server.request("GET", "/transactions/", headers=session_cookie))
        kill_backend_waiting_on(side, "SELECT %")
    thread.join(60)
    status, headers, body = result["value"]
    assert status == 503
    assert headers["content-type"].startswith("text/html")
    page = body.decode()
    assert "The database could not be reached" in page
    assert "Traceback" not in page

    status, _, body = server.request("GET", "/transactions/", headers=session_cookie)
    assert status == 200, body


def _form_post(server: Server, session_cookie: dict[str, str], account, description: str):
    status, headers, body = server.request("GET", "/transactions/new/", headers=session_cookie)
    assert status == 200, body
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers["set-cookie"]).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "date": "2026-03-05", "account": account.pk,
                      "description": description, "amount": "-8.40", "currency": "", "category": "", "tags": "",
                      "notes": "", "merchant": ""}).encode()
    return server.request("POST", "/transactions/new/", body=form, headers={
        "Cookie": f"{session_cookie['Cookie']}; csrftoken={csrf_cookie}",
        "Content-Type": "application/x-www-form-urlencoded"})


def test_a_form_whose_backend_is_killed_says_it_may_not_be_saved_and_the_next_post_saves(server, session_cookie,
                                                                                         account):
    with table_locked("transactions_transaction", "SHARE ROW EXCLUSIVE") as side:
        thread, result = _in_thread(lambda: _form_post(server, session_cookie, account, "TYPED DURING THE FAULT"))
        kill_backend_waiting_on(side, INSERT_LEDGER)
    thread.join(60)
    status, headers, body = result["value"]
    assert status == 503
    assert headers["content-type"].startswith("text/html")
    assert "The database could not be reached, so this may not have been saved." in body.decode()
    assert not Transaction.objects.filter(account=account).exists()

    status, headers, body = _form_post(server, session_cookie, account, "TYPED AFTER THE FAULT")
    assert (status, headers.get("location")) == (302, "/transactions/"), body
    assert list(Transaction.objects.filter(account=account).values_list("description", flat=True)) == [
        "TYPED AFTER THE FAULT"]


def test_a_connection_killed_while_idle_is_replaced_before_the_next_request(server, bearer, account):
    assert server.request("GET", "/api/v1/transactions/", headers=bearer)[0] == 200
    assert kill_server_idle_backends() == 1  # the worker's persistent connection (CONN_MAX_AGE)
    for _ in range(3):
        status, _, body = server.request("GET", "/api/v1/transactions/", headers=bearer)
        assert status == 200, body


def test_an_import_through_the_api_whose_backend_is_killed_imports_nothing_and_says_so(server, bearer, account,
                                                                                       settings):
    settings.MEDIA_ROOT = server.media_root  # where the server stores the upload, to run the batch again here
    boundary = "finsightfaultboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"account\"\r\n\r\n{account.pk}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + CSV + f"\r\n--{boundary}--\r\n".encode()
    headers = {**bearer, "Content-Type": f"multipart/form-data; boundary={boundary}"}

    with table_locked("transactions_transaction", "SHARE ROW EXCLUSIVE") as side:
        thread, result = _in_thread(lambda: server.request("POST", "/api/v1/imports/", body=body, headers=headers))
        kill_backend_waiting_on(side, INSERT_LEDGER)
    thread.join(60)
    status, _, answer = result["value"]
    assert status in (400, 503), answer
    assert json.loads(answer)["message"]
    assert Transaction.objects.filter(account=account).count() == 0
    batch = ImportBatch.objects.get(account=account)
    assert batch.status == ImportStatus.FAILED
    assert batch.errors[0]["message"] == "Something went wrong while importing; nothing was imported."

    # The upload is kept, so the same batch runs again, all rows at once.
    assert batch.stored_file
    batch = import_services.import_run(batch=batch)
    assert (batch.status, batch.created_count) == (ImportStatus.DONE, 3)
    assert Transaction.objects.filter(account=account).count() == 3


# --- an import in the worker ------------------------------------------------------------------------------

@pytest.fixture
def stored_batch(owner, account) -> ImportBatch:
    """A batch as the upload leaves it for the worker: pending, with its file stored."""
    batch = ImportBatch(owner=owner, account=account, filename="export.csv", status=ImportStatus.PENDING)
    batch.stored_file.save("fault-export.csv", ContentFile(CSV), save=False)
    batch.save()
    return batch


def test_a_worker_import_killed_inside_its_insert_imports_nothing_and_can_run_again(stored_batch, account):
    with table_locked("transactions_transaction", "SHARE ROW EXCLUSIVE") as side:
        thread, result = _in_thread(lambda: batch_run(batch=ImportBatch.objects.get(pk=stored_batch.pk)))
        kill_backend_waiting_on(side, INSERT_LEDGER)
    thread.join(60)
    assert "error" not in result, result.get("error")

    batch = ImportBatch.objects.get(pk=stored_batch.pk)
    assert batch.status == ImportStatus.FAILED
    assert batch.errors[0]["message"] == "Something went wrong while importing; nothing was imported."
    assert Transaction.objects.filter(account=account).count() == 0
    assert batch.stored_file

    batch = import_services.import_run(batch=batch)
    assert (batch.status, batch.created_count) == (ImportStatus.DONE, 3)
    assert Transaction.objects.filter(account=account).count() == 3


def test_a_worker_import_killed_before_its_insert_ends_failed_not_stuck_running(stored_batch, account):
    # The batch is claimed (running), then the first read of its account waits for the lock and is killed:
    # outside the insert's transaction, so the connection is left broken for the failure handler.
    with table_locked("transactions_account", "ACCESS EXCLUSIVE") as side:
        thread, result = _in_thread(lambda: batch_run(batch=ImportBatch.objects.get(pk=stored_batch.pk)))
        kill_backend_waiting_on(side, "SELECT %")
    thread.join(60)

    batch = ImportBatch.objects.get(pk=stored_batch.pk)
    assert batch.status == ImportStatus.FAILED, result.get("error")
    assert batch.errors[0]["message"] == "Something went wrong while importing; nothing was imported."
    assert Transaction.objects.filter(account=account).count() == 0

    batch = import_services.import_run(batch=batch)
    assert (batch.status, batch.created_count) == (ImportStatus.DONE, 3)

