"""System checks that reach the services a scaled-out site depends on: Redis and S3.

A Redis or an S3 bucket that is missing or unreachable should stop a deployment at
``manage.py check`` (which ``check --deploy`` and ``runserver`` run too), with a message that
names the service and the setting, rather than surface as a traceback at the first request.
Each check does one round trip with short timeouts, on a connection of its own that it closes
(never the pool the site uses), and does nothing for services the settings do not use:

- a cache of ``CACHES`` whose backend is Django's ``RedisCache``: ``PING`` every server;
- a backend of ``TASKS`` that is django-tasks-rq's ``RQBackend``: ``PING`` the Redis of each
  of its queues (``RQ_QUEUES``);
- the storages the package writes to (``PDF_STORAGE``, ``EXPORT_STORAGE``) when they are
  django-storages' S3 storage: ``HeadBucket``.

They are registered under the tag ``services``: ``manage.py check --tag services`` runs only
them.
"""

import re

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from .conf import privacy_settings

TAG = "services"
#: Seconds to connect, and to wait for an answer, before a service counts as unreachable.
TIMEOUT = 3.0

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
RQ_BACKEND = "django_tasks_rq.backend.RQBackend"
S3_STORAGE = "storages.backends.s3.S3Storage"


def _is(path, expected):
    """Whether the class at dotted ``path`` is (a subclass of) the one at ``expected``."""
    try:
        cls, base = import_string(path), import_string(expected)
    except ImportError:
        return False
    return isinstance(cls, type) and issubclass(cls, base)


def _safe_url(url):
    """``url`` without its password, for messages."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", str(url))


def _describe(error):
    return f"{type(error).__name__}: {str(error).rstrip('.')}"


def _redis_problem(pool):
    """Why the Redis server of connection ``pool`` does not answer ``PING``, or ``""``.

    Asked on a pool of its own with the same connection settings, short timeouts and no
    retries, so that a server that does not answer costs at most ``TIMEOUT`` seconds.
    """
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    kwargs = {
        **pool.connection_kwargs,
        "socket_connect_timeout": TIMEOUT,
        "socket_timeout": TIMEOUT,
        "retry_on_timeout": False,
        "retry": Retry(NoBackoff(), 0),
    }
    try:
        own = type(pool)(connection_class=pool.connection_class, max_connections=1, **kwargs)
    except TypeError:  # a pool that needs more than connection settings (Sentinel)
        own = None
    client = redis.Redis(connection_pool=own or pool, retry=Retry(NoBackoff(), 0))
    try:
        client.ping()
    except redis.exceptions.AuthenticationError as error:
        return f"it refused the credentials ({error})"
    except (redis.exceptions.RedisError, OSError) as error:
        return _describe(error)
    finally:
        if own is not None:
            own.disconnect()
    return ""


def _where(connection_kwargs):
    if connection_kwargs.get("path"):
        return connection_kwargs["path"]
    host = connection_kwargs.get("host", "localhost")
    return f"{host}:{connection_kwargs.get('port', 6379)}/{connection_kwargs.get('db', 0)}"


@register(TAG)
def check_redis_caches(app_configs=None, **kwargs):
    """Every server of every ``RedisCache`` answers."""
    problems = []
    for alias, config in getattr(settings, "CACHES", {}).items():
        if not _is(config.get("BACKEND", ""), REDIS_CACHE):
            continue
        import redis

        location = config.get("LOCATION", "")
        servers = re.split("[;,]", location) if isinstance(location, str) else list(location)
        # What Django's RedisCache passes on to the connection pool.
        options = dict(config.get("OPTIONS", {}))
        for name in ("serializer", "parser_class", "pool_class"):
            options.pop(name, None)
        for url in filter(None, (server.strip() for server in servers)):
            try:
                pool = redis.ConnectionPool.from_url(url, **options)
            except (ValueError, TypeError) as error:
                problems.append(
                    Error(
                        f"CACHES[{alias!r}] names a Redis server that is not a valid URL: "
                        f"{_safe_url(url)} ({error}).",
                        id="wagtail_privacy.E101",
                    )
                )
                continue
            why = _redis_problem(pool)
            if why:
                problems.append(
                    Error(
                        f"The Redis server of CACHES[{alias!r}] at {_safe_url(url)} does not "
                        f"answer: {why}.",
                        hint="Start Redis, or correct the cache's LOCATION (REDIS_URL in the "
                        "example site). Sessions and throttles use this cache on every request.",
                        id="wagtail_privacy.E102",
                    )
                )
    return problems


@register(TAG)
def check_rq_queues(app_configs=None, **kwargs):
    """The Redis of each queue of every RQ task backend answers."""
    problems = []
    for alias, config in getattr(settings, "TASKS", {}).items():
        if not _is(config.get("BACKEND", ""), RQ_BACKEND):
            continue
        try:
            from django_rq.connection_utils import get_redis_connection
        except ImportError:  # django-rq before 3.1
            from django_rq.queues import get_redis_connection

        configured = getattr(settings, "RQ_QUEUES", {})
        seen = set()
        for name in config.get("QUEUES") or list(configured):
            queue = configured.get(name)
            if queue is None:
                continue  # RQBackend's own check reports a queue missing from RQ_QUEUES
            try:
                pool = get_redis_connection(queue).connection_pool
            except Exception as error:  # noqa: BLE001 - a configuration RQ cannot use
                problems.append(
                    Error(
                        f"RQ_QUEUES[{name!r}] (TASKS[{alias!r}]) does not name a Redis server "
                        f"RQ can use: {_describe(error)}.",
                        id="wagtail_privacy.E103",
                    )
                )
                continue
            key = (pool.connection_class, tuple(sorted(map(str, pool.connection_kwargs.items()))))
            if key in seen:
                continue
            seen.add(key)
            why = _redis_problem(pool)
            if why:
                problems.append(
                    Error(
                        f"The Redis server of the task queue {name!r} (TASKS[{alias!r}], "
                        f"RQ_QUEUES) at {_where(pool.connection_kwargs)} does not answer: {why}.",
                        hint="Start Redis, or correct RQ_QUEUES (REDIS_URL in the example "
                        "site). Without it no notice, PDF or export task can be queued.",
                        id="wagtail_privacy.E103",
                    )
                )
    return problems


def _s3_problem(storage):
    """Why the bucket of a django-storages S3 storage cannot be reached, or ``""``."""
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    config = Config(
        connect_timeout=TIMEOUT, read_timeout=TIMEOUT, retries={"total_max_attempts": 1}
    )
    if storage.client_config is not None:
        config = storage.client_config.merge(config)
    try:
        client = storage._create_session().client(
            "s3",
            region_name=storage.region_name,
            use_ssl=storage.use_ssl,
            endpoint_url=storage.endpoint_url,
            config=config,
            verify=storage.verify,
        )
        try:
            client.head_bucket(Bucket=storage.bucket_name)
        finally:
            client.close()
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in {"404", "NoSuchBucket"}:
            return "the bucket does not exist"
        if code in {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}:
            return "access is denied: check the access key, the secret and the bucket policy"
        return f"the service answered {code or error}"
    except BotoCoreError as error:
        return _describe(error)
    return ""


@register(TAG)
def check_s3_buckets(app_configs=None, **kwargs):
    """The bucket of each S3 storage the package writes to (PDFs, exports) is reachable."""
    from .storage import get_storage

    problems, seen = [], set()
    for key in ("PDF_STORAGE", "EXPORT_STORAGE"):
        alias = getattr(privacy_settings, key)
        if alias not in getattr(settings, "STORAGES", {}):
            continue  # the built-in private folder, or an alias check E004 reports
        if not _is(settings.STORAGES[alias].get("BACKEND", ""), S3_STORAGE):
            continue
        storage = get_storage(alias)
        target = (storage.endpoint_url, storage.bucket_name)
        if target in seen:
            continue
        seen.add(target)
        why = _s3_problem(storage)
        if why:
            where = storage.endpoint_url or "AWS"
            problems.append(
                Error(
                    f"The S3 bucket {storage.bucket_name!r} of STORAGES[{alias!r}] "
                    f"(WAGTAIL_PRIVACY[{key!r}]) at {where} cannot be reached: {why}.",
                    hint="Create the bucket, start the object store, or correct the storage's "
                    "options (S3_* in the example site).",
                    id="wagtail_privacy.E104",
                )
            )
    return problems
