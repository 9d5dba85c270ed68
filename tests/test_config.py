"""Start-up configuration: strict env values, production checks, the API schema and backend choice.

Each case starts a fresh Python process, because settings are read once per process.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parent.parent


def process_env(data_dir: Path, settings_module: str, **overrides: str | None) -> dict[str, str]:
    """A copy of this process's environment for another Django process; None removes a variable."""
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE=settings_module, DATA_DIR=str(data_dir))
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def production_env(data_dir: Path, **overrides: str | None) -> dict[str, str]:
    values: dict[str, str | None] = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "finsight.example.com",
        "FINSIGHT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    return process_env(data_dir, "config.settings.production", **{**values, **overrides})


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False
    )


MALFORMED_LOCAL = [
    ("DEBUG", "maybe"),
    ("THROTTLE_LOGIN", "often"),
    ("THROTTLE_TOKEN", "10/fortnight"),
    ("DATABASE_URL", "mysql://root@127.0.0.1/finsight"),
    ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    ("DATABASE_URL", "postgres://postgres@127.0.0.1:port/finsight"),
    ("DB_CONN_MAX_AGE", "-1"),
    ("REDIS_URL", "http://127.0.0.1:6379/0"),
    ("HUEY_WORKERS", "abc"),
    ("HUEY_WORKERS", "0"),
    ("AXES_FAILURE_LIMIT", "0"),
    ("AXES_COOLOFF_MINUTES", "soon"),
    ("JWT_ACCESS_MINUTES", "0"),
    ("JWT_REFRESH_DAYS", "two"),
    ("NUM_PROXIES", "-1"),
    ("EMAIL_URL", "ftp://mail.example.com"),
    ("LOG_FORMAT", "xml"),
    ("LOG_LEVEL", "LOUD"),
    ("DATA_DIR", "/proc/finsight-data"),
    ("ACCOUNT_DELETION_GRACE_DAYS", "0"),
    ("ADVISOR_RETENTION_DAYS", "45"),
    ("AUDIT_HEAD_EMAIL", "security.example.com"),
]


@pytest.mark.parametrize(("name", "value"), MALFORMED_LOCAL)
def test_a_malformed_value_stops_start_up_naming_the_variable(tmp_path, name, value):
    result = run_python(["manage.py", "check"], process_env(tmp_path, "config.settings.local", **{name: value}))

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert name in last_line


def test_a_jwt_signing_key_equal_to_the_secret_key_stops_start_up(tmp_path):
    key = secrets.token_urlsafe(50)
    env = process_env(tmp_path, "config.settings.local", SECRET_KEY=key, JWT_SIGNING_KEY=key)

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "JWT_SIGNING_KEY must differ from SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        ("SECRET_KEY", {"SECRET_KEY": None}),
        ("JWT_SIGNING_KEY", {"JWT_SIGNING_KEY": None}),
        ("DEBUG", {"DEBUG": "true"}),
        ("FINSIGHT_ENCRYPTION_KEYS", {"FINSIGHT_ENCRYPTION_KEYS": "not-a-key"}),
        ("SECURE_SSL_REDIRECT", {"SECURE_SSL_REDIRECT": "sometimes"}),
        ("SECURE_HSTS_SECONDS", {"SECURE_HSTS_SECONDS": "-1"}),
        ("SECURE_HSTS_PRELOAD", {"SECURE_HSTS_PRELOAD": "perhaps"}),
    ],
)
def test_production_refuses_to_start_without_safe_values(tmp_path, name, overrides):
    result = run_python(["manage.py", "check"], production_env(tmp_path, **overrides))

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert name in last_line


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_openapi_schema_generates_and_validates_without_warnings(tmp_path):
    schema = tmp_path / "schema.yml"
    env = process_env(tmp_path, "config.settings.test")

    result = run_python(["manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(schema)], env)

    assert result.returncode == 0, result.stdout + result.stderr
    text = schema.read_text()
    assert text.startswith("openapi: 3")
    for path in ("/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/me/"):
        assert f"{path}:" in text


BACKENDS = """
import json
import django
django.setup()
from django.conf import settings
from huey.contrib.djhuey import HUEY
database = settings.DATABASES["default"]
print(json.dumps({
    "engine": database["ENGINE"], "name": str(database["NAME"]), "host": database.get("HOST"),
    "port": database.get("PORT"), "user": database.get("USER"),
    "huey": type(HUEY).__name__, "huey_name": HUEY.name, "huey_filename": getattr(HUEY.storage, "filename", None),
    "cache": settings.CACHES["default"]["BACKEND"], "cache_location": settings.CACHES["default"].get("LOCATION"),
    "huey_redis": {key: value for key, value in getattr(getattr(getattr(HUEY.storage, "conn", None), "connection_pool",
                   None), "connection_kwargs", {}).items()
                   if key in ("host", "port", "db", "socket_timeout", "socket_connect_timeout")},
}))
"""


def read_backends(env: dict[str, str]) -> dict:
    result = run_python(["-c", BACKENDS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_default_is_sqlite_for_data_and_queue(tmp_path):
    env = process_env(tmp_path, "config.settings.local", DATABASE_URL=None, REDIS_URL=None, HUEY_QUEUE_NAME=None)

    backends = read_backends(env)

    assert backends["engine"] == "django.db.backends.sqlite3"
    assert backends["name"] == str(tmp_path / "finsight.sqlite3")
    assert backends["huey"] == "SqliteHuey"
    assert backends["huey_name"] == "finsight"
    assert backends["huey_filename"] == str(tmp_path / "huey.sqlite3")
    assert backends["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_database_url_and_redis_url_switch_to_postgresql_and_redis(tmp_path):
    env = process_env(
        tmp_path,
        "config.settings.local",
        DATABASE_URL="postgres://finsight:s3cret@db.example.com:5433/finsight",
        REDIS_URL="redis://cache.example.com:6380/2",
        HUEY_QUEUE_NAME="finsight-eu",
    )

    backends = read_backends(env)

    assert backends["engine"] == "django.db.backends.postgresql"
    assert (backends["name"], backends["host"], backends["port"], backends["user"]) == (
        "finsight", "db.example.com", 5433, "finsight",
    )
    assert backends["huey"] == "RedisHuey"
    assert backends["huey_name"] == "finsight-eu"
    assert backends["cache"] == "core.cache.FailOpenRedisCache"  # an unreachable Redis is a miss, not an error
    assert backends["cache_location"] == "redis://cache.example.com:6380/2"
    # A Redis that does not answer is given up on in seconds, not waited for.
    assert backends["huey_redis"] == {"host": "cache.example.com", "port": 6380, "db": 2, "socket_connect_timeout": 2,
                                      "socket_timeout": 5}


def documented_variables() -> dict[str, str]:
    """NAME -> example value for every NAME=value line of .env.example, commented out or not."""
    variables = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        match = re.fullmatch(r"#? ?([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            variables[match[1]] = match[2].strip().strip('"')
    return variables


def test_env_example_lists_every_variable_the_settings_read():
    read = set()
    for module in (REPO / "config").rglob("*.py"):
        read |= set(re.findall(r"\benv\.[a-z]+\(\s*\"([A-Z][A-Z0-9_]*)\"", module.read_text()))

    assert read, "no env.<kind>(\"NAME\") calls found in config/"
    assert read - set(documented_variables()) == set()


def test_the_example_values_in_env_example_are_accepted(tmp_path):
    examples = {name: value for name, value in documented_variables().items() if value}
    # Keep files and the database away from the repository; production settings supply the keys.
    for name in ("DATA_DIR", "STATIC_ROOT", "MEDIA_ROOT", "SECRET_KEY", "JWT_SIGNING_KEY"):
        examples.pop(name, None)
    examples["STATIC_ROOT"] = str(tmp_path / "static")
    examples["MEDIA_ROOT"] = str(tmp_path / "media")

    result = run_python(["manage.py", "check"], production_env(tmp_path, **examples))

    assert result.returncode == 0, result.stderr
