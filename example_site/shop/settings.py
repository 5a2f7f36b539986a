"""Settings of the Lipa & Co. demo shop.

SQLite file ``example_site/db.sqlite3`` by default; ``DATABASE_URL`` selects another database
(e.g. ``postgres://user:pass@localhost/lipa``). Not meant for production as it stands.

DEBUG is off unless ``DJANGO_DEBUG=1``: errors get the shop's 404 and 500 pages, their
tracebacks go to the console. ``python3 dev.py demo`` serves the static files without DEBUG
(``runserver --insecure``) and the shop's URLconf serves the public media.
"""

import os
from pathlib import Path

import dj_database_url

SITE_DIR = Path(__file__).resolve().parent.parent  # example_site/
ROOT_DIR = SITE_DIR.parent  # the repository


def env_flag(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
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
LOCALE_PATHS = [ROOT_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = SITE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or SITE_DIR / "media")

WAGTAIL_SITE_NAME = "Lipa & Co."
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"

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

WAGTAIL_PRIVACY = {
    "SHOP_NAME": "Lipa & Co.",
    "CONTROLLER_NAME": "Lipa d.o.o., Lipova ulica 7, 1000 Ljubljana",
    "CUSTOMER_LANGUAGE": "shop.privacy_hooks.customer_languages",
    # The storefront's privacy centre, linked from emails (e.g. "your export is ready").
    "ACCOUNT_URL": "http://127.0.0.1:8000/storefront/#account",
}
