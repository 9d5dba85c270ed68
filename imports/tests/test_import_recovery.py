"""Imports that stopped without an outcome are found and run again, or failed with a message: never left
"running 50%" or "waiting" for ever. One test kills a real import process with SIGKILL half-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from imports import services as import_services
from imports.tests.import_fixtures import samples
from transactions.models import ImportBatch, ImportStatus, Transaction

ROOT = Path(__file__).resolve().parents[2]
LATER = timedelta(minutes=16)  # past IMPORT_STALE_MINUTES (15)


def lost_batch(owner, account, *, status: str, attempts: int, rows: int = 40) -> ImportBatch:
    """A batch as a killed worker leaves it: its file stored, its heartbeat 20 minutes old."""
    batch = ImportBatch(owner=owner, account=account, filename="export.csv", file_format="csv", status=status,
                        attempts=attempts, rows_total=rows, rows_processed=rows // 2,
                        heartbeat_at=timezone.now() - timedelta(minutes=20))
    batch.stored_file.save("lost.csv", ContentFile(samples.rows_csv(rows)), save=False)
    batch.save()
    return batch


@pytest.mark.django_db
def test_a_running_import_whose_worker_died_is_run_again_from_the_start(owner, account,
                                                                        django_capture_on_commit_callbacks):
    batch = lost_batch(owner, account, status=ImportStatus.RUNNING, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_services.import_batches_recover() == {"requeued": 1, "failed": 0}
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.attempts) == (ImportStatus.DONE, 40, 2)
    assert Transaction.objects.filter(account=account).count() == 40


@pytest.mark.django_db
def test_a_queued_import_whose_task_was_lost_is_queued_again(owner, account, django_capture_on_commit_callbacks):
    batch = lost_batch(owner, account, status=ImportStatus.PENDING, attempts=0)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert import_services.import_batches_recover() == {"requeued": 1, "failed": 0}
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PENDING and len(queued) == 1
    assert batch.heartbeat_at > timezone.now() - timedelta(minutes=1)  # not queued again at the next sweep
    assert import_services.import_batches_recover() == {"requeued": 0, "failed": 0}


@pytest.mark.django_db
def test_after_three_tries_the_import_fails_with_a_message_the_person_sees(owner, owner_api, account, client):
    batch = lost_batch(owner, account, status=ImportStatus.RUNNING, attempts=3)
    assert import_services.import_batches_recover() == {"requeued": 0, "failed": 1}
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and not batch.stored_file
    message = ("The import stopped before it finished (3 times; the server may have run out of memory or been "
               "restarted). Nothing was imported: import the file again, or a shorter period.")
    assert batch.errors == [{"row": None, "column": None, "message": message}]
    assert owner_api.get(f"/api/v1/imports/{batch.pk}/").json()["errors"][0]["message"] == message
    client.force_login(owner)
    page = client.get(f"/transactions/import/{batch.pk}/").content.decode()
    assert "Nothing was imported" in page and "The import stopped before it finished" in page
    assert not Transaction.objects.exists()


@pytest.mark.django_db
def test_a_live_import_and_a_finished_one_are_left_alone(owner, account):
    running = lost_batch(owner, account, status=ImportStatus.RUNNING, attempts=1)
    ImportBatch.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now())
    lost_batch(owner, account, status=ImportStatus.DONE, attempts=1)
    lost_batch(owner, account, status=ImportStatus.NEEDS_MAPPING, attempts=0)
    assert import_services.import_batches_recover() == {"requeued": 0, "failed": 0}


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="a second process shares the test database on PostgreSQL (CI runs it)")
def test_an_import_killed_half_way_leaves_nothing_and_is_finished_by_the_sweep(committed_db, owner, account,
                                                                              tmp_path):
    rows = 50_000
    path = tmp_path / "two-decades.csv"
    path.write_bytes(samples.rows_csv(rows))
    database = settings.DATABASES["default"]
    url = (f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
           f"{connection.settings_dict['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "MEDIA_ROOT": str(settings.MEDIA_ROOT)}  # where this test reads the stored upload back
    command = subprocess.Popen([sys.executable, "manage.py", "import_transactions", "--user", owner.email,
                                "--account", account.name, str(path)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not ImportBatch.objects.filter(owner=owner, status=ImportStatus.RUNNING, rows_processed__gt=0).exists():
            assert command.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline, "the import never reported progress"
            time.sleep(0.05)
        command.send_signal(signal.SIGKILL)
        command.wait(timeout=10)
    finally:
        if command.poll() is None:
            command.kill()

    batch = ImportBatch.objects.get(owner=owner)
    assert batch.status == ImportStatus.RUNNING and 0 < batch.rows_processed < rows
    assert not Transaction.objects.filter(account=account).exists()  # all or nothing: nothing

    result = import_services.import_batches_recover(now=timezone.now() + LATER)  # the sweep, later
    assert result == {"requeued": 1, "failed": 0}  # and the worker's task ran it at once (tests run tasks inline)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.attempts, batch.errors) == (ImportStatus.DONE, rows, 2, [])
    assert Transaction.objects.filter(account=account).count() == rows
