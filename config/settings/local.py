"""Development on the embedded default: SQLite, Huey on SQLite, console email."""

import os
from pathlib import Path

from cryptography.fernet import Fernet

from config.env import env

os.environ.setdefault("DEBUG", "true")
# Development-only keys so that `bin/run` works with no .env; production sets real ones.
os.environ.setdefault("SECRET_KEY", "dev-only-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("JWT_SIGNING_KEY", "dev-only-jwt-signing-key-not-for-production-use-0123456789")

from .base import *  # noqa: E402,F403
from .base import DATA_DIR, STATIC_ROOT  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing directory
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405


def local_encryption_key(path: Path) -> str:
    """This machine's development key: made once, readable by its owner only, then reused."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(Fernet.generate_key().decode() + "\n")
    return path.read_text().strip()


# FINSIGHT_ENCRYPTION_KEYS when set, else a key kept in $DATA_DIR/encryption.key (./var by default).
ENCRYPTION_KEYS = env.list("FINSIGHT_ENCRYPTION_KEYS", []) or [local_encryption_key(DATA_DIR / "encryption.key")]
