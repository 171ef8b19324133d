"""Base settings: everything comes from the environment; SQLite when DATABASE_URL is unset.

Development defaults (DEBUG on, a development secret) are fine on a laptop; the production
module ``cchc.config.production`` refuses them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from cchc.config.env import email_url_settings, env_bool, env_list, env_str, storage_url_settings

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The repository root in a source checkout (src/cchc/config -> repo); var/ holds local state.
BASE_DIR = Path(env_str("CCHC_HOME", str(PACKAGE_DIR.parent.parent)))
VAR_DIR = Path(env_str("CCHC_VAR_DIR", str(BASE_DIR / "var")))

DEV_SECRET_KEY = "cchc-development-only-secret-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "cchc.common",
    "cchc.audit",
    "cchc.outbox",
    "cchc.org",
    "cchc.accounts",
    "cchc.calendars",
    "cchc.catalogue",
    "cchc.dossiers",
    "cchc.feedback",
    "cchc.surveys",
    "cchc.notifications",
    "cchc.integrations",
    "cchc.indicators",
    "cchc.program",
    "cchc.plans",
    "cchc.par",
    "cchc.reporting",
    "cchc.ops",  # issue 17: backup and restore
    "cchc.opendata",  # issue 17 item 7: open data (/du-lieu-mo/, docs/open-data.md)
    "oauth2_provider",  # issue 17 item 8: the partners' OAuth2 clients and tokens (client credentials)
    "cchc.publicapi",  # issue 17 item 8: the public API for partner systems (/api/public/v1/, docs/api-public.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cchc.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # a refusal (cchc.common.errors.DomainError) no page caught: its page and status, never a 500
    "cchc.common.errors.DomainErrorMiddleware",
]

# Who may see and do what on a dossier is the dossiers' policy (cchc.dossiers.policies), not Django
# object permissions: the unused `rules` registrations were removed (issue 13).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "dossiers_web:login"
LOGIN_REDIRECT_URL = "dossiers_web:queue"

ROOT_URLCONF = "cchc.config.urls"
WSGI_APPLICATION = "cchc.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# CONN_HEALTH_CHECKS: a persistent connection (CONN_MAX_AGE) is checked before a request reuses it, so a
# database restart costs the requests that were running at that moment, not the first one of each worker
# afterwards (issue 17 item 5; measured by cchc/common/tests/test_pg_restart.py).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # performance: PostgreSQL's JIT compiler spends seconds compiling the indicator aggregates and the
    # rollup rebuild's statements (measured: a direct computation 9 s with JIT, 0.2 s without, on 20,000
    # dossiers); this workload gains nothing from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# performance: the dossier transitions run their statements as server-side prepared statements
# (cchc.dossiers.executor_db.batch_run). They live in the server session: set CCHC_DB_PREPARED_STATEMENTS=0 behind a
# pooler that shares sessions between clients (PgBouncer in transaction mode). It also turns off Django's
# server-side cursors (QuerySet.iterator() declares a cursor WITH HOLD, which lives in the session too), as
# Django's documentation asks for transaction pooling; psycopg's own prepared statements stay off (Django's
# default prepare_threshold None). Tested through a real PgBouncer: cchc/dossiers/tests/test_pgbouncer.py.
CCHC_DB_PREPARED_STATEMENTS = env_str("CCHC_DB_PREPARED_STATEMENTS", "1").strip().lower() not in ("0", "false", "no")
if not CCHC_DB_PREPARED_STATEMENTS:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# A read replica (issue 17 item 3; docs/deploy.md): a PostgreSQL streaming standby of the primary. The
# dashboards, drill-downs, exports and reports read it when their view opts in (cchc.common.replica) and
# its lag is at most CCHC_REPLICA_MAX_LAG_SECONDS; everything else, and every write, stays on the primary.
# Tests: the alias mirrors the test database (the standby replays it), it is never migrated.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
CCHC_REPLICA_MAX_LAG_SECONDS = float(env_str("CCHC_REPLICA_MAX_LAG_SECONDS", "30"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **DATABASES["replica"].get("OPTIONS", {}),
    }
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS", False)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["cchc.common.dbrouter.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]  # Vietnamese only: see "Language, numbers, e-mail" below
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

# Uploaded dossier components; served only through views that check who may see them.
MEDIA_ROOT = Path(env_str("CCHC_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Every file the platform keeps goes through Django's storage API (issue 17 item 2): "default" holds uploads
# and generated documents, "staticfiles" the assets (hashed and compressed in production). CCHC_STORAGE_URL
# selects the store: unset → the directory MEDIA_ROOT; s3://bucket?endpoint_url=…&region=… → a private
# S3-compatible bucket shared by every application machine (cchc.config.env.storage_url_settings).
CCHC_STORAGE_URL = env_str("CCHC_STORAGE_URL", "")
STORAGES = {
    "default": storage_url_settings(CCHC_STORAGE_URL),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Limits for one uploaded component (bytes) and the whole online submission.
CCHC_UPLOAD_MAX_BYTES = int(env_str("CCHC_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
CCHC_UPLOAD_MAX_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "cchc.common.api.exception_handler",
    # JSON bodies obey DATA_UPLOAD_MAX_MEMORY_SIZE like forms (cchc.common.api.JSONParser)
    "DEFAULT_PARSER_CLASSES": [
        "cchc.common.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CCHC API",
    "DESCRIPTION": "API của nền tảng cải cách hành chính (CCHC).",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # two "status" choice sets in the dossier API: name them instead of a hash suffix
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "cchc.dossiers.constants.DossierStatus",
        "StepStatusEnum": "cchc.dossiers.constants.StepStatus",
    },
    # the public API (/api/public/) has its own document: /api/public/v1/schema/
    "PREPROCESSING_HOOKS": ["cchc.publicapi.schema.exclude_public_endpoints"],
}

# Logs on standard error; LOG_FORMAT=json (the production default, cchc.config.logs) writes one JSON object
# per line with the request id, for a log collector; "text" is the readable form of a laptop.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cchc.config.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "cchc.config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # the font subsetter pyHanko runs for each signature block logs every glyph at INFO
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# /readyz (cchc.config.health): background work older than this is reported as lagging
CCHC_READY_MAX_LAG_S = int(env_str("CCHC_READY_MAX_LAG_S", "300"))

# Background work (Django Tasks API): the database backend by default, run by `cchc db_worker`;
# CCHC_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs tasks in-process.
TASKS = {"default": {"BACKEND": env_str("CCHC_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# E-mail (reminders): printed to the console unless an SMTP host is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cchc@khanhhoa.gov.vn")

# The province this installation serves (GSO code of one of the 34 provinces since 1/7/2025): the one
# `cchc province setup` sets up when no code is given, the scope of agency name resolution, open data's publisher.
CCHC_PROVINCE_CODE = env_str("CCHC_PROVINCE_CODE", "56")
# Real commune boundaries for the dashboards' maps, when a province has them: <dir>/<province code>.geojson
# (features with properties.code). Unset: a schematic drawn from the units' centres (docs/provinces.md «Bản đồ»).
CCHC_MAP_BOUNDARIES_DIR = env_str("CCHC_MAP_BOUNDARIES_DIR", "")

# Annual reform plans: reminders go out for assignments due within this many days; the e-mails link here.
CCHC_PLAN_REMINDER_DAYS = int(env_str("CCHC_PLAN_REMINDER_DAYS", "7"))
CCHC_SITE_URL = env_str("CCHC_SITE_URL", "http://127.0.0.1:8000")  # links in reminder e-mails

# --- Shared cache and brute-force protection of staff logins (issue 12 item 3) -----------------------
# CACHE_URL (e.g. redis://127.0.0.1:6379/0) puts Django's cache on Redis, shared by every process: the
# look-up throttles (cchc.common.throttle) count per installation, not per worker. Unset: the per-process
# local-memory cache (a laptop, the tests); the production settings refuse to start then (issue 17 item 2).
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "cchc"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cchc"}
    )
}
CCHC_REQUIRE_SHARED_CACHE = False  # the production settings require it (and refuse to start without CACHE_URL)
# Sessions (issue 17 item 2) hold the staff login, its second-factor state and idle clock, the citizen's
# VNeID login and the portal's short look-up memory; never a dossier (a dossier is in the database from its
# first save). With a shared cache they are "cached_db": read from Redis (no database query per request),
# written through to the database when they change (login, OTP, the idle clock at most once a minute), so
# a Redis restart or eviction does not log every officer out mid-work nor ask every one for a new OTP code.
# Pure "cache" sessions would save those writes but lose every session with Redis; the database copy is
# the cheap insurance. Expired rows are removed by `cchc clearsessions` (daily, docs/deploy.md). Without a
# shared cache: the database backend (Django's default), which every process shares.
if CACHE_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# django-axes: after AXES_FAILURE_LIMIT wrong passwords a username is locked, and so is a client address
# (each on its own: a guesser changing address or trying many usernames is stopped either way), for
# AXES_COOLOFF_TIME; an administrator unlocks earlier by deleting the attempt in the admin ("Access
# attempts"). Attempts are kept in the database (axes' database handler): shared by every process like the
# cache, listed and unlocked in the admin, kept across a cache restart. It stays on the database when
# CACHE_URL is set (issue 17 item 2): axes' cache handler would forget every lockout and count when Redis
# restarts or evicts keys, and an administrator could neither list nor unlock them; a failed staff login
# is rare enough that its one row costs nothing. Each lockout is an audit event
# (cchc.audit.lockouts). The message is Vietnamese; HTTP 429.
INSTALLED_APPS.append("axes")
AUTHENTICATION_BACKENDS.insert(0, "cchc.common.auth.LockoutBackend")  # axes, see the class
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env_str("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_COOLOFF_MESSAGE = (
    "Đăng nhập tạm bị khóa vì nhập sai mật khẩu quá nhiều lần (tài khoản này hoặc từ địa chỉ này). "
    "Vui lòng thử lại sau, hoặc đề nghị quản trị viên mở khóa."
)
AXES_PERMALOCK_MESSAGE = AXES_COOLOFF_MESSAGE
AXES_VERBOSE = False  # no English start-up banner on every command

# --- Keys of the audit chain (issue 12 item 10; cchc.audit.keys) --------------------------------------
# CCHC_AUDIT_KEYS: "id:secret" pairs, comma-separated (secrets of >= 32 characters), kept outside the
# database; new events use CCHC_AUDIT_KEY_ID (default: the first listed); keep an old key listed while its
# events must verify. CCHC_AUDIT_UNKEYED_UNTIL: the last sequence written before the chain was keyed
# (an existing installation sets it once, to its head at the upgrade); later unkeyed events are refused.
CCHC_AUDIT_KEYS = env_str("CCHC_AUDIT_KEYS", "dev:cchc-development-only-audit-key-do-not-use-in-production")
CCHC_AUDIT_KEY_ID = env_str("CCHC_AUDIT_KEY_ID", "")
CCHC_AUDIT_UNKEYED_UNTIL = int(env_str("CCHC_AUDIT_UNKEYED_UNTIL", "0"))

# --- Content-Security-Policy on every HTML page (issue 12 item 10; cchc.common.csp) --------------------
MIDDLEWARE.insert(1, "cchc.common.csp.ContentSecurityPolicyMiddleware")
# only the platform's own scripts and style sheets; style attributes allowed (bars, ECharts tooltips)
CCHC_CSP = env_str(
    "CCHC_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
# --- Language, numbers, e-mail of the pages people read (issue 12, items 20 and 23) ---------------------
# The interface is written in Vietnamese only, so LANGUAGES holds only "vi": an English browser no longer
# gets Django's own strings (admin, form errors, durations) in English beside Vietnamese text.
# cchc/locale/vi holds the strings Django's `vi` catalogue lacks (durations, password rules).
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Numbers: 1.234,5 (cchc.common.numbers; Django's vi formats with the thousands grouping they lack).
FORMAT_MODULE_PATH = ["cchc.formats"]
# Password reset links (/mot-cua/quen-mat-khau/) stay valid this many seconds (default 1 day).
PASSWORD_RESET_TIMEOUT = int(env_str("CCHC_PASSWORD_RESET_TIMEOUT", str(24 * 3600)))
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Feedback (PAKN): the registry code of the province's unit for controlling administrative procedures,
# which receives and handles feedback for the whole province (NĐ 20/2008/NĐ-CP and NĐ 63/2010/NĐ-CP as
# amended by NĐ 92/2017/NĐ-CP; cchc.feedback.constants.control_agency_code). Default: Văn phòng UBND tỉnh.
CCHC_FEEDBACK_CONTROL_AGENCY = env_str("CCHC_FEEDBACK_CONTROL_AGENCY", "van-phong-ubnd")
# --- The transactional outbox's dispatcher (issue 13 item 6; cchc.outbox, docs/outbox.md) ----------------
# Retries back off exponentially with jitter from BASE to CAP seconds; after MAX_ATTEMPTS a delivery is dead
# (shown in the admin, replayed with `cchc outbox replay`). A handler call longer than HANDLER_TIMEOUT_S
# seconds is interrupted and counts as a failure. BATCH: deliveries claimed per transaction and subscriber.
CCHC_OUTBOX_BACKOFF_BASE_S = float(env_str("CCHC_OUTBOX_BACKOFF_BASE_S", "2"))
CCHC_OUTBOX_BACKOFF_CAP_S = float(env_str("CCHC_OUTBOX_BACKOFF_CAP_S", "3600"))
CCHC_OUTBOX_MAX_ATTEMPTS = int(env_str("CCHC_OUTBOX_MAX_ATTEMPTS", "8"))
CCHC_OUTBOX_HANDLER_TIMEOUT_S = float(env_str("CCHC_OUTBOX_HANDLER_TIMEOUT_S", "30"))
CCHC_OUTBOX_BATCH = int(env_str("CCHC_OUTBOX_BATCH", "500"))
CCHC_OUTBOX_IDLE_SLEEP_S = float(env_str("CCHC_OUTBOX_IDLE_SLEEP_S", "1"))

# --- Notifications to applicants (issue 13 item 7; cchc.notifications, docs/notifications.md) ---------
# E-mail: EMAIL_URL (smtp://user:password@host:587?tls=1, smtps://…:465, console://, file:///dir) sets the
# backend and the SMTP settings above in one variable; without it EMAIL_BACKEND / EMAIL_HOST / EMAIL_PORT /
# EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS apply (default: printed to the console).
EMAIL_URL = env_str("EMAIL_URL", "")
if EMAIL_URL:
    globals().update(email_url_settings(EMAIL_URL))
EMAIL_TIMEOUT = int(env_str("EMAIL_TIMEOUT", "8"))  # seconds: a slow SMTP server never holds a worker long
# SMS and Zalo (cchc.notifications.gateways): a provider URL speaking the HttpGateway protocol (the shipped
# simulator: `cchc notifications sms-simulator --port 8025` → http://127.0.0.1:8025/messages) and its bearer
# token; no URL: the log gateway (the message is logged, and appended to CCHC_NOTIFY_LOG_FILE when set).
CCHC_SMS_GATEWAY_URL = env_str("CCHC_SMS_GATEWAY_URL", "")
CCHC_SMS_GATEWAY_TOKEN = env_str("CCHC_SMS_GATEWAY_TOKEN", "")
CCHC_ZALO_GATEWAY_URL = env_str("CCHC_ZALO_GATEWAY_URL", "")
CCHC_ZALO_GATEWAY_TOKEN = env_str("CCHC_ZALO_GATEWAY_TOKEN", "")
CCHC_GATEWAY_TIMEOUT = float(env_str("CCHC_GATEWAY_TIMEOUT", "4"))  # seconds per attempt
# attempts per message within one delivery (the outbox retries the event later); keep the worst case of one
# event (EMAIL_TIMEOUT + 2 × (RETRIES × TIMEOUT + backoffs)) under CCHC_OUTBOX_HANDLER_TIMEOUT_S (30 s)
CCHC_GATEWAY_RETRIES = int(env_str("CCHC_GATEWAY_RETRIES", "2"))
CCHC_GATEWAY_BACKOFF = float(env_str("CCHC_GATEWAY_BACKOFF", "0.5"))  # seconds, doubled after each attempt
CCHC_NOTIFY_LOG_FILE = env_str("CCHC_NOTIFY_LOG_FILE", "")
# The links in the messages (the portal's look-up page) start with CCHC_SITE_URL (above).

# --- The national systems (issue 14; cchc.integrations, docs/integrations.md) ---------------------------
# One gateway (the national portal's sharing platform) serves the dossier sync, the procedure database and
# the feedback exchange; CCHC_NATIONAL_* apply to all three, CCHC_<DVCQG|CSDL_TTHC|PAKN>_URL overrides one.
# Development and the demo: the shipped simulator (`cchc simulator national`, started by `make run`) at
# http://127.0.0.1:8090. No URL: the adapters are not registered and nothing is sent (production must set it).
CCHC_NATIONAL_URL = env_str("CCHC_NATIONAL_URL", "")
_national = {
    "url": CCHC_NATIONAL_URL,
    "username": env_str("CCHC_NATIONAL_USERNAME", "cchc"),
    "password": env_str("CCHC_NATIONAL_PASSWORD", "cchc-mo-phong"),
    "ca_file": env_str("CCHC_NATIONAL_CA_FILE", ""),  # the CA of the partner's certificate (https)
    "cert_file": env_str("CCHC_NATIONAL_CERT_FILE", ""),  # our client certificate (mutual TLS)
    "key_file": env_str("CCHC_NATIONAL_KEY_FILE", ""),
    "timeout_s": float(env_str("CCHC_NATIONAL_TIMEOUT_S", "5")),
}
# attempts of one delivery to a national system before it is a dead letter (about 10 hours of retries)
CCHC_NATIONAL_MAX_ATTEMPTS = int(env_str("CCHC_NATIONAL_MAX_ATTEMPTS", "20"))
CCHC_PARTNERS = {
    partner: {**_national, "url": env_str(f"CCHC_{partner.upper()}_URL", CCHC_NATIONAL_URL)}
    for partner in ("dvcqg", "csdl_tthc", "pakn")
}

# --- Electronic identity sign-in of citizens and organisations (issue 15 items 1-3; cchc.identity) -----
# An OpenID Connect relying party (mozilla-django-oidc): authorization code + PKCE (S256), state and nonce,
# RS256 ID tokens verified with the provider's JWKS. Citizens are not Django users (request.citizen, see
# cchc.identity): the staff login and AUTHENTICATION_BACKENDS are unchanged. Development and the demo: the
# shipped provider (`cchc identity dev-provider`, started by `make run`) at http://127.0.0.1:8070/o.
# The real provider (VNeID / the national portal's SSO): docs/identity.md.
INSTALLED_APPS.append("cchc.identity")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "cchc.identity.middleware.CitizenMiddleware",
)
OIDC_OP_ISSUER = env_str("CCHC_OIDC_ISSUER", "http://127.0.0.1:8070/o").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("CCHC_OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_ISSUER + "/authorize/")
OIDC_OP_TOKEN_ENDPOINT = env_str("CCHC_OIDC_TOKEN_ENDPOINT", OIDC_OP_ISSUER + "/token/")
OIDC_OP_USER_ENDPOINT = env_str("CCHC_OIDC_USERINFO_ENDPOINT", OIDC_OP_ISSUER + "/userinfo/")
OIDC_OP_JWKS_ENDPOINT = env_str("CCHC_OIDC_JWKS_ENDPOINT", OIDC_OP_ISSUER + "/.well-known/jwks.json")
OIDC_RP_CLIENT_ID = env_str("CCHC_OIDC_CLIENT_ID", "cchc-dich-vu-cong")
OIDC_RP_CLIENT_SECRET = env_str("CCHC_OIDC_CLIENT_SECRET", "cchc-mo-phong-bi-mat")
OIDC_RP_SCOPES = env_str("CCHC_OIDC_SCOPES", "openid profile")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = float(env_str("CCHC_OIDC_TIMEOUT_S", "5"))
OIDC_PROBE_TIMEOUT_S = float(env_str("CCHC_OIDC_PROBE_TIMEOUT_S", "3"))
OIDC_LEEWAY_S = int(env_str("CCHC_OIDC_LEEWAY_S", "30"))
OIDC_VERIFY_SSL = env_str("CCHC_OIDC_CA_FILE", "") or True
OIDC_AUTHENTICATION_CALLBACK_URL = "identity:callback"
OIDC_REDIRECT_ALLOWED_HOSTS: list[str] = []
# the provider's claim names (CCHC_OIDC_CLAIMS="id_number=so_dinh_danh,level=muc_do_dinh_danh,..."):
# kind, id_number, name, birth_date, level, tax_code, organisation_name (defaults: cchc.identity.claims)
CCHC_OIDC_CLAIMS = dict(item.split("=", 1) for item in env_list("CCHC_OIDC_CLAIMS", []) if "=" in item)

# --- Issue 15 items 5-6 (helper h-staff): electronic receipts; staff second factor ------------------------
# Receipts (cchc.receipts, docs/receipts.md). AUTO_SERIES: an agency without a series for the year gets one
# with the placeholder symbols below (development, tests, the demo); production sets it off and enters the
# symbols each agency registered with the tax authority.
INSTALLED_APPS.append("cchc.receipts")
CCHC_RECEIPTS_AUTO_SERIES = env_bool("CCHC_RECEIPTS_AUTO_SERIES", True)
CCHC_RECEIPTS_FORM_SYMBOL = env_str("CCHC_RECEIPTS_FORM_SYMBOL", "01BLP0-001")
CCHC_RECEIPTS_SYMBOL = env_str("CCHC_RECEIPTS_SYMBOL", "CC-{yy}E")  # {yy}: the year's two last digits
# Second factor (cchc.accounts.otp, docs/staff-security.md): TOTP (django-otp) and recovery codes, required
# for the roles listed (and superusers when CCHC_OTP_REQUIRE_SUPERUSER); staff sessions end after
# CCHC_STAFF_IDLE_MINUTES without a request.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "cchc.accounts.otp"]
MIDDLEWARE += ["django_otp.middleware.OTPMiddleware", "cchc.accounts.otp.middleware.StaffSessionMiddleware"]
CCHC_OTP_REQUIRED_ROLES = env_list("CCHC_OTP_REQUIRED_ROLES", ["leader"])
CCHC_OTP_REQUIRE_SUPERUSER = env_bool("CCHC_OTP_REQUIRE_SUPERUSER", False)
CCHC_STAFF_IDLE_MINUTES = int(env_str("CCHC_STAFF_IDLE_MINUTES", "30"))
OTP_TOTP_ISSUER = "CCHC Khánh Hòa"
# the API authenticates by the session only (DRF's default Basic authentication would skip the second factor)
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = ["rest_framework.authentication.SessionAuthentication"]
# --- end of issue 15 items 5-6 ----------------------------------------------------------------------------

# --- Online payment (issue 15 part 4; cchc.payments, docs/payments.md) ----------------------------------
# The gateway (VNPay 2.1.0). Development and the tests: the shipped simulator (`cchc payments
# gateway-simulator`, started by `make run`) at http://127.0.0.1:8027 with the development merchant code
# and secret below; production sets the addresses, the merchant code and the secret VNPay issued.
INSTALLED_APPS.append("cchc.payments")
_payments_gateway_url = env_str("CCHC_PAYMENT_GATEWAY_URL", "http://127.0.0.1:8027").rstrip("/")
CCHC_PAYMENTS = {
    "gateway": env_str("CCHC_PAYMENT_GATEWAY", "vnpay"),
    "order_minutes": int(env_str("CCHC_PAYMENT_ORDER_MINUTES", "15")),  # vnp_ExpireDate after creation
    "expiry_grace_minutes": int(env_str("CCHC_PAYMENT_EXPIRY_GRACE_MINUTES", "5")),
    "vnpay": {
        "pay_url": env_str("CCHC_VNPAY_PAY_URL", _payments_gateway_url + "/paymentv2/vpcpay.html"),
        "api_url": env_str("CCHC_VNPAY_API_URL", _payments_gateway_url + "/merchant_webapi/api/transaction"),
        "tmn_code": env_str("CCHC_VNPAY_TMN_CODE", "CCHCKH01"),
        "hash_secret": env_str("CCHC_VNPAY_HASH_SECRET", "cchc-mo-phong-vnpay-secret"),
        "timeout_s": float(env_str("CCHC_VNPAY_TIMEOUT_S", "10")),
    },
}

# --- Signed electronic results (issue 16 items 1-2; cchc.signing, docs/digital.md) -------------------------
# CCHC_SIGNING_DIR holds the certificates and keys: a development province root CA and one signing
# certificate per agency (`cchc signing setup`); production puts there the files the agencies' CA issued
# (or a PKCS#11 token / remote signing service replaces the local signer: CCHC_SIGNER). The verifier trusts
# the roots in CCHC_SIGNING_TRUST_ROOTS (PEM files; default: the development root in CCHC_SIGNING_DIR).
INSTALLED_APPS.append("cchc.signing")
# --- The data store (issue 16 items 3-5, 7; cchc.records, docs/digital.md) ------------------------------------
INSTALLED_APPS.append("cchc.records")
CCHC_SIGNING_DIR = Path(env_str("CCHC_SIGNING_DIR", str(VAR_DIR / "signing")))
CCHC_SIGNER = env_str("CCHC_SIGNER", "local")
CCHC_SIGNING_TRUST_ROOTS = [p for p in env_str("CCHC_SIGNING_TRUST_ROOTS", "").split(",") if p.strip()]
CCHC_SIGNING_P12_PASSPHRASE = env_str("CCHC_SIGNING_P12_PASSPHRASE", "")
# an RFC 3161 time-stamping authority: set, signatures are PAdES B-T (empty: B-B); `make run` starts the
# development one (`cchc signing tsa-simulator`, cchc.signing.tsa) and sets it
CCHC_TSA_URL = env_str("CCHC_TSA_URL", "")

# --- The public API for partner systems (issue 17 item 8; cchc.publicapi, docs/api-public.md) -------------
# django-oauth-toolkit as the authorization server of the client-credentials grant only (RFC 6749 §4.4):
# one Application per partner system (`cchc publicapi client create`), granted some of the scopes below
# (cchc.publicapi.scopes); access tokens live CCHC_PUBLICAPI_TOKEN_SECONDS (default 15 minutes), no refresh
# tokens. The development identity provider (cchc.identity.provider) is another process with its own
# settings and database: nothing here reaches it.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": {
        "catalogue:read": "Đọc danh mục thủ tục hành chính",
        "dossiers:status": "Tra cứu tình trạng hồ sơ",
        "opendata:read": "Đọc dữ liệu mở",
    },
    "DEFAULT_SCOPES": ["__all__"],
    "SCOPES_BACKEND_CLASS": "cchc.publicapi.scopes.PartnerScopes",
    "OAUTH2_VALIDATOR_CLASS": "cchc.publicapi.validator.PartnerValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(env_str("CCHC_PUBLICAPI_TOKEN_SECONDS", "900")),
    "ERROR_RESPONSE_WITH_SCOPES": True,
    "PKCE_REQUIRED": True,
}
# failed dossier look-ups allowed per partner client within the portal's window (cchc.dossiers.lookups: 15
# minutes); a partner asks for many applicants, so its budget is larger than one address's (10)
CCHC_PUBLICAPI_LOOKUP_LIMIT = int(env_str("CCHC_PUBLICAPI_LOOKUP_LIMIT", "100"))
# failed token requests (a wrong client_id or client_secret) allowed per client address within 15 minutes: the
# secret cannot be guessed by trying (cchc.publicapi.views.TokenView)
CCHC_PUBLICAPI_TOKEN_FAILURE_LIMIT = int(env_str("CCHC_PUBLICAPI_TOKEN_FAILURE_LIMIT", "20"))
