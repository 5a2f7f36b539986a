"""Counting requests per key in a window, in the cache every worker shares (``THROTTLE_CACHE``).

Keys are hashed: a cache server's logs may show them, never an address or an IP itself.
"""

import hashlib

from django.core.cache import caches

from .conf import privacy_settings


def digest(value):
    return hashlib.sha256(str(value or "").encode()).hexdigest()[:32]


def hit(prefix, value, limit, window):
    """Count one request under ``prefix`` and ``value``; True when it is over ``limit`` for
    the ``window`` (seconds) that started with the first one."""
    store = caches[privacy_settings.THROTTLE_CACHE]
    key = f"{prefix}:{digest(value)}"
    store.add(key, 0, window)
    try:
        count = store.incr(key)
    except ValueError:  # expired between the two calls
        store.set(key, 1, window)
        count = 1
    return count > limit
