"""Settings for the designation portal: one module, read from the environment.

Embedded defaults need nothing installed (SQLite under var/, Celery tasks run in-process, e-mail written
to var/mail/). Every real service is reached by setting an environment variable; README.md lists them.
"""

import datetime
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# A development key is only acceptable while DEBUG is on; production must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DJANGO_DEBUG is off."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the portal, used in e-mails and in the QR codes of official documents.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The issuing authority's contact line at the foot of official documents (postcode, homepage, fax); the
# address and telephone are the call's. The demo fax number is a placeholder, so production has none unless set.
PORTAL_AUTHORITY_POSTCODE = env.str("PORTAL_AUTHORITY_POSTCODE", default="30118")
PORTAL_AUTHORITY_HOMEPAGE = env.str("PORTAL_AUTHORITY_HOMEPAGE", default="www.motie.go.kr")
PORTAL_AUTHORITY_FAX = env.str("PORTAL_AUTHORITY_FAX", default="044-203-0009" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "core",  # before staticfiles: its runserver (WhiteNoise static files + embedded beat) takes precedence
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",  # login throttling (issue 10)
    "django_otp",  # two-factor sign-in for staff roles (issue 10)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",  # content security policy (issue 10)
    "rules.apps.AutodiscoverRulesConfig",
    "accounts",
    "applications",
    "reviews",
    "committee",
]

MIDDLEWARE = [
    "core.middleware.ReceivedAtMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.OTPMiddleware",  # issue 10: request.user.is_verified() (django-otp's, issue 12)
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",  # issue 10
    "accounts.middleware.SecondFactorMiddleware",  # issue 10: staff roles verify a TOTP code first
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # issue 10
    "axes.middleware.AxesMiddleware",  # issue 10: must stay last (turns a lockout into the lockout page)
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/portal or sqlite:////abs/path.db
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must work from a fresh clone: make its folder (and the mail/media ones).
    for folder in ("", "mail", "media"):
        (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
# Persistent connections (seconds; 0 = one per request). A submit surge opens a connection per request otherwise
# (issue 12: bench/surge.py); a kept connection is checked before each request reuses it, so a restarted
# PostgreSQL costs one reconnect, not an error. Production (docker-compose.yml) keeps them for 60 s.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", DATABASES["default"]["CONN_MAX_AGE"] != 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool("DB_JIT", default=False):
    # PostgreSQL's JIT compiles a query whose cost estimate passes jit_above_cost (100k): worth it for analytic
    # queries running many seconds, never for a web request. A ranking of 2,000 plans spent 9.9 s of 10 s
    # compiling (issue 12); its query no longer needs JIT, and no page's query should. DB_JIT=1 turns it back on.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # issue 10: refuses a locked-out login before any password hashing
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.ModelPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# Sessions last a working day; an expired session never discards a typed form (see applications).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Django's database sessions, the session's read prepared once per database session (issue 12).
SESSION_ENGINE = "accounts.session_store"

# --- Authentication hardening (issue 10) -------------------------------------------------------------
# Login throttling (django-axes): a username is locked from one address after AXES_FAILURE_LIMIT wrong
# passwords, for AXES_COOLOFF_TIME; the same person from elsewhere, or others behind the same office NAT,
# are not locked. A locked attempt is refused before the password is hashed, so it costs no CPU.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field; it holds the e-mail address
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"  # the translated page saying what to do
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_VERBOSE = False  # no start-up banner on every manage.py command; lockouts are still logged
AXES_SENSITIVE_PARAMETERS = []  # staff need the address and the username in the admin to help someone locked out
# PORTAL_TRUSTED_PROXIES (below, with the edge settings) also decides whose X-Forwarded-For is believed.
# Idle timeout: staff roles are signed out after 30 idle minutes, applicants (who draft long texts) after two
# hours; the page warns PORTAL_IDLE_WARNING_SECONDS before. The 8-hour SESSION_COOKIE_AGE stays the ceiling.
PORTAL_IDLE_TIMEOUT_STAFF = env.int("PORTAL_IDLE_TIMEOUT_STAFF", default=30 * 60)
PORTAL_IDLE_TIMEOUT_APPLICANT = env.int("PORTAL_IDLE_TIMEOUT_APPLICANT", default=2 * 60 * 60)
PORTAL_IDLE_WARNING_SECONDS = env.int("PORTAL_IDLE_WARNING_SECONDS", default=5 * 60)
# What an expired session may keep of a typed section form, and only for a browser that was signed in.
PORTAL_KEPT_FORM_MAX_BYTES = 256 * 1024
# Two-factor sign-in (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "특화단지 지정 포털"
# Content security policy (django-csp 4): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Plain-text e-mail is rendered without HTML escaping (core.outbox renders with this engine): "R&D", not "R&amp;D".
TEMPLATES.append({**TEMPLATES[0], "NAME": "text", "OPTIONS": {"autoescape": False}})
# Counters of the rate limits (core.ratelimit): in production a cache every worker shares, e.g. redis://host/1.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# --- end of authentication hardening ------------------------------------------------------------------

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Seoul"  # the zone core.clock owns (Korea time); tests/core/test_clock.py checks they agree
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # uploads are only ever served through permission-checking views
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Signing what the portal issues (decision notices; PAdES with pyHanko, core/signing.py). Production loads the
# issuing authority's PKCS#12 and trusts its CA; the demo makes a test authority under var/signing/.
PORTAL_SIGNING_PKCS12 = env.str("PORTAL_SIGNING_PKCS12", default="")
PORTAL_SIGNING_PASSPHRASE = env.str("PORTAL_SIGNING_PASSPHRASE", default="")
PORTAL_SIGNING_TRUST_ROOTS = env.list("PORTAL_SIGNING_TRUST_ROOTS", default=[])
PORTAL_SIGNING_DEMO = env.bool("PORTAL_SIGNING_DEMO", default=DEBUG)
PORTAL_SIGNING_DIR = Path(env.str("PORTAL_SIGNING_DIR", default=str(VAR_DIR / "signing")))
# A PDF uploaded to /verify/ to be checked: a notice is a page or two; anything larger is not one of ours.
PORTAL_VERIFY_MAX_BYTES = env.int("PORTAL_VERIFY_MAX_BYTES", default=5 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Every form's field errors have their Korean particle markers resolved (core.forms.ParticleBoundField).
FORM_RENDERER = "core.forms.FormRenderer"

# E-mail: EMAIL_URL (smtp://user:pass@host:587, smtp+tls://..., consolemail://) or the file backend.
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="특화단지 지정 포털 <noreply@portal.example.kr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every SMTP exchange (connect, each command) gives up after this many seconds: a silent server cannot hold
# a worker. The outbox task's time limits bound a whole attempt; a message "sending" for longer than the lease
# is assumed lost with its worker and sent again with the same Message-ID (core/outbox.py).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
OUTBOX_TASK_SOFT_TIME_LIMIT = EMAIL_TIMEOUT * 4
OUTBOX_TASK_TIME_LIMIT = EMAIL_TIMEOUT * 4 + 10
OUTBOX_SENDING_LEASE = env.int("OUTBOX_SENDING_LEASE", default=OUTBOX_TASK_TIME_LIMIT + 60)
if OUTBOX_SENDING_LEASE <= OUTBOX_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("OUTBOX_SENDING_LEASE must exceed the outbox task's hard time limit.")

# Spreadsheet exports built by a task (core/export_jobs.py): progress saved every so many rows, the file kept
# for a day, the task's own time limits (a large score sheet takes seconds, not minutes; the limit is a guard).
EXPORT_PROGRESS_EVERY = env.int("EXPORT_PROGRESS_EVERY", default=500)
EXPORT_JOB_LIFETIME = env.int("EXPORT_JOB_LIFETIME", default=24 * 60 * 60)
EXPORT_TASK_SOFT_TIME_LIMIT = env.int("EXPORT_TASK_SOFT_TIME_LIMIT", default=300)
EXPORT_TASK_TIME_LIMIT = env.int("EXPORT_TASK_TIME_LIMIT", default=EXPORT_TASK_SOFT_TIME_LIMIT + 30)

# Celery: without a broker URL, tasks run in-process (same code, nothing else changes).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# Every task has a time limit; PDF renders (core.pdf.TASK_LIMITS) and e-mail (OUTBOX_TASK_*) set their own.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A frozen or unreachable broker must never hold a web request: bounded connect and socket timeouts, at most
# one publish retry, then the request goes on and a sweep queues the work later (core/queueing.py).
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=2.0)
BROKER_BACKOFF_SECONDS = env.float("BROKER_BACKOFF_SECONDS", default=30.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": max(BROKER_SOCKET_TIMEOUT, 2.0),  # above the worker's 1 s BRPOP poll
    "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
    "retry_on_timeout": False,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Celery worker processes add this to their nice value (config/celery.py): the web keeps the CPU at a surge.
PORTAL_WORKER_NICE = env.int("PORTAL_WORKER_NICE", default=10)
# Without a broker, `manage.py runserver` runs the schedule below in-process (core/scheduler.py).
PORTAL_EMBEDDED_BEAT = env.bool("PORTAL_EMBEDDED_BEAT", default=True)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "core.tasks.sweep_outbox", "schedule": 120.0},
    "receipt-sweep": {"task": "applications.tasks.sweep_receipts", "schedule": 300.0},
    # Plan audit chains' heads into the global chain (applications/audit.py ANCHOR_INTERVAL, issue 12).
    "audit-anchor": {"task": "applications.tasks.anchor_audit_chains", "schedule": 60.0},
    "deadline-reminders": {"task": "applications.tasks.send_deadline_reminders", "schedule": 600.0},
    "close-due-calls": {"task": "applications.tasks.close_due_calls", "schedule": 60.0},
    "review-reminders": {"task": "reviews.tasks.send_review_reminders", "schedule": 600.0},
    "review-packet-sweep": {"task": "reviews.tasks.sweep_review_packets", "schedule": 300.0},
    "committee-notice-sweep": {"task": "committee.tasks.sweep_notices", "schedule": 300.0},
    "condition-reminders": {"task": "committee.tasks.send_condition_reminders", "schedule": 3600.0},
    "export-sweep": {"task": "core.tasks.sweep_exports", "schedule": 600.0},
    "orphan-file-sweep": {"task": "core.tasks.sweep_orphan_files", "schedule": 3600.0},
    "clear-expired-sessions": {"task": "accounts.tasks.clear_expired_sessions", "schedule": 3600.0},  # issue 10
}

# Security: strict by default when DEBUG is off, each switch overridable for a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=True) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Our own proxies (IPs or CIDR networks, comma-separated; core/client_ip.py): only their headers are believed.
# The edge (nginx, deploy/nginx.conf) stamps when each request reached it (X-Request-Start); deadlines are judged
# at that instant. Empty: believe no one; every request is stamped when a worker picks it up, and the direct
# peer is the client (login throttling).
PORTAL_TRUSTED_PROXIES = env.list("PORTAL_TRUSTED_PROXIES", default=[])
# A request counts at the instant its first byte reached the edge if the edge received all of it (files
# included) within this many seconds; a slower one counts when its transfer ended. README: "The deadline".
PORTAL_EDGE_MAX_TRANSFER_SECONDS = env.int("PORTAL_EDGE_MAX_TRANSFER_SECONDS", default=300)
# The longest a request may take from its arrival at the edge to its answer (the edge transfer above plus
# gunicorn's worker timeout, deploy/): a call is closed only this long after its deadline.
PORTAL_REQUEST_MAX_SECONDS = env.int("PORTAL_REQUEST_MAX_SECONDS", default=PORTAL_EDGE_MAX_TRANSFER_SECONDS + 90)

# Files
PORTAL_MAX_UPLOAD_BYTES = env.int("PORTAL_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
PORTAL_MAX_APPLICATION_BYTES = env.int("PORTAL_MAX_APPLICATION_BYTES", default=300 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file
# Our own folder for those temporary files (under the system's temporary folder, writable by whoever runs the
# portal, also in the container), so that the ones a killed worker leaves are found and swept.
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=str(Path(tempfile.gettempdir()) / "portal-upload-tmp"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
