"""Settings of the worker processes that ``test_throttle_across_processes.py`` starts.

The test project's settings, plus: the test's database (``THROTTLE_WORKERS_DATABASE``, the
parent's connection settings as JSON), a shared Redis cache for the step-up throttle only
(``THROTTLE_CACHE``; the default cache stays a memory cache of each process), and emailed codes
without django-otp's own back-off, so that only the package's throttle stops wrong codes.
"""

import json
import os

from tests import settings as base

globals().update({name: getattr(base, name) for name in dir(base) if name.isupper()})

DATABASES = {"default": json.loads(os.environ["THROTTLE_WORKERS_DATABASE"])}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Both workers write the device row (django-otp counts failures): wait for the lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["THROTTLE_WORKERS_REDIS_URL"],
        "KEY_PREFIX": os.environ["THROTTLE_WORKERS_KEY_PREFIX"],
    },
}
OTP_EMAIL_THROTTLE_FACTOR = 0
WAGTAIL_PRIVACY = {
    **base.WAGTAIL_PRIVACY,
    "THROTTLE_CACHE": "throttle",
    "STEP_UP_MAX_ATTEMPTS": int(os.environ["THROTTLE_WORKERS_MAX_ATTEMPTS"]),
}
