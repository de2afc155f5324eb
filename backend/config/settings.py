"""Settings, read from the environment in this one place.

Embedded defaults (SQLite, a local storage folder, a SQLite Celery broker, MLflow's SQLite
store) live under VAR_DIR so `make run` needs no services; setting DATABASE_URL,
CELERY_BROKER_URL, MLFLOW_TRACKING_URI switches to real services. `.env.example` lists all.
"""
import os
import secrets
from pathlib import Path

import dj_database_url
from botocore.config import Config as BotoConfig
from kombu import Queue

from .private_dir import private_dir_prepare

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("HITL_VAR_DIR", REPO_DIR / "var")).resolve()
# Owner-only from here on (umask 077, VAR_DIR 0700): the database, stored items and secrets live under it.
private_dir_prepare(VAR_DIR)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def secret_from_env_or_file(name: str) -> str:
    """A secret from the environment, else one generated once per install under VAR_DIR.

    Never a fixed default: every install gets its own random value, kept readable by the owner only.
    """
    if os.environ.get(name):
        return os.environ[name]
    path = VAR_DIR / "secrets" / name.lower()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = secret_from_env_or_file("DJANGO_SECRET_KEY")
AUDIT_HMAC_KEY = secret_from_env_or_file("AUDIT_HMAC_KEY")
# Wraps the per-subject content keys (apps.privacy.sealing). Losing it loses every sealed text and image: back it up
# with the other secrets, apart from the database (docs/operations.md).
SUBJECT_KEK = secret_from_env_or_file("SUBJECT_KEK")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# The web app logs in with a session cookie (never a token in the browser's storage). The session cookie is
# out of scripts' reach; the CSRF cookie is not (the app echoes it in X-CSRFToken). Secure cookies need HTTPS.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 12 * 3600))
# API tokens (apps.accounts.tokens) live as long as a web session: a working day, so a leaked token is worth half a
# day at most, and a script that runs longer logs in again (every login is a new token). Never extended by use.
TOKEN_TTL = int(os.environ.get("TOKEN_TTL", 12 * 3600))
# Login throttling (apps.accounts.throttle) of the token, session and admin logins: attempts that did not succeed, per
# account (the username tried) and per client address, in fixed windows; past a limit, 429 with Retry-After.
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", 900))
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", 10))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", 50))
# Proxies in front of the backend that append to X-Forwarded-For (compose: 1, the frontend's nginx). 0: REMOTE_ADDR.
LOGIN_TRUSTED_PROXIES = int(os.environ.get("LOGIN_TRUSTED_PROXIES", 0))
# The cache every process shares (the login counters): Redis when CACHE_URL is set (compose; required with several
# hosts), else files under VAR_DIR (the processes of one host, e.g. make run's gunicorn workers). Never per-process.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
    "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hitl"),  # installations sharing one Redis keep apart
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
} if CACHE_URL else {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache"),
    "OPTIONS": {"MAX_ENTRIES": 20000},  # Django's default 300 would evict counters under a spray of names
}}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
# HTTPS (`manage.py check --deploy`): on in docker-compose.yml, off by default so that `make run` works on
# http://127.0.0.1. Behind a TLS-terminating proxy, DJANGO_SECURE_PROXY_SSL_HEADER=true trusts its X-Forwarded-Proto;
# only set it when that proxy overwrites the header (otherwise a client could claim HTTPS for its own request).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]  # container healthchecks probe plain HTTP inside the network
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preload asks browsers to hard-code the domain as HTTPS-only (hstspreload.org): the domain owner's decision, so
# opt-in, and its reminder (security.W021) is silenced while it is off.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

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
    "apps.core",
    "apps.audit",
    "apps.accounts",
    "apps.projects",
    "apps.items",
    "apps.training",
    "apps.predictions",
    "apps.feedback",
    "apps.demo",
    "apps.transfer",
    "apps.monitoring",
    "apps.privacy",
]

MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "apps.core.uploads.RequestSizeLimitMiddleware",  # a body over UPLOAD_MAX_REQUEST_BYTES: 413 before it is read
    "apps.core.middleware.ServiceUnavailableMiddleware",
    "apps.core.strings.QueryStringMiddleware",  # NUL in a query string: 400, never a database error
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), conn_max_age=60,
        # A persistent connection is pinged before a request reuses it, so a restarted PostgreSQL costs one
        # reconnect instead of one failed request per stale connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Fail fast while the database is away (the request gets a 503, apps.core.exceptions) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", 3))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers queue
    # instead of failing half-way; the audit chain relies on this to never fork on SQLite.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not :memory:, so a Celery worker process in the tests sees the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# The web app: the Vite build (index.html, assets/ with hashed names) served at / by WhiteNoise, with client-side
# routes answered by apps.core.spa.spa_index. WhiteNoise lists the files once at startup; a build made later is
# still served, through spa_index.
FRONTEND_DIST = Path(os.environ.get("FRONTEND_DIST", REPO_DIR / "frontend" / "dist")).resolve()
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.is_dir() else None
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/assets/.+-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$"  # Vite's [name]-[hash][extname]


def _frontend_headers(headers, path: str, url: str) -> None:
    if url == "/index.html":  # the entry page names the current build's assets: always revalidate it
        headers["Cache-Control"] = "no-cache"


WHITENOISE_ADD_HEADERS_FUNCTION = _frontend_headers

STORAGE_ROOT = Path(os.environ.get("STORAGE_ROOT", VAR_DIR / "storage"))
# Django's FileSystemStorage (stored items, collected static files) would chmod what it writes to 0644 / 0755.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
S3_BUCKET = os.environ.get("S3_BUCKET", "")
# Bounded: an unreachable endpoint is an error (503, apps.core.exceptions) within seconds, not after boto's
# default 60 s connect timeout and retries.
S3_CLIENT_CONFIG = BotoConfig(connect_timeout=float(os.environ.get("S3_CONNECT_TIMEOUT", 3)),
                              read_timeout=float(os.environ.get("S3_READ_TIMEOUT", 10)),
                              retries={"max_attempts": int(os.environ.get("S3_MAX_ATTEMPTS", 2)), "mode": "standard"},
                              s3={"addressing_style": "path"})
if S3_BUCKET:
    # Object storage (S3 / MinIO). Objects stay private: clients get bytes through the API only.
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "addressing_style": "path",
            "client_config": S3_CLIENT_CONFIG,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": STORAGE_ROOT}}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.TokenAuthentication",
        "apps.accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.exceptions.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    # DRF's parsers, refusing strings no database can store (NUL, lone surrogates) with a 400 naming the field.
    "DEFAULT_PARSER_CLASSES": ["apps.core.strings.JSONParser", "apps.core.strings.FormParser",
                               "apps.core.strings.MultiPartParser"],
    "PAGE_SIZE": 50,
    # `?format=` names an export format (yolo, coco, ...), not a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Human-in-the-loop ML platform API",
    "DESCRIPTION": "Predict, correct, retrain, gate, promote, roll back, and prove it (audit chain).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI served from this install, not a CDN: the platform must work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The web app's typed client is generated from this schema: request and response components are
    # separate (required, read-only and non-blank fields are then exact), names are stable, and every
    # operation documents its 4xx answers (apps.core.schema.errors_document).
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "apps.training.models.RunStatus",  # the same values as predictions' BatchStatus
        "ModelStatusEnum": "apps.training.models.ModelStatus",
        "QueueStrategyEnum": "apps.projects.models.QueueStrategy",  # the setting and the queue page's `strategy`
        "RoleEnum": "apps.accounts.roles.Role",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "apps.core.schema.errors_document"],
    # <id:...> in URLs (apps.core.limits.IdConverter): a primary key within the database's range.
    # A project slug in a path: what Django's <slug:> matches, no longer than Project.slug.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                                 "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 64}},
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite'}")
# Two queues, so that predictions' batches, queue scoring and checks never wait behind a training run: training.*
# goes to the training queue, everything else to the default one. A worker consumes one or both (`-Q a,b`).
# The training queue's name follows the default one (tests give every session its own pair).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "default")
CELERY_TRAINING_QUEUE = os.environ.get("CELERY_TRAINING_QUEUE") or (
    f"{os.environ['CELERY_QUEUE']}-training" if os.environ.get("CELERY_QUEUE") else "training")
# A worker started without -Q consumes both (make run's single worker); -Q picks one.
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(CELERY_TRAINING_QUEUE))
CELERY_TASK_ROUTES = {"training.retrain_check": {"queue": CELERY_TASK_DEFAULT_QUEUE},  # quick checks, not training
                      "training.reap_stale_runs": {"queue": CELERY_TASK_DEFAULT_QUEUE},
                      "training.*": {"queue": CELERY_TRAINING_QUEUE}}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker process dies (SIGKILL, OOM) goes back to the queue instead of being acknowledged as done;
# training runs also have a heartbeat and a reaper (TRAINING_STALE_SECONDS) for a whole worker that is gone.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Bounded waits on the broker: a request that queues work while Redis is down is answered within seconds
# (the work waits in the outbox, apps.core.outbox), never after kombu's default retries.
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", 2))
# Redis takes a socket timeout; the embedded SQLAlchemy broker (make run) passes options to create_engine, which
# refuses unknown ones, so it gets none.
CELERY_BROKER_TRANSPORT_OPTIONS = ({"socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT}
                                   if CELERY_BROKER_URL.startswith(("redis", "rediss")) else {})
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queue scoring (apps/predictions/scoring.py): one job scores at most a window of the unanswered pool, in chunks.
QUEUE_SCORE_WINDOW_TEXT = int(os.environ.get("QUEUE_SCORE_WINDOW_TEXT", 20000))
QUEUE_SCORE_WINDOW_IMAGES = int(os.environ.get("QUEUE_SCORE_WINDOW_IMAGES", 500))
QUEUE_SCORE_CHUNK_TEXT = int(os.environ.get("QUEUE_SCORE_CHUNK_TEXT", 1000))
QUEUE_SCORE_CHUNK_IMAGES = int(os.environ.get("QUEUE_SCORE_CHUNK_IMAGES", 16))
# Celery beat (`make run` runs it inside its worker; compose has a `beat` service) rotates every project's scoring
# window this often, so pools larger than a window catch up with a new champion unattended. 0 turns it off.
QUEUE_ROTATION_SECONDS = int(os.environ.get("QUEUE_ROTATION_SECONDS", 900))
CELERY_BEAT_SCHEDULE = ({"queue-rotation": {"task": "predictions.rotate_queues",
                                            "schedule": float(QUEUE_ROTATION_SECONDS)}}
                        if QUEUE_ROTATION_SECONDS > 0 else {})
# The outbox (apps.core.outbox): work requested while the broker was down is sent when it is back, by beat every
# OUTBOX_FLUSH_SECONDS and by the next request; one flush sends at most OUTBOX_FLUSH_BATCH messages.
READYZ_TIMEOUT = float(os.environ.get("READYZ_TIMEOUT", 5))  # /readyz answers within this, whatever is down
OUTBOX_FLUSH_SECONDS = float(os.environ.get("OUTBOX_FLUSH_SECONDS", 30))
OUTBOX_FLUSH_BATCH = int(os.environ.get("OUTBOX_FLUSH_BATCH", 100))
OUTBOX_RETRY_AFTER_SECONDS = float(os.environ.get("OUTBOX_RETRY_AFTER_SECONDS", 5))  # a request's flush after a failure
# A running training run's tasks refresh its heartbeat every TRAINING_HEARTBEAT_SECONDS; beat's reaper fails a run
# whose heartbeat is older than TRAINING_STALE_SECONDS (its worker was killed), every TRAINING_REAPER_SECONDS.
TRAINING_HEARTBEAT_SECONDS = float(os.environ.get("TRAINING_HEARTBEAT_SECONDS", 15))
TRAINING_STALE_SECONDS = float(os.environ.get("TRAINING_STALE_SECONDS", 600))
TRAINING_REAPER_SECONDS = float(os.environ.get("TRAINING_REAPER_SECONDS", 60))
TRAINING_MAX_DELIVERIES = int(os.environ.get("TRAINING_MAX_DELIVERIES", 5))  # a task that keeps killing its worker
RETENTION_BATCH = int(os.environ.get("RETENTION_BATCH", 1000))  # items purged per transaction (apps.privacy.retention)
# AI Act Art. 19(1), 26(6): prediction and audit logs are kept at least this long (six months); no purge or project
# setting goes below it (apps.privacy.log_retention). LOG_PURGE_BATCH: prediction rows deleted per transaction.
LOG_RETENTION_FLOOR_DAYS = int(os.environ.get("LOG_RETENTION_FLOOR_DAYS", 183))
LOG_PURGE_BATCH = int(os.environ.get("LOG_PURGE_BATCH", 5000))
CELERY_BEAT_SCHEDULE |= {
    "outbox-flush": {"task": "core.outbox_flush", "schedule": OUTBOX_FLUSH_SECONDS},
    "training-reaper": {"task": "training.reap_stale_runs", "schedule": TRAINING_REAPER_SECONDS},
    "privacy-erasure-cleanup": {"task": "privacy.erasure_cleanup_pending", "schedule": 900.0},
    "monitoring-check": {"task": "monitoring.check_all", "schedule": 3600.0},  # post-market monitoring flags
    "privacy-retention-purge": {"task": "privacy.retention_purge", "schedule": 86400.0},  # GDPR Art. 5(1)(e)
    "privacy-logs-purge": {"task": "privacy.logs_purge", "schedule": 86400.0},  # AI Act Art. 19, 26(6)
}

MLFLOW_TRACKING_URI = os.environ.get("MLFLOW_TRACKING_URI", f"sqlite:///{VAR_DIR / 'mlflow' / 'mlflow.db'}")
# Where people open the MLflow UI in a browser (make run: its local UI; compose: the published port). Model
# versions link their run there; empty = no link (the tracking URI may be a database or an internal host).
MLFLOW_UI_URL = os.environ.get("MLFLOW_UI_URL", "").rstrip("/")
MLFLOW_ARTIFACT_ROOT = os.environ.get("MLFLOW_ARTIFACT_ROOT", str(VAR_DIR / "mlflow" / "artifacts"))
PARAMS_FILE = Path(os.environ.get("HITL_PARAMS_FILE", REPO_DIR / "params.yaml"))

IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES  # a JSON import is held to the same limit as a file upload
# Zip imports (yolo, coco_zip) are refused before anything is inflated when they would unpack to more than this
# in all or per member, or hold more entries (ai_models.formats.zips.ZipLimits; 413 with the reason).
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORT_MAX_UNZIPPED_BYTES", 256 * 1024 * 1024))
IMPORT_MAX_MEMBER_BYTES = int(os.environ.get("IMPORT_MAX_MEMBER_BYTES", 32 * 1024 * 1024))
IMPORT_MAX_MEMBERS = int(os.environ.get("IMPORT_MAX_MEMBERS", 20000))
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("UPLOAD_MAX_FILES", 100))
# One request in all (every file of a multipart upload): 413 from Content-Length before reading, and while the
# files stream in (apps.core.uploads). Each file is held to IMAGE_MAX_BYTES (`files` parts) or IMPORT_MAX_BYTES
# as it streams, and spooled to FILE_UPLOAD_TEMP_DIR (owner-only) once the request passes
# FILE_UPLOAD_MAX_MEMORY_SIZE, rather than held in memory.
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("UPLOAD_MAX_REQUEST_BYTES", 64 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024))
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "uploads")
# Made here (owner-only, as all of VAR_DIR): Django's system check (files.E001) refuses to start without it, so
# migrate on a fresh VAR_DIR (make run, compose's first start) would fail.
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_HANDLERS = ["apps.core.uploads.LimitedUploadHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "apps.core.uploads.SpoolingUploadHandler"]
PREDICT_MAX_INPUTS = int(os.environ.get("PREDICT_MAX_INPUTS", 1000))
# The predict fast path (apps.predictions.serving): how long a batch waits for more requests once one is there (0:
# take what queued while the last commit ran), and how many texts one batch may hold.
PREDICT_BATCH_WAIT_MS = float(os.environ.get("PREDICT_BATCH_WAIT_MS", 0))
PREDICT_BATCH_MAX_TEXTS = int(os.environ.get("PREDICT_BATCH_MAX_TEXTS", 4000))
PREDICT_BATCH_THREADS = int(os.environ.get("PREDICT_BATCH_THREADS", 1))  # batches in flight per process
# Threads per web worker process serving the Django part of the API (config.asgi).
WEB_THREADS = int(os.environ.get("WEB_THREADS", 4))
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", 20 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 40_000_000))  # decompression-bomb guard
PREDICT_SYNC_MAX_IMAGES = int(os.environ.get("PREDICT_SYNC_MAX_IMAGES", 8))  # larger image batches go to Celery
TEXT_MAX_CHARS = int(os.environ.get("TEXT_MAX_CHARS", 20000))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"alembic": {"level": "WARNING"}, "mlflow": {"level": "WARNING"}},
}
