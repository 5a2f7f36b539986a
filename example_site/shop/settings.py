"""Settings of the Lipa & Co. demo shop.

Embedded by default: SQLite file ``example_site/db.sqlite3``, a per-process memory cache, tasks
queued in the database (``db_worker``), files on disk. The production parts are read from the
environment, each on its own (see the README's "Scaling out"):

``DATABASE_URL``      another database, e.g. ``postgres://user:pass@localhost/lipa``
``REDIS_URL``         e.g. ``redis://127.0.0.1:6379/0``: the cache (Django's ``RedisCache``),
                      sessions (``cached_db``) and the task queue (RQ, ``manage.py rqworker``)
``S3_BUCKET``         files in S3 (django-storages), with ``S3_ENDPOINT_URL``,
                      ``S3_ACCESS_KEY_ID``, ``S3_SECRET_ACCESS_KEY``, ``S3_REGION`` and
                      ``S3_PRIVATE_BUCKET`` (export archives; default: ``S3_BUCKET``)
``EMAIL_HOST``        send emails over SMTP (``EMAIL_PORT``, ``EMAIL_HOST_USER``,
                      ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``) instead of printing them

DEBUG is off unless ``DJANGO_DEBUG=1``: errors get the shop's 404 and 500 pages, their
tracebacks go to the console. The shop's URLconf serves the static files without DEBUG (for
``runserver`` and gunicorn alike) and, with files on disk, the public media.
"""

import os
from pathlib import Path

import dj_database_url

SITE_DIR = Path(__file__).resolve().parent.parent  # example_site/


def env_flag(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-not-secret-lipa-and-co")
DEBUG = env_flag("DJANGO_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
USE_TZ = True
TIME_ZONE = "Europe/Ljubljana"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SITE_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the task worker and privacy_tick share the file. WAL: readers do not wait
    # for the writer; IMMEDIATE: take the write lock up front; timeout: wait that many seconds
    # for it. Options given in a sqlite:// DATABASE_URL's query string win.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 60,
        **DATABASES["default"].get("OPTIONS", {}),
    }
else:
    # A server database: each web or task process keeps its connection for a minute instead
    # of opening one per request, and checks it before reusing it.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "shop",
    "wagtail_privacy",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.api.v2",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_otp",  # step-up verification (one-time codes) before exports
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_email",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API docs' Swagger UI, served from the static files
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Customers sign in with their email address or their username (see shop/auth.py).
AUTHENTICATION_BACKENDS = ["shop.auth.EmailOrUsernameBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/storefront/#account"
LOGOUT_REDIRECT_URL = "/storefront/#account"

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sl", "Slovenščina"), ("sq", "Shqip"), ("hr", "Hrvatski")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
USE_I18N = True
# The shop's catalogs (shop/locale) and the package's come with their apps: no LOCALE_PATHS.

STATIC_URL = "/static/"
STATIC_ROOT = SITE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or SITE_DIR / "media")

WAGTAIL_SITE_NAME = "Lipa & Co."
# Where the shop is served, for links in emails and in the admin.
BASE_URL = os.environ.get("DJANGO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
# The demo runs offline: Wagtail's own avatar image, not Gravatar's.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Emails are printed to the console unless an SMTP server is named.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "Lipa & Co. <hello@lipa-co.example>"

# DEBUG or not, errors (with their tracebacks) are logged to the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Background work is queued in the database; run ``manage.py db_worker`` to process it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# ------------------------------------------------------------------------------------------
# Redis: one cache for every process (the acceptance gate flips in all of them at once),
# sessions, and the task queue. Unset: a memory cache per process and the database queue.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lipa",
        }
    }
    # Sessions are read from Redis (no query per request) and written through to the
    # database, so that a Redis restart or eviction signs nobody out, and every process reads
    # the same session the moment it is saved.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # Tasks go to Redis; ``manage.py rqworker --job-class django_tasks_rq.Job default`` runs
    # them. An export or a notice fan-out may run long: an hour before RQ gives up on a job.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
else:
    # One web process (the demo): its memory cache holds the step-up throttle exactly, so
    # the warning for several workers sharing none does not apply.
    SILENCED_SYSTEM_CHECKS = ["wagtail_privacy.W003"]

# ------------------------------------------------------------------------------------------
# S3 (django-storages): uploads and policy PDFs in S3_BUCKET, export archives under exports/
# in S3_PRIVATE_BUCKET. Both stay private: PDFs and exports are served by the package's views
# (exports to their owner only), so no object needs to be public. Unset: files on disk.
S3_BUCKET = os.environ.get("S3_BUCKET", "").strip()
if S3_BUCKET:
    S3_OPTIONS = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        "default_acl": "private",
        "querystring_auth": True,  # any URL the storage gives out is signed and expires
        "file_overwrite": False,
    }
    STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        # The package's private storage (EXPORT_STORAGE): customers' data exports.
        "wagtail_privacy_private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **S3_OPTIONS,
                "bucket_name": os.environ.get("S3_PRIVATE_BUCKET") or S3_BUCKET,
                "location": "exports/",
            },
        },
    }

WAGTAIL_PRIVACY = {
    "SHOP_NAME": "Lipa & Co.",
    "CONTROLLER_NAME": "Lipa d.o.o., Lipova ulica 7, 1000 Ljubljana",
    # The Art. 15 information (GET /api/privacy/v1/me/information/ and every export).
    "CONTROLLER_CONTACT": "zasebnost@lipa.example, Lipova ulica 7, 1000 Ljubljana",
    "SUPERVISORY_AUTHORITY": {
        "name": "Informacijski pooblaščenec",
        "address": "Dunajska cesta 22, 1000 Ljubljana",
        "email": "gp.ip@ip-rs.si",
        "url": "https://www.ip-rs.si/",
    },
    "TRANSFERS": "None: your data stays within the European Economic Area.",
    "HOST": "shop.privacy_hooks.ShopHost",
    # The storefront's privacy centre, linked from emails (e.g. "your export is ready").
    "ACCOUNT_URL": f"{BASE_URL}/storefront/#account",
    # Customers who have neither accepted nor declined a major change hear again a week and
    # a day before it takes effect.
    "ACCEPTANCE_REMINDER_DAYS": (7, 1),
}
if os.environ.get("DEMO_NOTICE_DAYS"):
    # Days of notice before a major change; tests set 0 to watch a change take effect.
    WAGTAIL_PRIVACY["NOTICE_DAYS"] = env_int("DEMO_NOTICE_DAYS", 10)
