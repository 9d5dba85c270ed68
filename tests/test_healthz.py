"""GET /healthz: 200 with the version when the database and the queue answer, 503 when the database is down,
200 'degraded' when only the queue is (everything still works; tasks wait in the database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import config

REPO = Path(__file__).resolve().parent.parent

# Nothing listens on port 1, so connecting there fails at once with "connection refused".
CLOSED_DATABASE = "postgres://postgres@127.0.0.1:1/finsight"
CLOSED_REDIS = "redis://127.0.0.1:1/0"

HEALTHZ = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(response.status_code, response.content.decode())
"""


def healthz_in_process(data_dir: Path, **overrides: str | None) -> tuple[int, dict]:
    """Ask /healthz in a fresh process whose settings point at the given DATABASE_URL / REDIS_URL."""
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", DATA_DIR=str(data_dir), ALLOWED_HOSTS="testserver")
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(status), json.loads(body)


def test_healthz_reports_ok_with_the_version(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok", "version": config.__version__}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    status, body = healthz_in_process(tmp_path, DATABASE_URL=CLOSED_DATABASE, REDIS_URL=None)

    assert status == 503
    assert body["status"] == "down"
    assert body["database"].startswith("down")
    assert body["queue"] == "ok"
    assert body["version"] == config.__version__


def test_healthz_is_200_degraded_when_only_the_queue_is_down(tmp_path):
    # A load balancer keeps sending requests (they all work); monitoring sees "degraded" and the backlog.
    status, body = healthz_in_process(tmp_path, DATABASE_URL=None, REDIS_URL=CLOSED_REDIS)

    assert status == 200
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["queue"].startswith("down")
    assert "tasks_waiting" in body  # counted in tests/test_redis_outage.py (this process's database is empty)
    assert body["version"] == config.__version__
