"""The background worker and the request log, as an operator sees them.

A real Huey consumer (RedisHuey when REDIS_URL is set, as in CI; SqliteHuey otherwise) runs a task
that another process put on the queue, and every request is logged with a request id.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parent.parent

ENQUEUE_EMAIL = """
import sys
import django
django.setup()
from huey.contrib.djhuey import HUEY
from accounts.tasks import email_send
result = email_send(subject=sys.argv[1], body="Your monthly statement is ready.", to=["owner@example.com"])
print(type(HUEY).__name__, result.id)
"""

REQUEST_HEALTHZ = """
import django
django.setup()
from django.test import Client
Client().get("/healthz", secure=True, HTTP_HOST="finsight.example.com")
"""


@pytest.fixture
def worker_env(tmp_path) -> dict[str, str]:
    """Development settings with a queue of their own; emails land as files in tmp_path/mail."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the task touches no table; keep the worker off the test database
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        DATA_DIR=str(tmp_path / "data"),
        HUEY_QUEUE_NAME=f"finsight-worker-test-{uuid.uuid4().hex}",
        # django-environ drops the first slash after filemail://, so an absolute path needs one more.
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_for_files(directory: Path, consumer: subprocess.Popen, log: Path, timeout: float) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(directory.glob("*.log")) if directory.exists() else []
        # Django's file backend ends each message with a line of 79 dashes: wait until it is complete.
        if files and all("-" * 79 in path.read_text() for path in files):
            return files
        assert consumer.poll() is None, f"the consumer died:\n{log.read_text()}"
        time.sleep(0.2)
    pytest.fail(f"no email after {timeout} s; consumer log:\n{log.read_text()}")


def test_a_consumer_sends_an_email_queued_by_another_process(tmp_path, worker_env):
    log = tmp_path / "consumer.log"
    subject = f"Statement {uuid.uuid4().hex[:8]}"
    with log.open("w") as log_file:
        consumer = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "1", "--no-periodic"],
            cwd=REPO, env=worker_env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        enqueue = subprocess.run(
            [sys.executable, "-c", ENQUEUE_EMAIL, subject],
            cwd=REPO, env=worker_env, capture_output=True, text=True, timeout=60, check=False,
        )
        assert enqueue.returncode == 0, enqueue.stderr
        backend, task_id = enqueue.stdout.strip().splitlines()[-1].split()
        assert backend == ("RedisHuey" if worker_env.get("REDIS_URL") else "SqliteHuey")

        (mail,) = wait_for_files(tmp_path / "mail", consumer, log, timeout=30)

        message = mail.read_text()
        assert f"Subject: {subject}" in message
        assert "To: owner@example.com" in message
        assert "Your monthly statement is ready." in message
        assert f"accounts.tasks.email_send: {task_id}" in log.read_text()

        consumer.send_signal(signal.SIGINT)  # Huey's graceful shutdown
        assert consumer.wait(timeout=20) == 0
        assert "Consumer exiting" in log.read_text()
    finally:
        if consumer.poll() is None:
            os.killpg(consumer.pid, signal.SIGKILL)
            consumer.wait()


def test_each_request_is_logged_with_a_request_id(client, db, caplog):
    caplog.set_level(logging.INFO)

    client.get("/healthz")

    events = [record.msg for record in caplog.records if isinstance(record.msg, dict)]
    started = [event for event in events if event.get("event") == "request_started"]
    finished = [event for event in events if event.get("event") == "request_finished"]
    assert len(started) == len(finished) == 1
    assert started[0]["request_id"]
    assert finished[0]["request_id"] == started[0]["request_id"]
    assert finished[0]["code"] == 200


def test_production_logs_are_json_lines_with_a_request_id(tmp_path):
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "LOG_FORMAT"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DEBUG="false",
        SECRET_KEY=uuid.uuid4().hex * 2,
        JWT_SIGNING_KEY=uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="finsight.example.com",
        FINSIGHT_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        DATA_DIR=str(tmp_path),
    )
    (tmp_path / "staticfiles").mkdir()  # what collectstatic leaves behind; whitenoise warns without it

    result = subprocess.run(
        [sys.executable, "-c", REQUEST_HEALTHZ], cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    finished = [line for line in lines if line.get("event") == "request_finished"]
    assert len(finished) == 1
    assert finished[0]["request_id"]
    assert finished[0]["code"] == 200
    assert finished[0]["level"] == "info"
    assert "timestamp" in finished[0]
