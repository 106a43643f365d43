"""The one settings module: every deployment choice comes from the environment.

DEBUG is off unless set. With DEBUG on (`make run`, the tests) unset variables give the embedded
default (SQLite, files and secrets under var/, e-mail to the console and the outbox, SMS to the
outbox, tasks in process). `.env.example` documents them all.
"""

import json
import os
import secrets
from datetime import timedelta
from decimal import Decimal
from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("POLIS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless set: `make run` and the tests turn it on; a deployment that forgets it is not in
# debug mode (and then refuses to start without SECRET_KEY).
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",  # serves the API docs' Swagger UI from its own static files (CSP: 'self' only)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "polis.core",
    "polis.accounts",
    "polis.audit",
    "polis.notify",
    "polis.documents",
    "polis.web",
    "polis.ledger",
    "polis.catalog",
    "polis.clients",
    "polis.accounting",
    "polis.quotes",
    "polis.messaging",
    "polis.practices",
    "polis.signatures",
    "polis.claims",
    "polis.insured",
    "polis.privacy",
    "polis.integrations",
    "polis.bordereaux",
    "polis.complaints",
    "polis.portfolio",
    "polis.retention",
    "polis.devdata",  # seed_demo, seed_scale, totp_code: refused unless DEBUG is on
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "polis.documents.uploads.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "polis.core.languages.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "polis.accounts.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "polis.accounts.middleware.LoginRulesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "polis.audit.middleware.RequestContextMiddleware",
    "polis.web.middleware.DatabaseUnavailableMiddleware",
    "polis.web.middleware.OwnErrorPagesMiddleware",
]

ROOT_URLCONF = "polis.urls"
WSGI_APPLICATION = "polis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "polis.web.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'polis.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# An optional read replica for heavy read-only selectors (lists, exports): see core/db.py.
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        replica_url,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "polis.core.cache_backend.RedisCache",
            "LOCATION": CACHE_URL,
            # a Redis that stops answering fails fast: pages are then computed (core/cache.py)
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# The longest a list page, dashboard or claim page is served from the shared cache
# (core/pagecache.py): what changes with the clock alone, not with a write. 0 turns the page
# cache off. The request's user, firm and second-factor device read from the shared cache
# (accounts/backends.py). Both need a cache every process shares: on by default with Redis only
# (with a per-process cache a write seen by one process would not reach the others).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60" if CACHE_URL else "0"))
CACHE_USERS = env_bool("CACHE_USERS", bool(CACHE_URL))

# --- Accounts and security -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["polis.accounts.backends.FirmModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # also the validity of colleague invitations
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "polis")


# The reverse proxies (addresses or networks) whose X-Forwarded-For gives the client's address
# (core/http.py); empty when clients connect to the app directly.
def _networks(name: str) -> list[str]:
    try:
        return [str(ip_network(net, strict=False)) for net in env_list(name)]
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from error


TRUSTED_PROXIES = _networks("TRUSTED_PROXIES")
# Login throttling. Wrong passwords per (e-mail, client address): after LOGIN_FAILURES_FREE of
# them each attempt waits LOGIN_FAILURE_DELAY seconds, doubled at each further failure up to
# LOGIN_FAILURE_MAX_DELAY; forgotten after LOGIN_FAILURE_WINDOW seconds or a success. Every
# attempt, right or wrong, counts towards a client address's flood limit.
LOGIN_FAILURES_FREE = int(os.environ.get("LOGIN_FAILURES_FREE", "5"))
LOGIN_FAILURE_DELAY = int(os.environ.get("LOGIN_FAILURE_DELAY", "30"))
LOGIN_FAILURE_MAX_DELAY = int(os.environ.get("LOGIN_FAILURE_MAX_DELAY", "900"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", str(12 * 3600)))
LOGIN_FLOOD_RATE = os.environ.get("LOGIN_FLOOD_RATE", "100/15m")
# Password-reset requests, per client address and per e-mail address.
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "5/h")
CONTACT_RATE = os.environ.get("CONTACT_RATE", "5/h")
COMPLAINT_RATE = os.environ.get("COMPLAINT_RATE", "5/h")

# With a shared cache (Redis) sessions are read from it (a query less per page); a per-process
# cache would keep a logged-out session alive in the other processes, so then the database.
SESSION_ENGINE = "polis.accounts.sessions" if CACHE_URL else "django.contrib.sessions.backends.db"
SESSION_CACHE_SECONDS = int(os.environ.get("SESSION_CACHE_SECONDS", "300"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 8)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "src" / "polis" / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- Static and media files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party CSS/JS comes from the npm registry at set-up (package.json), never from the repo.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "polis.core.staticfinders.VendorFinder",
]
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# A whole form with its files: larger requests are refused (413) before their body is read.
UPLOAD_REQUEST_MAX_BYTES = int(os.environ.get("UPLOAD_REQUEST_MAX_BYTES", str(50 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "polis.documents.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded and generated files: local disk (default) or S3-compatible object storage.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ.get("S3_BUCKET", ""),
                "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("S3_REGION") or None,
                "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
                "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if STORAGE_BACKEND == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Source maps (5 MB of the 7 MB collected, the API docs' and the vendors') are fetched only by
# a browser's developer tools: compressing them in two formats took a third of collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# --- E-mail ------------------------------------------------------------------------------
EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
EMAIL_BACKEND = EMAIL_BACKENDS[os.environ.get("EMAIL_BACKEND", "console")]
# Administrators read the sent e-mails in the app (*Posta inviata*) only in development (DEBUG)
# with the development backends: elsewhere the messages (password-reset links among them) stay
# in the recipients' mailboxes.
EMAIL_OUTBOX_PAGE = DEBUG and os.environ.get("EMAIL_BACKEND", "console") in ("console", "file")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "polis <noreply@polis.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- SMS ---------------------------------------------------------------------------------
SMS_BACKEND = os.environ.get("SMS_BACKEND", "outbox")  # "outbox" or "http"
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "POLIS")
SMS_TIMEOUT = int(os.environ.get("SMS_TIMEOUT", "10"))

# Outbox delivery: attempts and the base of the exponential backoff between them.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_SECONDS", "30"))
# A worker's claim on a message while it talks to the provider: longer than any send
# (EMAIL_TIMEOUT, SMS_TIMEOUT); a worker that dies mid-send leaves the message to be sent again
# once it expires.
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))

# --- API keys and webhooks (polis.integrations) ------------------------------------------------
API_KEY_MAX_DAYS = int(os.environ.get("API_KEY_MAX_DAYS", "730"))
# After a rotation the old secret keeps working this long, then expires.
API_KEY_ROTATION_GRACE_HOURS = int(os.environ.get("API_KEY_ROTATION_GRACE_HOURS", "24"))
API_KEY_RATE = os.environ.get("API_KEY_RATE", "600/m")  # calls per key
# A delivery is retried with exponential backoff (from WEBHOOK_BACKOFF_SECONDS, at most an
# hour apart) for WEBHOOK_RETRY_HOURS; a subscription whose endpoint failed
# WEBHOOK_DISABLE_AFTER times in a row is disabled and its owner told.
WEBHOOK_BACKOFF_SECONDS = int(os.environ.get("WEBHOOK_BACKOFF_SECONDS", "30"))
WEBHOOK_RETRY_HOURS = int(os.environ.get("WEBHOOK_RETRY_HOURS", "24"))
WEBHOOK_DISABLE_AFTER = int(os.environ.get("WEBHOOK_DISABLE_AFTER", "15"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Only https to public addresses; tests and development allow a receiver on this machine.
WEBHOOK_ALLOW_LOCAL = env_bool("WEBHOOK_ALLOW_LOCAL", DEBUG)

# --- Background work ---------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
# Publishing happens after commit inside requests: fail fast when the broker is down (the
# outbox sweeper delivers later) instead of holding the page.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Registered once: run by beat in production and by `manage.py serve` in the embedded default.
CELERY_BEAT_SCHEDULE = {
    "deliver-outbox": {
        "task": "polis.notify.tasks.deliver_due_messages",
        "schedule": timedelta(seconds=30),
    },
    "ledger-integrate": {
        "task": "polis.ledger.tasks.integrate_pending_entries",
        "schedule": timedelta(seconds=1),
    },
    "ledger-verify": {
        "task": "polis.ledger.tasks.verify_ledger",
        "schedule": crontab(hour=4, minute=10),
    },
    "signature-reminders": {
        "task": "polis.signatures.tasks.send_signature_reminders",
        "schedule": crontab(minute=20),  # hourly: reminders and expiries stay close to due
    },
    "claims-overdue": {
        "task": "polis.claims.tasks.send_overdue_report",
        "schedule": crontab(hour=7, minute=30),
    },
    "privacy-overdue": {
        "task": "polis.privacy.tasks.send_overdue_report",
        "schedule": crontab(hour=7, minute=35),
    },
    "complaints-due": {
        "task": "polis.complaints.tasks.send_due_report",
        "schedule": crontab(hour=7, minute=40),
    },
    "privacy-exports": {
        "task": "polis.privacy.tasks.forget_expired_exports",
        "schedule": crontab(hour=3, minute=25),
    },
    "retention-purge": {
        "task": "polis.retention.tasks.purge_expired",
        "schedule": crontab(hour=2, minute=40),
    },
    "practice-dates": {
        "task": "polis.practices.tasks.follow_practice_dates",
        "schedule": crontab(hour=0, minute=5),
    },
    "deliver-webhooks": {
        "task": "polis.integrations.tasks.deliver_due_webhooks",
        "schedule": timedelta(seconds=30),
    },
    "bordereaux": {
        "task": "polis.bordereaux.tasks.generate_last_month",
        "schedule": crontab(day_of_month=1, hour=5, minute=40),
    },
    "practice-expiries": {
        "task": "polis.practices.tasks.process_expiries",
        "schedule": crontab(hour=6, minute=30),
    },
}

# --- Public ledger (registro) --------------------------------------------------------------
LEDGER_ORIGIN = os.environ.get("LEDGER_ORIGIN", "polis.local/registro")
# A note signer key "PRIVATE+KEY+<origin>+<id>+<base64>"; generated under VAR_DIR when DEBUG.
LEDGER_SIGNING_KEY = os.environ.get("LEDGER_SIGNING_KEY", "")
# Witnesses: comma-separated "<witness verifier key>=<submission URL prefix>" (C2SP tlog-witness).
LEDGER_WITNESSES = env_list("LEDGER_WITNESSES")
# The embedded default's own witness: a separate process (`manage.py serve` starts it) with its
# key and state under VAR_DIR, at this address (empty: none). Off when DEBUG is off.
LEDGER_DEV_WITNESS_URL = os.environ.get(
    "LEDGER_DEV_WITNESS_URL", "http://127.0.0.1:8091" if DEBUG else ""
)
# Cosignatures the "Verifica documento" page requires (default: one per configured witness).
LEDGER_WITNESS_QUORUM = int(
    os.environ.get("LEDGER_WITNESS_QUORUM") or len(LEDGER_WITNESSES) + bool(LEDGER_DEV_WITNESS_URL)
)
# RFC 3161 time-stamping authority URL: each new checkpoint is anchored there. Empty: with DEBUG
# a development TSA in process (its certificate says so), without DEBUG no time-stamps.
LEDGER_TSA_URL = os.environ.get("LEDGER_TSA_URL", "")
LEDGER_DEV_TSA = DEBUG and not LEDGER_TSA_URL
LEDGER_DEV_KEY_FILE = VAR_DIR / "ledger_signing_key" if DEBUG else None

# Absolute address of the site, for links in messages sent by background jobs (reminders); links
# built while serving a request use the address the request came to (checked by ALLOWED_HOSTS).
# `manage.py serve` (make run) sets it from the address it serves when the variable is not set.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Firma elettronica avanzata (signatures) -----------------------------------------------
# PKCS#12 with the platform's signing certificate; empty: a development CA under VAR_DIR.
SIGNATURE_P12_FILE = os.environ.get("SIGNATURE_P12_FILE", "")
SIGNATURE_P12_PASSWORD = os.environ.get("SIGNATURE_P12_PASSWORD", "")
# RFC 3161 TSA for PAdES B-T (empty: B-B); a failing TSA is retried, never skipped silently.
SIGNATURE_TSA_URL = os.environ.get("SIGNATURE_TSA_URL", "")
SIGNATURE_TSA_ATTEMPTS = int(os.environ.get("SIGNATURE_TSA_ATTEMPTS", "3"))
# PEM file with the TSA's root certificate(s): its chain goes into the signed PDF (B-LT).
SIGNATURE_TSA_ROOTS = os.environ.get("SIGNATURE_TSA_ROOTS", "")
SIGNATURE_LINK_DAYS = 14
SIGNATURE_REMINDER_DAYS = (3, 7)
SIGNATURE_CODE_MINUTES = 5
SIGNATURE_CODE_ATTEMPTS = 5  # wrong entries that burn a code
SIGNATURE_BURNED_CODES_LOCK = 3  # burned codes that lock a request until a person re-sends it
SIGNATURE_CODES_PER_WINDOW = 3  # codes per 30 minutes
SIGNATURE_CODE_WINDOW_MINUTES = 30
SIGNATURE_CODE_COOLDOWN_SECONDS = 60
SIGNATURE_SIGNER_MAX_FAILURES = 100  # across requests (NIST SP 800-63B §5.2.2)
# After signing, the link serves the signed document this many days; later (and always for the
# evidence report) the signer proves it is them with an SMS code, valid in their browser a while.
SIGNATURE_SIGNED_DAYS = int(os.environ.get("SIGNATURE_SIGNED_DAYS", "30"))
SIGNATURE_ACCESS_MINUTES = 15
# Requests to signature links: per link and per signer; per address only against floods (an
# agency's counter is one address for many clients), and never on a signed document's download.
SIGNATURE_LINK_RATES = {"link": "60/10m", "signer": "120/10m", "address": "1000/10m"}
# The insured's personal link to a policy or a claim (polis.insured): days before it expires.
INSURED_LINK_DAYS = int(os.environ.get("INSURED_LINK_DAYS", "30"))
# Also send it, by e-mail and SMS, as soon as a policy is issued (at a claim's opening it goes
# when the agency sends the insured the confirmation of opening).
INSURED_LINK_AT_ISSUE = env_bool("INSURED_LINK_AT_ISSUE", False)

# --- The MGA -----------------------------------------------------------------------------
MGA_NAME = os.environ.get("MGA_NAME", "Heca")
MGA_LEGAL_NAME = os.environ.get("MGA_LEGAL_NAME", "Heca Underwriting S.r.l.")
MGA_CONTACT_EMAIL = os.environ.get("MGA_CONTACT_EMAIL", "assistenza@polis.local")
MGA_PHONE = os.environ.get("MGA_PHONE", "+39 02 0000 0000")
MGA_ADDRESS = os.environ.get("MGA_ADDRESS", "Via della Moscova 1, 20121 Milano (MI)")
MGA_PEC = os.environ.get("MGA_PEC", "heca@pec.polis.local")
MGA_WEBSITE = os.environ.get("MGA_WEBSITE", "https://polis.local")
MGA_RUI_NUMBER = os.environ.get("MGA_RUI_NUMBER", "A000000001")
MGA_RUI_DATE = os.environ.get("MGA_RUI_DATE", "2019-01-15")
# --- Practices: expiries and renewals ------------------------------------------------------
# The windows offered by "Pratiche in scadenza" (days ahead), and the one shown first.
PRACTICE_EXPIRING_WINDOWS = [int(d) for d in env_list("PRACTICE_EXPIRING_WINDOWS", "30,60,90")]
PRACTICE_EXPIRING_DEFAULT_DAYS = int(os.environ.get("PRACTICE_EXPIRING_DEFAULT_DAYS", "60"))
# Days before the end at which the collaborator is e-mailed, once per threshold.
PRACTICE_REMINDER_DAYS = [int(d) for d in env_list("PRACTICE_REMINDER_DAYS", "60,30,7")]
# An expired practice can still be renewed (RINNOVA PRATICA) for this many days.
PRACTICE_RENEWAL_AFTER_EXPIRY_DAYS = int(os.environ.get("PRACTICE_RENEWAL_AFTER_EXPIRY_DAYS", "60"))
# How long the client's e-mailed link to the pre-contractual documents works.
DISCLOSURE_LINK_DAYS = 30
# How long the link to a data-subject's export (GDPR art. 15/20) opens it.
PRIVACY_EXPORT_LINK_DAYS = int(os.environ.get("PRIVACY_EXPORT_LINK_DAYS", "7"))
# The money (polis.accounting): an insurer's remittance is due this many days after its period
# (contractual, Reg. IVASS 40/2018 art. 63 c.3); the MGA's accounts that SEPA payouts leave from
# (claims from the separate account, commissions from the MGA's own).
REMITTANCE_DUE_DAYS = int(os.environ.get("REMITTANCE_DUE_DAYS", "30"))
SEPA_DEBTOR_NAME = os.environ.get("SEPA_DEBTOR_NAME", "Polis MGA S.r.l.")
SEPA_SEPARATE_ACCOUNT_IBAN = os.environ.get(
    "SEPA_SEPARATE_ACCOUNT_IBAN", "IT60X0542811101000000123456"
)
SEPA_OPERATING_ACCOUNT_IBAN = os.environ.get(
    "SEPA_OPERATING_ACCOUNT_IBAN", "IT66A0306909606100000012345"
)
# The MGA's own commission on the net premium (its binder commission from the insurer, out of
# which it pays its collaborators') for a tariff whose document sets none. (unconfirmed): the
# money brief gives no figure; it is contractual, per binder: set it per tariff version.
MGA_COMMISSION_RATE = Decimal(os.environ.get("MGA_COMMISSION_RATE", "0.25"))
# Retention by record class (polis.core.retention): each app registers its classes with the
# period of the regulatory brief §7; a period is changed here, by class key, in months, e.g.
# RETENTION_MONTHS='{"quotes.quote": 36}'. The job purges in batches of this many rows.
RETENTION_MONTHS = json.loads(os.environ.get("RETENTION_MONTHS") or "{}")
RETENTION_BATCH_SIZE = int(os.environ.get("RETENTION_BATCH_SIZE", "2000"))
# The version of the marketing consent's text the client form shows (clients.forms).
MARKETING_CONSENT_VERSION = os.environ.get("MARKETING_CONSENT_VERSION", "2026-12")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # periodic_jobs: `manage.py serve`'s jobs log a line only when they did something
    "filters": {"periodic_jobs": {"()": "polis.web.joblog.QuietPeriodicJobs"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["periodic_jobs"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}

# Portfolio import (polis.portfolio): limits that refuse a hostile or oversized file whole.
PORTFOLIO_IMPORT_MAX_BYTES = int(os.environ.get("PORTFOLIO_IMPORT_MAX_BYTES", str(60 * 2**20)))
PORTFOLIO_IMPORT_MAX_ROWS = int(os.environ.get("PORTFOLIO_IMPORT_MAX_ROWS", "200000"))
PORTFOLIO_IMPORT_MAX_COLUMNS = int(os.environ.get("PORTFOLIO_IMPORT_MAX_COLUMNS", "40"))
PORTFOLIO_IMPORT_MAX_CELL_CHARS = int(os.environ.get("PORTFOLIO_IMPORT_MAX_CELL_CHARS", "300"))
# An XLSX's parts as its ZIP directory declares them, checked before openpyxl opens it.
PORTFOLIO_XLSX_MAX_UNCOMPRESSED = int(
    os.environ.get("PORTFOLIO_XLSX_MAX_UNCOMPRESSED", str(400 * 2**20))
)
PORTFOLIO_XLSX_MAX_RATIO = int(os.environ.get("PORTFOLIO_XLSX_MAX_RATIO", "200"))
PORTFOLIO_XLSX_MAX_PARTS = int(os.environ.get("PORTFOLIO_XLSX_MAX_PARTS", "200"))
