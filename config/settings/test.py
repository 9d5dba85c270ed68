"""Test settings: the same stack as production, with DATABASE_URL / REDIS_URL from CI when set."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-django-checks-0123456789")
os.environ.setdefault("JWT_SIGNING_KEY", "test-jwt-signing-key-different-from-the-secret-key-0123456789")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="finsight-test-"))
os.environ.setdefault("HUEY_QUEUE_NAME", f"finsight-test-{os.getpid()}")

from .base import *  # noqa: E402,F403
from .base import STATIC_ROOT, HUEY, REST_FRAMEWORK  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing directory
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Tasks run inline but through the real storage (Redis in CI), so enqueueing is exercised too.
HUEY = {**HUEY, "immediate": True, "immediate_use_memory": False}
# Generous limits so that ordinary tests never trip them; throttle tests lower them explicitly.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {k: "1000/min" for k in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
}
# A fixed key so that tests are repeatable; FINSIGHT_ENCRYPTION_KEYS is not read here.
ENCRYPTION_KEYS = ["Qx8vUq6Fq0s2n3cH0WzC4pQdYb9m1Jr7TtKe5LgVh2A="]
