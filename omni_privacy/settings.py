"""The one settings module. Every operator knob is an OMNI_* variable read through conf.py."""

from __future__ import annotations

import dj_database_url
from django.utils.translation import gettext_lazy as _

from omni_privacy.conf import (
    BASE_DIR,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_str,
)

VAR_DIR = env_path("OMNI_VAR_DIR", BASE_DIR / "var")
DEBUG = env_bool("OMNI_DEBUG", default=False)

# A development key is generated into var/ on first use so that a fresh clone runs without set-up;
# production sets OMNI_SECRET_KEY.
_secret = env_str("OMNI_SECRET_KEY", "")
if not _secret:
    from omni_privacy.core.secrets import local_secret

    _secret = local_secret(VAR_DIR / "secret-key")
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("OMNI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("OMNI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Swagger UI's assets as django-ninja ships them (vendored, no CDN) for /api/docs.
    "ninja",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Staff sign-in (issue 15): the second factor (TOTP, recovery codes) and the lockout.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "omni_privacy.core",
    "omni_privacy.audit",
    "omni_privacy.accounts",
    "omni_privacy.policy",
    "omni_privacy.registry",
    "omni_privacy.retention",
    "omni_privacy.intake",
    "omni_privacy.transfers",
    "omni_privacy.stores",
    "omni_privacy.notices",
    "omni_privacy.outbox",
    "omni_privacy.consent",
    "omni_privacy.mailings",
    "omni_privacy.dsr",
    "omni_privacy.drp",
    "omni_privacy.conformance",
    "omni_privacy.registers",
    "omni_privacy.console",
    "omni_privacy.portal",
    "omni_privacy.api",
    "omni_privacy.ops",
]

MIDDLEWARE = [
    "omni_privacy.core.security.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "omni_privacy.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "omni_privacy.portal.middleware.PortalSessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "omni_privacy.core.security.Utf8OnlyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Signs out a session left idle longer than OMNI_SESSION_IDLE_MINUTES.
    "omni_privacy.accounts.middleware.IdleTimeoutMiddleware",
    "omni_privacy.console.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # An empty 405 (an address that only takes a form, opened in a browser): the error page,
    # inside the header middlewares so that the page gets their headers.
    "omni_privacy.portal.middleware.MethodNotAllowedPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a sign-in refused by the lockout into the console's locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "omni_privacy.urls"
WSGI_APPLICATION = "omni_privacy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("OMNI_DATABASE_URL", f"sqlite:///{VAR_DIR / 'omni-privacy.sqlite3'}"),
        conn_max_age=env_int("OMNI_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes; IMMEDIATE makes
    # writers queue instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # Seconds a connection waits for another writer; `serve` shortens it for web requests
        # (OMNI_WEB_DB_BUSY_SECONDS, core/dbwait.py) so that they answer 503, not hang.
        "timeout": env_int("OMNI_DB_BUSY_SECONDS", 20),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }

OMNI_WEB_DB_BUSY_SECONDS = env_int("OMNI_WEB_DB_BUSY_SECONDS", 3)
# A RUNNING task is reaped (core/reaper.py) when its worker's beat is older than this, or, for
# a worker that keeps no beat, when it started longer ago than OMNI_TASK_LOST_SECONDS.
OMNI_WORKER_LOST_SECONDS = env_int("OMNI_WORKER_LOST_SECONDS", 120)
OMNI_TASK_LOST_SECONDS = env_int("OMNI_TASK_LOST_SECONDS", 6 * 3600)
# A statement in an external store that runs longer is cancelled (and the store's erasure
# rolled back, then retried like a store that was down): docs/stores.md.
OMNI_STORE_STATEMENT_SECONDS = env_int("OMNI_STORE_STATEMENT_SECONDS", 120)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:registry"
LOGOUT_REDIRECT_URL = "console:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The published demo passphrase and one character repeated ("aaaaaaaaaaaa").
    {"NAME": "omni_privacy.accounts.validators.KnownWeakPasswordValidator"},
]

# Sign-in lockout (django-axes, accounts/lockout.py): failures counted per account and per
# client address; at the limit, the sign-in is refused, even with the right password, for
# OMNI_SIGNIN_LOCKOUT_MINUTES. A sign-in without a request (the CLI, tests) is not counted.
AUTHENTICATION_BACKENDS = [
    "omni_privacy.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
OMNI_SIGNIN_ACCOUNT_FAILURES = env_int("OMNI_SIGNIN_ACCOUNT_FAILURES", 10)
OMNI_SIGNIN_ADDRESS_FAILURES = env_int("OMNI_SIGNIN_ADDRESS_FAILURES", 30)
OMNI_SIGNIN_LOCKOUT_MINUTES = env_int("OMNI_SIGNIN_LOCKOUT_MINUTES", 60)
AXES_HANDLER = "omni_privacy.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 1  # LockoutHandler.get_failures answers 1 when either limit is reached
AXES_COOLOFF_TIME = OMNI_SIGNIN_LOCKOUT_MINUTES / 60
AXES_RESET_ON_SUCCESS = False  # a right password must not wipe an address's failures
AXES_LOCKOUT_CALLABLE = "omni_privacy.console.login.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# Keep what the lockout needs only: no log of every sign-in or failure (the audit log has them,
# without the username or the address in clear).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# The second factor: TOTP codes for authenticator apps and single-use recovery codes.
OTP_TOTP_ISSUER = "Omni privacy"
# Demo runs only (`make run` sets it): privacy officers are not made to enrol a second factor.
OMNI_DEMO = env_bool("OMNI_DEMO", default=False)

# Notice §2.3: only authentication cookies. One session cookie after sign-in, CSRF token kept in it.
SESSION_COOKIE_NAME = "omni_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_AGE = env_int("OMNI_SESSION_SECONDS", 8 * 3600)
# Signed out after this long without a request, besides the absolute OMNI_SESSION_SECONDS.
OMNI_SESSION_IDLE_MINUTES = env_int("OMNI_SESSION_IDLE_MINUTES", 30)
CSRF_USE_SESSIONS = True
LANGUAGE_COOKIE_NAME = "omni_language"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "omni_privacy" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("OMNI_TIME_ZONE", "America/Toronto")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

TASKS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": env_str("OMNI_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Scale-out (docs/operations.md): OMNI_TASKS=rq queues the tasks on Redis (OMNI_REDIS_URL) for
# any number of `omni-privacy worker` processes on any number of machines; "db" (the default)
# keeps them in the database, the embedded two-command set-up.
OMNI_TASKS = env_choice("OMNI_TASKS", "db", ("db", "rq"))
OMNI_REDIS_URL = env_str("OMNI_REDIS_URL", "redis://127.0.0.1:6379/0")
if OMNI_TASKS == "rq":
    INSTALLED_APPS.append("django_rq")
    # A task may run up to an hour (a first sync of a million rows) before RQ stops it.
    RQ_QUEUES = {"default": {"URL": OMNI_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

# Browser hardening (issue 15 §4; docs/operations.md, Security). Every response carries a
# strict CSP: nothing but this site's own files, no inline script or style, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Pico CSS draws its select arrows and search icons as data: SVG images.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or CIDR
# blocks); from anyone else those headers are dropped (core/security.py).
OMNI_TRUSTED_PROXIES = env_list("OMNI_TRUSTED_PROXIES", [])
# OMNI_BEHIND_TLS=1: the deployment says it is served over HTTPS. With OMNI_DEBUG=0 that turns
# on the HTTPS redirect and HSTS (each can still be set alone); cookies are secure whenever
# OMNI_DEBUG=0, as before.
OMNI_BEHIND_TLS = env_bool("OMNI_BEHIND_TLS", default=False) and not DEBUG
SECURE_SSL_REDIRECT = env_bool("OMNI_SSL_REDIRECT", default=OMNI_BEHIND_TLS)
# The probe paths answer the load balancer on plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("OMNI_HSTS_SECONDS", 31536000 if OMNI_BEHIND_TLS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("OMNI_HSTS_SUBDOMAINS", default=OMNI_BEHIND_TLS)
# Preloading binds the whole registrable domain (example.com, not privacy.example.com) for
# years: its owner decides it, not this application, so check --deploy's W021 is silenced.
SECURE_HSTS_PRELOAD = env_bool("OMNI_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("OMNI_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if OMNI_BEHIND_TLS and OMNI_TRUSTED_PROXIES:
    # Only a trusted proxy's X-Forwarded-Proto reaches Django (core/security.py drops it
    # from anyone else), so the header cannot be forged by a visitor.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

OMNI_POLICY_FILE = env_str("OMNI_POLICY_FILE", "")
# Keys the audit chain's HMAC and the erasure ledger's email digests; rotate only with a re-key.
OMNI_AUDIT_KEY = env_str("OMNI_AUDIT_KEY", SECRET_KEY)
OMNI_DIGEST_KEY = env_str("OMNI_DIGEST_KEY", SECRET_KEY)
# Encrypts secrets held at rest (core/crypto.py): an instance's export token. Old keys still
# decrypt, for rotation.
OMNI_ENCRYPTION_KEY = env_str("OMNI_ENCRYPTION_KEY", SECRET_KEY)
OMNI_ENCRYPTION_OLD_KEYS = env_list("OMNI_ENCRYPTION_OLD_KEYS", [])
# The erasure ledger lives outside the database so that it survives a backup restore: keep it on
# other storage than the database backups (docs/operations.md). Empty: VAR_DIR/erasure-ledger.jsonl.
OMNI_ERASURE_LEDGER = env_str("OMNI_ERASURE_LEDGER", "")
# Processes parsing a large JSON-lines snapshot for the monthly sync (intake/pipeline.py);
# 0: the machine's processors, at most 4; 1: in the sync's own process.
OMNI_SYNC_WORKERS = env_int("OMNI_SYNC_WORKERS", 0)
# Holdings per sweep transaction (retention/sweep.py).
OMNI_RETENTION_CHUNK = env_int("OMNI_RETENTION_CHUNK", 5000)
# Outgoing mail (outbox/delivery.py; docs/operations.md). TLS: "starttls" (submission, 587),
# "ssl" (implicit TLS, 465) or "none" (a relay on the same host or a test server only).
# Data Rights Protocol 1.0 (docs/drp.md): the business-id agents must name in signed requests.
OMNI_DRP_BUSINESS_ID = env_str("OMNI_DRP_BUSINESS_ID", "OMNITECH")
OMNI_SMTP_HOST = env_str("OMNI_SMTP_HOST", "127.0.0.1")
OMNI_SMTP_PORT = env_int("OMNI_SMTP_PORT", 25)
OMNI_SMTP_USER = env_str("OMNI_SMTP_USER", "")
OMNI_SMTP_PASSWORD = env_str("OMNI_SMTP_PASSWORD", "")
# The default TLS follows the port: 465 implicit TLS, 587 STARTTLS, and a relay on this machine
# (loopback, port 25 by default) plain, so that a local SMTP server works as it is.
_SMTP_TLS_DEFAULT = (
    "ssl"
    if OMNI_SMTP_PORT == 465
    else "starttls"
    if OMNI_SMTP_PORT == 587 or OMNI_SMTP_HOST not in ("127.0.0.1", "localhost", "::1")
    else "none"
)
OMNI_SMTP_TLS = env_choice("OMNI_SMTP_TLS", _SMTP_TLS_DEFAULT, ("none", "starttls", "ssl"))
# "smtp" sends; "mailbox" keeps every outgoing message as a .eml file in OMNI_MAILBOX_DIR, a
# development mailbox: nothing leaves the machine. With no OMNI_SMTP_HOST configured, the
# mailbox is the default (`make run`, `omni-privacy run` alone, the worker): mail is kept, never
# sent to a server nobody set up; configure a host and mail is sent (issue 14 point 8).
OMNI_MAIL_DELIVERY = env_choice(
    "OMNI_MAIL_DELIVERY",
    "smtp" if env_str("OMNI_SMTP_HOST", "") else "mailbox",
    ("smtp", "mailbox"),
)
OMNI_MAILBOX_DIR = env_path("OMNI_MAILBOX_DIR", VAR_DIR / "mailbox")
OMNI_SMTP_TIMEOUT = env_int("OMNI_SMTP_TIMEOUT", 30)
# Messages per minute (urgent security-incident alerts are not held back by it).
OMNI_SMTP_RATE = env_int("OMNI_SMTP_RATE", 60)
OMNI_MAIL_FROM = env_str("OMNI_MAIL_FROM", "Omnitech Innovations <info@omni-assistant.net>")
# Delivery attempts before a message is marked failed; first retry delay (doubled each time,
# at most 6 hours); how long a worker may hold a message in "sending" before another reclaims it.
OMNI_OUTBOX_MAX_ATTEMPTS = env_int("OMNI_OUTBOX_MAX_ATTEMPTS", 8)
OMNI_OUTBOX_BACKOFF_SECONDS = env_int("OMNI_OUTBOX_BACKOFF_SECONDS", 60)
OMNI_OUTBOX_LEASE_SECONDS = env_int("OMNI_OUTBOX_LEASE_SECONDS", 300)
# Where the public portal answers, for the links in mailings (withdrawal link, notice page).
OMNI_PUBLIC_URL = env_str("OMNI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Rights requests (docs/rights-requests.md): how long a download link lives, and how long after
# a request closes its verification data and export files are purged.
OMNI_DSR_LINK_DAYS = env_int("OMNI_DSR_LINK_DAYS", 7)
OMNI_DSR_PURGE_DAYS = env_int("OMNI_DSR_PURGE_DAYS", 30)
# Confidentiality incidents (docs/registers.md): Quebec says "promptly" (P-39.1 s.3.5); Omni's
# internal target, in hours from the day it learned of the incident.
OMNI_INCIDENT_TARGET_HOURS = env_int("OMNI_INCIDENT_TARGET_HOURS", 72)
OMNI_DSR_REMINDER_DAYS = env_int("OMNI_DSR_REMINDER_DAYS", 7)
# A request whose address is never verified is closed as expired after this many days.
OMNI_DSR_UNVERIFIED_DAYS = env_int("OMNI_DSR_UNVERIFIED_DAYS", 7)
# The link mailed on a status lookup opens the request for this many hours.
OMNI_DSR_STATUS_LINK_HOURS = env_int("OMNI_DSR_STATUS_LINK_HOURS", 24)
OMNI_DEMO_PASSWORD = env_str("OMNI_DEMO_PASSWORD", "omni-demo-passphrase")
# A demo run (`make run` sets it): the application also serves the demo customer instance's
# user-profile export on loopback (demo/views.py), so that the console's "Sync now" works.
OMNI_DEMO = env_bool("OMNI_DEMO", default=False)

# Operating (docs/operations.md): /healthz and /metrics ask for this bearer token when set;
# OMNI_LOG_FORMAT=json writes one JSON object a line (core/jsonlog.py).
OMNI_METRICS_TOKEN = env_str("OMNI_METRICS_TOKEN", "")
OMNI_LOG_FORMAT = env_choice("OMNI_LOG_FORMAT", "plain", ("plain", "json"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "omni_privacy.core.jsonlog.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": OMNI_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("OMNI_LOG_LEVEL", "INFO")},
}

# Notice §6 (issue 16): the mail relay's key in the recipients register; mail leaves only while
# that recipient has a current assessment. Notice §7: the days between the last merger notice
# and the transfer export.
OMNI_MAIL_RELAY_KEY = env_str("OMNI_MAIL_RELAY_KEY", "mail-relay")
OMNI_MERGER_NOTICE_DAYS = env_int("OMNI_MERGER_NOTICE_DAYS", 30)
