"""Hadir settings, read from the environment.

Every variable is listed in the README's configuration table. A bad value stops the process
with one line naming the variable (see ``config.env``), never a traceback.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env.boolean("DEBUG", False)
SECRET_KEY = env.secret_key(debug=DEBUG)
# Keys that still verify (sessions, password resets, every personal link) after a rotation.
SECRET_KEY_FALLBACKS = env.secret_key_fallbacks("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
HADIR_BASE_URL = env.url("HADIR_BASE_URL", "http://127.0.0.1:8000")
# The site's own origin may always post forms; the variable adds others (an admin host, say).
SITE_ORIGIN = env.origin_of(HADIR_BASE_URL)
CSRF_TRUSTED_ORIGINS = [SITE_ORIGIN, *env.listing("CSRF_TRUSTED_ORIGINS", "")]
# One TLS proxy in front (deploy/nginx): its X-Forwarded-Proto says HTTPS, its X-Forwarded-For names
# the client (config/proxy.py). Off, both headers are ignored: any client could write them.
HADIR_BEHIND_PROXY = env.boolean("HADIR_BEHIND_PROXY", False)
if HADIR_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_q",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "config.apps.HadirConfig",
    "scheduling",
    "rooms",
    "notifications",
    "classrooms",
    "hearings",
    "feedback",
    "media",
]

MIDDLEWARE = [
    "config.metrics.ResponseCounter",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    # A service's NotFound as a 404 page (``config.errors``).
    "config.middleware.HadirErrorMiddleware",
    # Last, as django-axes requires: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.nav_context",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hadir.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let Daphne and the django-q2 worker write side by side.
    # synchronous=NORMAL (safe with WAL) and persistent connections: closing SQLite after every
    # database_sync_to_async call checkpointed the WAL and each commit waited for fsync, so a
    # 200-person join storm took 6 s instead of under 1 s to converge (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = None
    # A file, not memory, so that the Daphne processes of end-to-end tests share the test data;
    # per test run, so that two runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-hadir-{os.getpid()}.sqlite3")}
else:
    # Django's psycopg pool, not persistent connections: Daphne (Django's ASGI handler) runs each
    # request's sync code in a thread of its own, so a persistent connection is one per request
    # thread, left open; the pool lends a connection for a request or a WebSocket database call
    # and takes it back at the end (CONN_MAX_AGE must stay 0). A process holds at most
    # HADIR_DB_POOL_MAX; docs/deployment.md ("Capacity") counts what N processes need. With
    # health checks a lent connection is checked first (one round trip), so one that PostgreSQL
    # or a proxy dropped is replaced before it fails a request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.boolean("HADIR_DB_HEALTH_CHECKS", True)
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "application_name": "hadir",
        "pool": {
            "min_size": env.integer("HADIR_DB_POOL_MIN", 2),
            "max_size": env.integer("HADIR_DB_POOL_MAX", 10),
            "timeout": env.integer("HADIR_DB_POOL_TIMEOUT", 10),
        },
    })
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.redis_url("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8's defaults (100 connections, 5 s socket timeout) fail under load
                # and drop idle connections: see DESIGN.md.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": 1000,
                        "socket_timeout": None,
                        "socket_keepalive": True,
                        "health_check_interval": 30,
                    }
                ],
                "capacity": 1000,
                "expiry": 60,
                "group_expiry": 3600,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}
    }

Q_CLUSTER = {
    # Several deployments (or test runs) may share one Redis: each queue has its own name.
    "name": env.string("HADIR_QUEUE_NAME", "hadir"),
    "workers": env.integer("HADIR_WORKERS", 2),
    "timeout": 60,
    "retry": 90,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "label": "Django Q2",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.5

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["config.accounts.LoginThrottleBackend", "django.contrib.auth.backends.ModelBackend"]
# Log-in throttling (config/accounts.py): per account and per client address.
AXES_FAILURE_LIMIT = env.integer("HADIR_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("HADIR_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "config.proxy.request_address"
AXES_LOCKOUT_CALLABLE = "config.accounts.lockout_response"
AXES_VERBOSE = False  # no banner on every command; failures and lockouts are still logged
HADIR_PASSWORD_RESET_MINUTES = env.integer("HADIR_PASSWORD_RESET_MINUTES", 10)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("id", _("Bahasa Indonesia"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.timezone("TIME_ZONE", "Asia/Jakarta")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.string("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_HOST = env.string("EMAIL_HOST", "")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Hadir <hadir@localhost>")
# Calendar replies: every invite's ORGANIZER is a per-attendee address at this domain, which the
# mail server hands to ``manage.py mail_listen`` (or ``mail_ingest``).
HADIR_REPLY_DOMAIN = env.domain(
    "HADIR_REPLY_DOMAIN", DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "config.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hadir API",
    "DESCRIPTION": "Schedules, live rooms, classes and hearings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files, never a CDN: the Content-Security-Policy allows no other origin.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a "status": the hearing's gets a stable name instead of a hashed one.
    "ENUM_NAME_OVERRIDES": {
        "HearingStatusEnum": "hearings.models.Status",
        "SubmissionStatusEnum": "feedback.models.Submission.Status",
        "SubmissionKindEnum": "feedback.models.Submission.Kind",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.api.document_errors"],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Secure cookies on an https:// site, and whenever DEBUG is off (SECURE_COOKIES=0 for plain HTTP).
SESSION_COOKIE_SECURE = env.boolean("SECURE_COOKIES", not DEBUG or SITE_ORIGIN.startswith("https:"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if not DEBUG:
    # Sent on HTTPS responses only (Django's SecurityMiddleware); 0 turns it off.
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", False)

# Every line goes through one handler that redacts personal links' secrets (config/logs.py);
# "django" is listed so that Django's own default handlers (which would print request paths
# unredacted) are dropped and its records reach that handler.
LOGGING_CONFIG = "config.logs.configure"
# LOG_FORMAT=json: one JSON object per line with the request's or connection's id, and an access
# line per request and per WebSocket connection (config.logs.LogIds).
LOG_FORMAT = env.choice("LOG_FORMAT", "plain", ["plain", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "config.logs.JsonLines"},
    },
    "filters": {"redact_tokens": {"()": "config.logs.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": []}, "django.channels.server": {"level": "WARNING"}},
}
# Errors to Sentry when SENTRY_DSN is set, with personal links' secrets scrubbed (config.sentry).
SENTRY_DSN = env.string("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.sentry import start as _start_sentry

    _start_sentry(dsn=SENTRY_DSN, environment=env.string("SENTRY_ENVIRONMENT", "production"),
                  traces_sample_rate=env.number("SENTRY_TRACES_SAMPLE_RATE", 0.0))

# Operations (docs/operations.md): /metrics for a Bearer token or from these networks; the
# thresholds of /healthz/details; how long the purge keeps what is not a record.
HADIR_METRICS_TOKEN = env.string("HADIR_METRICS_TOKEN", "")
HADIR_METRICS_ALLOW = env.networks("HADIR_METRICS_ALLOW")
HADIR_HEALTH_HEARTBEAT_MAX_SECONDS = env.integer("HADIR_HEALTH_HEARTBEAT_MAX_SECONDS", 180)
HADIR_HEALTH_OUTBOX_MAX_AGE_SECONDS = env.integer("HADIR_HEALTH_OUTBOX_MAX_AGE_SECONDS", 900)
HADIR_HEALTH_OUTBOX_MAX_BACKLOG = env.integer("HADIR_HEALTH_OUTBOX_MAX_BACKLOG", 5000)
# Attendance, audit logs, chat and hearing records are never purged.
HADIR_RETENTION_OUTBOX_DAYS = env.integer("HADIR_RETENTION_OUTBOX_DAYS", 90)
HADIR_RETENTION_NOTICES_DAYS = env.integer("HADIR_RETENTION_NOTICES_DAYS", 180)

# Hadir's own knobs (README: configuration).
HADIR_ROOM_OPENS_BEFORE_MINUTES = env.integer("HADIR_ROOM_OPENS_BEFORE_MINUTES", 15)
HADIR_ROOM_CLOSES_AFTER_MINUTES = env.integer("HADIR_ROOM_CLOSES_AFTER_MINUTES", 30)
HADIR_PRESENCE_AWAY_SECONDS = env.integer("HADIR_PRESENCE_AWAY_SECONDS", 20)
# 12 s of silence against a heartbeat every second: a stalled loop is not taken for a dead process,
# and a dead one's ghosts are gone within 15 s of its death (the TTL, a second of heartbeat age
# either way, the next sweep and the diff; 15 s here measured 14.2-15.6 s, bench/README.md).
HADIR_PRESENCE_TTL_SECONDS = env.integer("HADIR_PRESENCE_TTL_SECONDS", 12)
HADIR_HEARTBEAT_SECONDS = env.integer("HADIR_HEARTBEAT_SECONDS", 10)
HADIR_ICE_SERVERS = env.json_value("HADIR_ICE_SERVERS", [])
HADIR_MESH_MAX_PARTICIPANTS = env.integer("HADIR_MESH_MAX_PARTICIPANTS", 6)
# Through Janus: the most cameras a page shows at once, active speakers first (rooms.policies.RoomPolicy.
# media_tiles; a hearing shows at least 16, every camera of its parties).
HADIR_MEDIA_TILES = env.integer("HADIR_MEDIA_TILES", 9)
# A public hearing's observer places: one per browser session; at most PER_ADDRESS taken from one
# client address within WINDOW minutes; a place whose holder has not connected within CONNECT
# minutes goes back to the public.
HADIR_OBSERVER_PLACES_PER_ADDRESS = env.integer("HADIR_OBSERVER_PLACES_PER_ADDRESS", 10)
# What the public writes to a court or a school: at most this many per client address in the window.
HADIR_FEEDBACK_PER_ADDRESS = env.integer("HADIR_FEEDBACK_PER_ADDRESS", 5)
HADIR_FEEDBACK_ADDRESS_WINDOW_MINUTES = env.integer("HADIR_FEEDBACK_ADDRESS_WINDOW_MINUTES", 60)
HADIR_OBSERVER_ADDRESS_WINDOW_MINUTES = env.integer("HADIR_OBSERVER_ADDRESS_WINDOW_MINUTES", 10)
HADIR_OBSERVER_CONNECT_MINUTES = env.integer("HADIR_OBSERVER_CONNECT_MINUTES", 5)
# Anonymous sockets on the public docket, per client address and process (more are closed with 4429).
HADIR_DOCKET_SOCKETS_PER_ADDRESS = env.integer("HADIR_DOCKET_SOCKETS_PER_ADDRESS", 20)
# The external video service for rooms above the mesh size: "{room}" becomes a per-sitting name.
HADIR_VIDEO_URL_TEMPLATE = env.string("HADIR_VIDEO_URL_TEMPLATE", "")
# Janus (media/): set, every room's audio and video goes through a Janus VideoRoom. Several servers:
# comma-separated, with their admin API URLs in the same order (each sitting goes to the least loaded).
JANUS_URL = env.listing("JANUS_URL", "")
JANUS_ADMIN_URL = env.listing("JANUS_ADMIN_URL", "")
JANUS_API_SECRET = env.string("JANUS_API_SECRET", "")
JANUS_ADMIN_SECRET = env.string("JANUS_ADMIN_SECRET", "")
JANUS_ADMIN_KEY = env.string("JANUS_ADMIN_KEY", "")
# Recordings (media/recording.py): Janus writes each sitting's raw files under this folder, at the
# same path the worker reads (one machine, or a shared mount); the finished file goes beside them.
HADIR_RECORDINGS_DIR = Path(env.string("HADIR_RECORDINGS_DIR", str(VAR_DIR / "recordings"))).resolve()
# Janus's raw files of a finished recording are deleted by the daily purge after this many days.
HADIR_RETENTION_RECORDING_RAW_DAYS = env.integer("HADIR_RETENTION_RECORDING_RAW_DAYS", 30)
# A conversion's time limit (janus-pp-rec and ffmpeg; a three-hour hearing takes a minute or two).
HADIR_RECORDING_CONVERT_SECONDS = env.integer("HADIR_RECORDING_CONVERT_SECONDS", 1800)
# Notifications: a claimed message whose worker is silent this long is claimed again; failures
# retry with doubling waits (from 1 minute, at most 1 hour) up to the attempt limit.
HADIR_NOTIFY_LEASE_SECONDS = env.integer("HADIR_NOTIFY_LEASE_SECONDS", 300)
HADIR_NOTIFY_MAX_ATTEMPTS = env.integer("HADIR_NOTIFY_MAX_ATTEMPTS", 8)
HADIR_NOTIFY_POLL_SECONDS = env.integer("HADIR_NOTIFY_POLL_SECONDS", 3)
# Limits per account (scheduling.limits). "Organisers" are staff, teachers, school administrators
# and court staff; everyone else may invite only people they already share an event with.
HADIR_MAX_REMINDERS = env.integer("HADIR_MAX_REMINDERS", 3)
HADIR_MAX_ATTENDEES = env.integer("HADIR_MAX_ATTENDEES", 20)
HADIR_MAX_ATTENDEES_ORGANISER = env.integer("HADIR_MAX_ATTENDEES_ORGANISER", 2000)
HADIR_MAX_MESSAGES_PER_HOUR = env.integer("HADIR_MAX_MESSAGES_PER_HOUR", 100)
HADIR_MAX_MESSAGES_PER_HOUR_ORGANISER = env.integer("HADIR_MAX_MESSAGES_PER_HOUR_ORGANISER", 5000)
# Staff found schools (classrooms.policies.may_found_school); on: any account may found one and
# so become an organiser (invites anyone, the organisers' limits).
HADIR_SCHOOL_SELF_SERVICE = env.boolean("HADIR_SCHOOL_SELF_SERVICE", False)
