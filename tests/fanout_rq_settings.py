"""Settings of the RQ task workers that ``tests/notices/test_fanout_workers.py`` starts.

The test project's settings, plus: the test's database, the RQ task backend on the test's
Redis database, and Django's SMTP backend pointed at the test's SMTP sink, all read from
``FANOUT_WORKERS_*`` environment variables that the test sets.
"""

import os

import dj_database_url

from tests import settings as base

globals().update({name: getattr(base, name) for name in dir(base) if name.isupper()})

DATABASES = {"default": dj_database_url.parse(os.environ["FANOUT_WORKERS_DATABASE_URL"])}
INSTALLED_APPS = [*base.INSTALLED_APPS, "django_rq", "django_tasks_rq"]
RQ_QUEUES = {"default": {"URL": os.environ["FANOUT_WORKERS_REDIS_URL"], "DEFAULT_TIMEOUT": 600}}
TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["FANOUT_WORKERS_SMTP_PORT"])
EMAIL_TIMEOUT = 30
WAGTAIL_PRIVACY = {
    **base.WAGTAIL_PRIVACY,
    "NOTICE_BATCH_SIZE": int(os.environ.get("FANOUT_WORKERS_BATCH_SIZE") or 500),
}
