"""Encryption at rest (core.crypto): round trips, the key list, the wrong-key error, and production's key check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from core import crypto

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_text_and_bytes_round_trip_and_the_token_hides_the_text(settings):
    settings.ENCRYPTION_KEYS = [NEW]
    token = crypto.encrypt_text("Birthday present for Anna")
    assert "Anna" not in token and token.startswith("gAAAAA")
    assert crypto.decrypt_text(token) == "Birthday present for Anna"
    assert crypto.decrypt_bytes(crypto.encrypt_bytes(b"\xff\xd8 jpeg")) == b"\xff\xd8 jpeg"


def test_an_older_key_in_the_list_still_decrypts_and_rotation_moves_to_the_newest(settings):
    settings.ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt_text("rent share")
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.decrypt_text(token) == "rent share"
    rotated = crypto.rotate_text(token)
    settings.ENCRYPTION_KEYS = [NEW]
    assert crypto.decrypt_text(rotated) == "rent share"


def test_a_wrong_key_is_a_clear_error_naming_what_was_not_decrypted(settings):
    settings.ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt_text("secret")
    settings.ENCRYPTION_KEYS = [NEW]
    with pytest.raises(crypto.DecryptionError) as error:
        crypto.decrypt_text(token, what="transactions.Transaction.notes")
    assert str(error.value).startswith("Cannot decrypt transactions.Transaction.notes: it was encrypted with a key "
                                       "that is not among ENCRYPTION_KEYS (FINSIGHT_ENCRYPTION_KEYS).")
    assert not crypto.is_encrypted(token.encode())


def test_a_malformed_key_is_refused_with_how_to_make_one(settings):
    settings.ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(Exception, match="is not a Fernet key") as error:
        crypto.encrypt_text("x")
    assert crypto.GENERATE_KEY_COMMAND in str(error.value)


def _production(**extra: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("FINSIGHT_ENCRYPTION_KEYS", "DEBUG")}
    environment.update(SECRET_KEY="x" * 60, JWT_SIGNING_KEY="y" * 60, **extra)
    return subprocess.run([sys.executable, "-c", "import config.settings.production"], env=environment,
                          cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_key_and_says_how_to_make_one():
    result = _production()
    assert result.returncode != 0
    assert "ImproperlyConfigured: FINSIGHT_ENCRYPTION_KEYS is not set" in result.stderr
    assert "Fernet.generate_key().decode()" in result.stderr


def test_production_starts_with_a_key():
    result = _production(FINSIGHT_ENCRYPTION_KEYS=f"{NEW},{OLD}")
    assert result.returncode == 0, result.stderr
