"""Development on the embedded default: SQLite, Huey on SQLite, console email."""

import os

os.environ.setdefault("DEBUG", "true")
# Development-only keys so that `bin/run` works with no .env; production sets real ones.
os.environ.setdefault("SECRET_KEY", "dev-only-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("JWT_SIGNING_KEY", "dev-only-jwt-signing-key-not-for-production-use-0123456789")

from .base import *  # noqa: E402,F403
from .base import STATIC_ROOT  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing directory
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
