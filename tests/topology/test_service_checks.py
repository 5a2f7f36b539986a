"""System checks of the services: Redis (cache, task queue) and S3, against real sockets.

"Unreachable" is real here: a port nothing listens on (refused at once), and a port that
accepts connections but never answers (the checks must give up after their timeout rather
than hang). The end-to-end cases run ``manage.py check --deploy`` of the demo shop, as
``dev.py cluster`` does before it starts anything.
"""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.core.checks import Error
from django.test import override_settings

from wagtail_privacy import service_checks

from . import harness
from .conftest import unavailable

pytestmark = pytest.mark.topology

RQ = {"BACKEND": "django_tasks_rq.RQBackend"}


@pytest.fixture
def closed_port():
    """A port nothing listens on."""
    return harness.free_port()


@pytest.fixture
def silent_port():
    """A port that accepts connections (into the backlog) and never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server in its own process, with one bucket."""
    directory = harness.make_directory("wagtail-privacy-s3-")
    processes = harness.Processes(directory)
    try:
        endpoint = harness.start_s3(processes, harness.shop_environment())
        harness.s3_client(endpoint).create_bucket(Bucket="present")
        yield endpoint
    finally:
        processes.stop()
        harness.remove_directory(directory)


@pytest.fixture(scope="module")
def redis_url():
    try:
        url = harness.claim_redis_database()
    except harness.Unavailable as error:
        unavailable(str(error))
    yield url
    harness.release_redis_database(url)


def redis_cache(location):
    return {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    }


def s3_storages(endpoint, bucket, private_bucket=None):
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": harness.S3_KEYS["S3_ACCESS_KEY_ID"],
        "secret_key": harness.S3_KEYS["S3_SECRET_ACCESS_KEY"],
        "region_name": "us-east-1",
        "default_acl": "private",
    }
    s3 = "storages.backends.s3.S3Storage"
    return {
        "default": {"BACKEND": s3, "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "wagtail_privacy_private": {
            "BACKEND": s3,
            "OPTIONS": {**options, "bucket_name": private_bucket or bucket, "location": "x/"},
        },
    }


def only(problems, check_id):
    assert all(isinstance(p, Error) for p in problems)
    assert [p.id for p in problems] == [check_id] * len(problems) and problems, problems
    return problems


# ------------------------------------------------------------------------------------------
# Redis as the cache


def test_a_redis_cache_on_a_closed_port_is_an_error_naming_it(closed_port):
    location = f"redis://:hunter2@127.0.0.1:{closed_port}/0"
    with override_settings(CACHES=redis_cache(location)):
        [problem] = only(service_checks.check_redis_caches(), "wagtail_privacy.E102")
    assert f"127.0.0.1:{closed_port}" in problem.msg and "CACHES['default']" in problem.msg
    assert "refused" in problem.msg.lower()
    assert "hunter2" not in problem.msg  # no password in the message
    assert "REDIS_URL" in problem.hint


def test_a_redis_cache_that_never_answers_fails_after_the_timeout(silent_port):
    started = time.monotonic()
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{silent_port}/0")):
        [problem] = only(service_checks.check_redis_caches(), "wagtail_privacy.E102")
    assert time.monotonic() - started < service_checks.TIMEOUT + 2
    assert "Timeout" in problem.msg


def test_each_server_of_a_redis_cache_is_checked(closed_port, redis_url):
    with override_settings(CACHES=redis_cache(f"{redis_url},redis://127.0.0.1:{closed_port}")):
        [problem] = only(service_checks.check_redis_caches(), "wagtail_privacy.E102")
    assert str(closed_port) in problem.msg


def test_a_running_redis_and_other_caches_pass(redis_url):
    caches = {
        **redis_cache(redis_url),
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with override_settings(CACHES=caches):
        assert service_checks.check_redis_caches() == []
    # The test project's own settings use no service at all.
    assert service_checks.check_redis_caches() == []
    assert service_checks.check_rq_queues() == []
    assert service_checks.check_s3_buckets() == []


# ------------------------------------------------------------------------------------------
# Redis as the task queue


def test_an_rq_task_backend_whose_redis_is_down_is_an_error(closed_port, redis_url):
    queues = {
        "default": {"URL": f"redis://127.0.0.1:{closed_port}/0"},
        "emails": {"URL": redis_url},
    }
    with override_settings(TASKS={"default": RQ}, RQ_QUEUES=queues):
        [problem] = only(service_checks.check_rq_queues(), "wagtail_privacy.E103")
    assert "'default'" in problem.msg and f"127.0.0.1:{closed_port}/0" in problem.msg
    with override_settings(TASKS={"default": {**RQ, "QUEUES": ["emails"]}}, RQ_QUEUES=queues):
        assert service_checks.check_rq_queues() == []


# ------------------------------------------------------------------------------------------
# S3


def test_an_s3_storage_on_a_closed_port_is_an_error(closed_port):
    endpoint = f"http://127.0.0.1:{closed_port}"
    with override_settings(STORAGES=s3_storages(endpoint, "media")):
        [problem] = only(service_checks.check_s3_buckets(), "wagtail_privacy.E104")
    assert "'media'" in problem.msg and endpoint in problem.msg
    assert "EndpointConnectionError" in problem.msg


def test_an_s3_endpoint_that_never_answers_fails_after_the_timeout(silent_port):
    started = time.monotonic()
    with override_settings(STORAGES=s3_storages(f"http://127.0.0.1:{silent_port}", "media")):
        only(service_checks.check_s3_buckets(), "wagtail_privacy.E104")
    assert time.monotonic() - started < 2 * service_checks.TIMEOUT + 2


def test_a_missing_bucket_is_named_and_a_present_one_passes(s3_server):
    with override_settings(STORAGES=s3_storages(s3_server, "present", "absent")):
        [problem] = only(service_checks.check_s3_buckets(), "wagtail_privacy.E104")
    assert "'absent'" in problem.msg and "does not exist" in problem.msg
    assert "STORAGES['wagtail_privacy_private']" in problem.msg
    with override_settings(STORAGES=s3_storages(s3_server, "present")):
        assert service_checks.check_s3_buckets() == []


# ------------------------------------------------------------------------------------------
# manage.py check of the demo shop, as dev.py cluster runs it


def shop_check(tmp_path, **env):
    environment = harness.shop_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        **env,
    )
    return subprocess.run(
        [sys.executable, str(harness.MANAGE), "check", "--deploy", "--fail-level", "ERROR"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def s3_env(endpoint, bucket="present"):
    return {"S3_ENDPOINT_URL": endpoint, "S3_BUCKET": bucket, **harness.S3_KEYS}


def test_the_shop_does_not_pass_its_checks_when_redis_and_s3_are_down(tmp_path, closed_port):
    result = shop_check(
        tmp_path,
        REDIS_URL=f"redis://127.0.0.1:{closed_port}/0",
        **s3_env(f"http://127.0.0.1:{closed_port}"),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    for check_id in ("E102", "E103", "E104"):
        assert f"(wagtail_privacy.{check_id})" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_shop_passes_its_checks_with_redis_and_s3_up(tmp_path, redis_url, s3_server):
    result = shop_check(tmp_path, REDIS_URL=redis_url, **s3_env(s3_server))
    assert result.returncode == 0, result.stderr
    assert "wagtail_privacy.E1" not in result.stderr


def test_dev_py_cluster_says_which_service_is_missing_and_starts_nothing(closed_port):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port}/lipa",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port}/0",
    }
    result = subprocess.run(
        [sys.executable, str(harness.REPO_DIR / "dev.py"), "cluster"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"PostgreSQL is not running at 127.0.0.1:{closed_port}" in result.stderr
    assert f"Redis is not running at 127.0.0.1:{closed_port}" in result.stderr
    assert "nothing was started" in result.stderr
    assert "manage.py" not in result.stdout  # no command was run
