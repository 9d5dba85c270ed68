"""Settings shared by every environment; values come from the environment (see .env.example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config import __version__
from config.env import env
from config.logging import build_logging

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = env.path("DATA_DIR", BASE_DIR / "var")
env.directory("DATA_DIR", DATA_DIR)
APP_VERSION = __version__

SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp_webauthn",
    "huey.contrib.djhuey",
    "django_structlog",
    "csp",
    "tailwind",
    "theme",
    "core",
    "audit",
    "accounts",
    "transactions",
    "budgets",
    "groups",
    "insights",
    "notifications",
    "payments",
    "billing",
    "mlcore",
    "imports",
    "alerts",
    "goals",
    "advisor",
    "entries",
    "receipts",
    "privacy",
    "staff",
    # Last: the project itself (its ready() registers the periodic jobs of config/schedule.py with Huey).
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files leave here, before the headers below (they hold nothing private and may be cached).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whose rows the database shows for the rest of the request (PostgreSQL row-level security, core.rls).
    "core.middleware.RowSecurityMiddleware",
    # The client IP and browser of the request, for the audit entries written while it is served.
    "audit.origin.AuditOriginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    # Staff without two-factor sign-in are sent to set it up first, when MFA_REQUIRED_FOR_STAFF is on.
    "accounts.middleware.TwoFactorRequiredMiddleware",
    # Last, so that it sees the lockout raised by any authentication above.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Whether billing is on, for the account menu's "Your plan" link.
                "billing.context_processors.billing",
                "csp.context_processors.nonce",
                # The banner of a pending account deletion on every page (one query, only when a page shows it).
                "privacy.context_processors.pending_deletion",
            ],
        },
    },
    {
        # The few templates drawn many times a page (a list's rows), in an app's jinja2/ folder (core/jinja.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "core.jinja.environment",
            "filter_libraries": ["finsight", "ledger"],
            "autoescape": True,
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'finsight.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the Huey consumer writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the row-security subqueries inflate the planner's cost estimates past jit_above_cost, and compiling
    # then took 1.5 s of a 2 s group-balance query (issue 21's profile); our queries are short lookups and sums.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Row-level security on PostgreSQL (core.rls, docs/security.md): a policy per table of people's rows, and the web
# server and worker switch to DATABASE_ROW_SECURITY_ROLE (no superuser, not the owner) so the policies bind.
DATABASE_ROW_SECURITY = env.bool("DATABASE_ROW_SECURITY", True)
DATABASE_ROW_SECURITY_ROLE = env.str("DATABASE_ROW_SECURITY_ROLE", "finsight_app")
# A member sees the group's rows: the model joining users to groups. Categories without an owner are everyone's.
ROW_SECURITY_MEMBERSHIP = "groups.Membership"
ROW_SECURITY_SHARED_WHEN_NULL = ["transactions.Category.owner"]
# Rows a person may also read that name them by (model label, id) fields: audit entries about them.
ROW_SECURITY_NAMED_BY = {"audit.AuditEntry": ("target_type", "target_id")}

REDIS_URL = env.url("REDIS_URL", ("redis", "rediss", "unix"), None)

# Redis down never fails a request: the cache takes an unreachable Redis as a miss (core.cache; rate limits
# fail open, lockout is kept in the database), and tasks wait in the database's outbox (core.outbox). A
# Redis that does not answer is given up on quickly rather than holding the request.
REDIS_SOCKET_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}  # the consumer's blocking read is 1 s
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "finsight",
                          "OPTIONS": REDIS_SOCKET_TIMEOUTS}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env.str("HUEY_QUEUE_NAME", "finsight"),
        # Huey takes the URL or connection options, not both: the timeouts go in the URL's query.
        "url": urlunsplit(urlsplit(REDIS_URL)._replace(query=urlencode(
            {**REDIS_SOCKET_TIMEOUTS, **dict(parse_qsl(urlsplit(REDIS_URL).query))}))),
        "immediate": False,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "finsight"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": env.str("HUEY_QUEUE_NAME", "finsight"),
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
    }
HUEY["consumer"] = {"workers": env.int("HUEY_WORKERS", 2, minimum=1), "worker_type": "thread"}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# Sessions: signed out after SESSION_IDLE_TIMEOUT_SECONDS without a request of theirs (background polling
# does not count), and in any case SESSION_COOKIE_AGE after signing in (core.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", 2 * 60 * 60, minimum=60)
SESSION_COOKIE_AGE = env.int("SESSION_MAX_AGE_SECONDS", 14 * 24 * 60 * 60, minimum=60)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# Finsight's own English for Django's and DRF's validation messages (locale/en/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", DATA_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", DATA_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_MAX_PIXELS = 4096
AVATAR_STORED_SIZE = 512
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Bank file imports: the largest upload, and up to which size an import runs during the request
# (larger ones run in the worker with a progress bar).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", 50, minimum=1) * 1024 * 1024
IMPORT_SYNC_MAX_ROWS = env.int("IMPORT_SYNC_MAX_ROWS", 2000, minimum=0)
IMPORT_SYNC_MAX_BYTES = 256 * 1024  # bigger files are read by the worker only, never in a request
# What any file may hold (checked before it is read), so that a worker's memory stays bounded.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", 200_000, minimum=1)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_MB", 200, minimum=1) * 1024 * 1024
IMPORT_MAX_SHARED_STRINGS_BYTES = env.int("IMPORT_MAX_SHARED_STRINGS_MB", 32, minimum=1) * 1024 * 1024
# An import queued or running without a sign of life for this long was lost: run again, up to the attempts.
IMPORT_STALE_MINUTES = env.int("IMPORT_STALE_MINUTES", 15, minimum=1)
IMPORT_MAX_ATTEMPTS = env.int("IMPORT_MAX_ATTEMPTS", 3, minimum=1)

# Transaction exports: up to how many rows GET /api/v1/transactions/export.csv answers at once (more go to an
# export the worker writes under EXPORT_DIR), and how long a finished export stays to download.
EXPORT_DIR = env.path("EXPORT_DIR", DATA_DIR / "exports")
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", 50_000, minimum=0)
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", 24, minimum=1)

# Your data to take away: archives the worker writes under DATA_EXPORT_DIR, downloadable once for this long.
DATA_EXPORT_DIR = env.path("DATA_EXPORT_DIR", DATA_DIR / "data-exports")
DATA_EXPORT_HOURS = env.int("DATA_EXPORT_HOURS", 48, minimum=1)
# An export uploaded to be imported waits under DATA_IMPORT_DIR until the worker has read it; the largest accepted.
DATA_IMPORT_DIR = env.path("DATA_IMPORT_DIR", DATA_DIR / "data-imports")
DATA_IMPORT_MAX_MB = env.int("DATA_IMPORT_MAX_MB", 512, minimum=1)
# Deleting an account: after asking, the person has this many days to change their mind (signing in keeps the
# account); then the hourly deletion job removes it and everything it owns.
ACCOUNT_DELETION_GRACE_DAYS = env.int("ACCOUNT_DELETION_GRACE_DAYS", 7, minimum=1)

# Receipts: kept under RECEIPT_DIR, outside MEDIA_ROOT, and served only to their owner by receipts.views.
RECEIPT_DIR = env.path("RECEIPT_DIR", DATA_DIR / "receipts")
RECEIPT_MAX_BYTES = env.int("RECEIPT_MAX_MB", 10, minimum=1) * 1024 * 1024
RECEIPT_MAX_PIXELS = env.int("RECEIPT_MAX_PIXELS", 8000, minimum=500)  # on each side
RECEIPT_MAX_MEGAPIXELS = env.int("RECEIPT_MAX_MEGAPIXELS", 40, minimum=1)  # in all: a decompression bomb is refused
RECEIPT_STORED_SIZE = 4000  # a larger photo is scaled down to this many pixels on its longer side
RECEIPT_MAX_PDF_PAGES = env.int("RECEIPT_MAX_PDF_PAGES", 5, minimum=1)
RECEIPT_MATCH_DAYS = 3  # an imported transaction this many days either side of the receipt's date may be its payment

# Categorization: below this confidence (0-1) a guess waits in the review queue instead of being filed.
CATEGORIZER_REVIEW_THRESHOLD = env.int("CATEGORIZER_REVIEW_PERCENT", 60, minimum=0) / 100
MLCORE_ARTIFACT_DIR = env.path("MLCORE_ARTIFACT_DIR", DATA_DIR / "models")

EMAIL_CONFIG = env.email("EMAIL_URL", "consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Finsight <finsight@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
# Links in emails point here (scheme and host of the site as users reach it).
SITE_URL = env.url("SITE_URL", ("http", "https"), "http://localhost:8000")
# The audit log's head (last entry id and hash) is logged daily to the finsight.audit logger and mailed to these
# addresses (comma-separated), so that a copy lives where the database's users cannot rewrite it (docs/security.md).
AUDIT_HEAD_EMAIL = env.list("AUDIT_HEAD_EMAIL", [])
if any("@" not in address for address in AUDIT_HEAD_EMAIL):
    raise ImproperlyConfigured(f"AUDIT_HEAD_EMAIL={','.join(AUDIT_HEAD_EMAIL)!r} is malformed: expected email "
                               "addresses separated by commas.")

# Two-factor sign-in (accounts.two_factor). Staff and admins must set it up before anything else when this is
# on (production turns it on unless told otherwise).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", False)
OTP_TOTP_ISSUER = "Finsight"
# Passkeys belong to the site's host name; the browser's origin must be SITE_URL's.
OTP_WEBAUTHN_RP_ID = urlsplit(SITE_URL or "http://localhost").hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = "Finsight"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{urlsplit(SITE_URL or 'http://localhost').scheme}://"
                                f"{urlsplit(SITE_URL or 'http://localhost').netloc}"]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# A new-device sign-in email names the approximate place only when a local GeoIP2/GeoLite2 City or Country
# database file is configured; nothing is looked up over the network.
GEOIP_DATABASE_PATH = env.str("GEOIP_DATABASE_PATH", "")

# Bills and notifications: reminders go out from this local hour (in each user's timezone) on their day,
# read notifications are deleted after the retention period, and the weekly digest leaves on Monday morning.
BILL_REMINDER_HOUR = env.int("BILL_REMINDER_HOUR", 8, minimum=0, maximum=23)
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", 90, minimum=1)
# An optional push channel for high-risk alerts: apprise URLs separated by spaces (ntfy://host/topic, an SMS
# gateway, ...). Empty: no push. Every user's high-risk alerts go to these, so it suits a household's server.
PUSH_URLS = env.str("PUSH_URLS", "").split()
for _push_url in PUSH_URLS:
    if "://" not in _push_url:
        raise ImproperlyConfigured("PUSH_URLS is malformed: expected apprise URLs (such as ntfy://host/topic) "
                                   "separated by spaces.")
JOB_RUN_RETENTION_DAYS = env.int("JOB_RUN_RETENTION_DAYS", 30, minimum=1)
# The advisor's conversations are kept this many days after they were last added to, for a person who has not chosen
# (each person may choose 0, 30, 90 or 365 on the advisor's settings); the nightly job deletes older ones.
ADVISOR_RETENTION_DAYS = env.int("ADVISOR_RETENTION_DAYS", 90, minimum=0)
if ADVISOR_RETENTION_DAYS not in (0, 30, 90, 365):
    raise ImproperlyConfigured("ADVISOR_RETENTION_DAYS must be 0 (keep none), 30, 90 or 365: the choices a person "
                               "has on the advisor's settings.")
# Days a group invitation's link can be used; after that the owner sends a new one.
GROUP_INVITE_DAYS = env.int("GROUP_INVITE_DAYS", 14, minimum=1)
# The advisor's optional local model: an OpenAI-compatible server (llama.cpp's server, Ollama, vLLM) at its base
# URL, such as http://127.0.0.1:11434/v1; empty: no model, the advisor writes every answer from templates. The model
# sees only tool results, stripped of account numbers, IBANs, cards, emails and phones, and it may only be on this
# machine or a private network unless ADVISOR_LLM_SEND_DATA_OFF_SERVER is true (checked here and before each call;
# a host that does not resolve yet is checked at the first call).
ADVISOR_LLM_URL = env.url("ADVISOR_LLM_URL", ("http", "https"), None) or ""
ADVISOR_LLM_MODEL = env.str("ADVISOR_LLM_MODEL", "")
ADVISOR_LLM_TIMEOUT_SECONDS = env.int("ADVISOR_LLM_TIMEOUT_SECONDS", 20, minimum=1, maximum=600)
ADVISOR_LLM_API_KEY = env.str("ADVISOR_LLM_API_KEY", "none")
ADVISOR_LLM_SEND_DATA_OFF_SERVER = env.bool("ADVISOR_LLM_SEND_DATA_OFF_SERVER", False)
if ADVISOR_LLM_URL:
    from mlcore.llm import endpoint_refusal

    if not ADVISOR_LLM_MODEL:
        raise ImproperlyConfigured("ADVISOR_LLM_MODEL is not set: the name of the model the server at "
                                   "ADVISOR_LLM_URL should answer with (such as llama3.1:8b for Ollama).")
    _llm_refusal = endpoint_refusal(ADVISOR_LLM_URL, off_server=ADVISOR_LLM_SEND_DATA_OFF_SERVER, unresolved_ok=True)
    if _llm_refusal:
        raise ImproperlyConfigured(_llm_refusal)

TAILWIND_APP_NAME = "theme"

# Content-Security-Policy: scripts and styles only from Finsight's own static files (or a tag carrying the
# request's nonce); no inline event handlers, style attributes, eval or javascript: URLs. Chart.js sizes its
# canvas through the DOM (element.style), which a policy does not restrict. The favicon is a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy: the browser features no page may use; () denies, (self) lets Finsight's own pages ask.
# Spoken entry of transactions will need "microphone": "(self)".
PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "autoplay": "()",
    "camera": "()",
    "display-capture": "()",
    "encrypted-media": "()",
    "geolocation": "()",
    "gyroscope": "()",
    "hid": "()",
    "idle-detection": "()",
    "magnetometer": "()",
    "microphone": "()",
    "midi": "()",
    "payment": "()",
    # Passkeys (two-factor sign-in): asked for by Finsight's own sign-in and settings pages only.
    "publickey-credentials-create": "(self)",
    "publickey-credentials-get": "(self)",
    "screen-wake-lock": "()",
    "serial": "()",
    "usb": "()",
    "xr-spatial-tracking": "()",
}
# Voice input of transactions: the browser's speech recognition (Chrome's sends the audio to its vendor); false
# hides the microphone button. The typed sentence, read on this server, stays either way. Only the page with the
# button (entries:say) asks for the microphone.
VOICE_INPUT_ENABLED = env.bool("VOICE_INPUT_ENABLED", True)
# An optional speech engine on this server (mlcore/speech.py): a whisper.cpp model file, used when pywhispercpp is
# installed. The microphone then records and the server transcribes; the audio never leaves it. Unset: the
# browser's own recognition, where it has one. Threads per transcription, and the longest recording accepted.
SPEECH_MODEL_PATH = env.str("SPEECH_MODEL_PATH", "")
SPEECH_THREADS = env.int("SPEECH_THREADS", 2, minimum=1)
SPEECH_MAX_SECONDS = env.int("SPEECH_MAX_SECONDS", 30, minimum=1)

# Billing (billing/, docs/billing.md): premium plans paid through Stripe. Off by default: everyone may use every
# feature, and the plans pages and API answer 404. On, the Stripe keys are required; STRIPE_API_BASE is Stripe's API
# (tests point it at a fake gateway on loopback). A payment that fails keeps the plan for BILLING_GRACE_DAYS, then
# the hourly job moves the person to the free plan, whose limits are the BILLING_FREE_* values.
BILLING_ENABLED = env.bool("BILLING_ENABLED", False)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env.url("STRIPE_API_BASE", ("http", "https"), "https://api.stripe.com")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300, minimum=1, maximum=3600)
BILLING_GRACE_DAYS = env.int("BILLING_GRACE_DAYS", 7, minimum=0)
BILLING_FREE_FEATURES: dict[str, object] = {
    "advisor_model": env.bool("BILLING_FREE_ADVISOR_MODEL", False),
    "receipts_per_month": env.int("BILLING_FREE_RECEIPTS_PER_MONTH", 10, minimum=0),
    "groups": env.int("BILLING_FREE_GROUPS", 1, minimum=0),
}
if BILLING_ENABLED and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured("BILLING_ENABLED needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (docs/billing.md).")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's bearer tokens, refused once their sign-in has ended (logout, a reused refresh token).
        "accounts.tokens.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The API answers JSON only (no browsable HTML), errors in one shape and lists in one envelope (core.api).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    # Only views that name a throttle_scope are limited (the sign-in family).
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.SettingsRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "login": env.rate("THROTTLE_LOGIN", "10/min"),
        "signup": env.rate("THROTTLE_SIGNUP", "5/hour"),
        "token": env.rate("THROTTLE_TOKEN", "20/min"),
        "password_reset": env.rate("THROTTLE_PASSWORD_RESET", "5/hour"),
        # Questions to the advisor, per person (a local model's answer can hold a worker for seconds).
        "advisor": env.rate("THROTTLE_ADVISOR", "30/min"),
    },
    "NUM_PROXIES": env.int("NUM_PROXIES", 0, minimum=0),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", 15, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", 14, minimum=1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,  # our token view sends user_logged_in, which updates it
    "CHECK_REVOKE_TOKEN": True,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY"),
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "TOKEN_OBTAIN_SERIALIZER": "accounts.api.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "accounts.api.serializers.TokenRefreshSerializer",
}
# HS256 is only as strong as its key: RFC 7518 (3.2) asks for at least 256 bits.
JWT_SIGNING_KEY_MIN_BYTES = 32
if len(SIMPLE_JWT["SIGNING_KEY"].encode()) < JWT_SIGNING_KEY_MIN_BYTES:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"JWT_SIGNING_KEY is {len(SIMPLE_JWT['SIGNING_KEY'].encode())} bytes long; it must be at least "
        f"{JWT_SIGNING_KEY_MIN_BYTES} bytes (256 bits) of random text, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.")
if SIMPLE_JWT["SIGNING_KEY"] == SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from SECRET_KEY.")

SPECTACULAR_SETTINGS = {
    "TITLE": "Finsight API",
    "DESCRIPTION": "Personal finance tracking: accounts, transactions, budgets, groups and insights.",
    "VERSION": __version__,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every currency field (bills, accounts, the profile's preferred currency) shares one enum.
    "ENUM_NAME_OVERRIDES": {"CurrencyEnum": "accounts.currencies.currency_choices",
                            "GoalKindEnum": "goals.models.GoalKind"},
    # The Error component, on every error response (core.api).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.error_responses_hook"],
}

# Failed logins are counted in the database, not the cache: lockout holds while Redis is down.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # the page, or the API's JSON error under /api/
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"] or None
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
# Never store a second-factor code or the API's sign-in challenge with a failed attempt.
AXES_SENSITIVE_PARAMETERS = ["code", "mfa_token"]

LOG_FORMAT = env.choice("LOG_FORMAT", ("console", "json"), "console")
LOG_LEVEL = env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOGGING = build_logging(LOG_FORMAT, LOG_LEVEL)
DJANGO_STRUCTLOG_CELERY_ENABLED = False
