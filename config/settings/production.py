"""Production: DEBUG off, HTTPS only, JSON logs. Every secret comes from the environment."""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import env

from .base import *  # noqa: F403
from .base import DEBUG, LOG_LEVEL

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be false with config.settings.production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Staff and admins set up two-factor sign-in before anything else (MFA_REQUIRED_FOR_STAFF=false to opt out).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", True)

# Fernet keys for encryption at rest, newest first (core.crypto); without one the data cannot be read or written.
ENCRYPTION_KEYS = env.list("FINSIGHT_ENCRYPTION_KEYS", [])
if not ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FINSIGHT_ENCRYPTION_KEYS is not set: production encrypts notes, receipts and advisor text at rest. "
        "Make a key with: "
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" '
        "and keep it safe: data encrypted under a lost key cannot be read. See docs/encryption.md."
    )
for _key in ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "FINSIGHT_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64-encoded bytes); "
            "see docs/encryption.md."
        ) from None

LOG_FORMAT = env.choice("LOG_FORMAT", ("console", "json"), "json")
from config.logging import build_logging  # noqa: E402

LOGGING = build_logging(LOG_FORMAT, LOG_LEVEL)
