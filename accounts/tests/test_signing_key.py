"""Production refuses to start with a JWT signing key too short to be safe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def start_production(jwt_key: str, tmp_path) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "production-secret-key-that-is-long-and-random-0123456789abcdef",
        "JWT_SIGNING_KEY": jwt_key,
        "ALLOWED_HOSTS": "finsight.example.com",
        "FINSIGHT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATA_DIR": str(tmp_path),
    }
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_short_signing_key_is_refused_at_start(tmp_path):
    result = start_production("abc", tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "JWT_SIGNING_KEY is 3 bytes long; it must be at least 32 bytes (256 bits)" in result.stderr
    # 31 bytes is still one short.
    assert start_production("x" * 31, tmp_path).returncode != 0


def test_a_256_bit_signing_key_starts(tmp_path):
    result = start_production("k" * 32, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("started")
