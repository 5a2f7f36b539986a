"""The step-up throttle across two real processes that share one Redis cache.

Two worker processes (``throttle_worker.py``, settings ``shared_throttle_settings.py``) answer
``POST /me/verification/`` as two web workers would: each its own Python process, its own
per-process default cache, one database (the suite's test database: its SQLite file, or
PostgreSQL with ``DATABASE_URL``) and one Redis cache for the throttle (``THROTTLE_CACHE``).
Wrong codes counted in one process stop the other once ``STEP_UP_MAX_ATTEMPTS`` is reached,
and when both race, exactly that many codes are checked.

Redis is the machine's (127.0.0.1:6379, ``TOPOLOGY_REDIS_URL`` to change it), on an empty
database number of its own, flushed afterwards. Without Redis the test is skipped, saying why,
except with ``CI=true``, where it fails. Marked ``topology``: it runs with the topology tests
in the PostgreSQL run, apart from the browser journeys, whose session-wide browser leaves
the test process's database connection unusable outside a test's own database fixture.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from tests.topology import harness
from wagtail_privacy.verification.service import EMAIL_DEVICE_NAME, FAILURES_KEY

pytestmark = pytest.mark.topology
ROOT = Path(__file__).resolve().parents[2]
MAX_ATTEMPTS = 4
RIGHT, WRONG = "246810", "135799"


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason):
    """Skip, or fail in CI, for want of Redis (as the topology tests do)."""
    message = f"{reason} (this test needs Redis running)"
    if in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


class Worker:
    """One worker process, driven one JSON line at a time."""

    def __init__(self, name, env, log):
        self.name, self.log_path = name, log
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.verification.throttle_worker"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def answer(self, timeout=60):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line is None:
            self.log.flush()
            raise AssertionError(
                f"worker {self.name} did not answer:\n{self.log_path.read_text()[-4000:]}"
            )
        return json.loads(line)

    def send(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def ask(self, **command):
        self.send(**command)
        return self.answer()

    def close(self):
        """End of input: the worker exits."""
        if not self.process.stdin.closed:
            self.process.stdin.close()

    def stop(self):
        self.close()
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def database_settings():
    """The parent's test database, as the workers connect to it."""
    own = connection.settings_dict
    if own["ENGINE"].endswith("sqlite3") and not Path(str(own["NAME"])).is_file():
        pytest.skip("the workers need the test database in a file (not in memory)")
    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")
    return {key: own[key] for key in keys}


@pytest.fixture(scope="module")
def redis_url():
    try:
        url, why = harness.claim_redis_database(), ""
    except harness.Unavailable as error:
        url, why = None, str(error)
    if why:
        unavailable(why)
    yield url
    harness.release_redis_database(url)


@pytest.fixture(scope="module")
def workers(redis_url, django_db_setup, django_db_blocker, tmp_path_factory):
    """Two worker processes, started once for the module (each takes a second or two)."""
    with django_db_blocker.unblock():
        database = database_settings()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.verification.shared_throttle_settings",
        "THROTTLE_WORKERS_DATABASE": json.dumps(database),
        "THROTTLE_WORKERS_REDIS_URL": redis_url,
        "THROTTLE_WORKERS_KEY_PREFIX": f"throttle-test-{os.getpid()}",
        "THROTTLE_WORKERS_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "TEST_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
    }
    logs = tmp_path_factory.mktemp("throttle-workers")
    started = [Worker(name, env, logs / f"{name}.log") for name in ("A", "B")]
    try:
        for worker in started:
            assert worker.answer() == {"ready": True}
        yield started
    finally:
        for worker in started:
            worker.close()  # both at once, then wait for each
        for worker in started:
            worker.stop()


@pytest.fixture
def redis(redis_url):
    import redis as redis_client

    client = redis_client.Redis.from_url(redis_url)
    yield client
    keys = client.keys(f"throttle-test-{os.getpid()}:*")
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def signed_in(workers, django_db_blocker):
    """A customer with an emailed code waiting (``RIGHT``), signed in on both workers.

    Written straight to the test database (committed, outside any test transaction, so the
    workers see it) and deleted afterwards: cheaper than a transactional test's flush.
    """
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user(
            f"throttled-{os.getpid()}-{time.monotonic_ns()}", "throttled@example.com", "pw"
        )
        EmailDevice.objects.create(
            user=user,
            name=EMAIL_DEVICE_NAME,
            confirmed=True,
            token=RIGHT,
            valid_until=timezone.now() + timedelta(minutes=10),
        )
    try:
        for worker in workers:
            assert worker.ask(login=user.pk) == {"signed_in": user.pk}
        yield user
    finally:
        with django_db_blocker.unblock():
            for session in Session.objects.all():
                if session.get_decoded().get(SESSION_KEY) == str(user.pk):
                    session.delete()
            user.delete()


def failures_counted_by_otp(user, django_db_blocker):
    with django_db_blocker.unblock():
        return EmailDevice.objects.get(user=user).throttling_failure_count


def statuses(answer):
    return [item["status"] for item in answer["answers"]]


def attempts_in_redis(redis, user):
    pattern = FAILURES_KEY.format(user.pk, "*")
    return len(redis.keys(f"throttle-test-{os.getpid()}:*:{pattern}"))


def test_failures_in_one_process_stop_the_other(workers, signed_in, redis):
    a, b = workers
    assert statuses(a.ask(codes=[WRONG, WRONG])) == [400, 400]
    assert statuses(b.ask(codes=[WRONG] * (MAX_ATTEMPTS - 3))) == [400] * (MAX_ATTEMPTS - 3)
    # One attempt left, whoever uses it: B's own count (1) is far from the limit.
    assert statuses(a.ask(codes=[WRONG])) == [400]
    assert attempts_in_redis(redis, signed_in) == MAX_ATTEMPTS
    [refused] = b.ask(codes=[RIGHT])["answers"]  # even the right code: no attempt is left
    assert refused["status"] == 429 and refused["code"] == "throttled"
    assert refused["retry_after"] > 0
    assert statuses(a.ask(codes=[RIGHT])) == [429]
    # The code was never checked: it still works once the attempts are forgotten.
    redis.delete(*redis.keys(f"throttle-test-{os.getpid()}:*"))
    assert statuses(b.ask(codes=[RIGHT])) == [200]


def test_racing_processes_check_no_more_codes_than_allowed(
    workers, signed_in, redis, django_db_blocker
):
    a, b = workers
    at = time.time() + 0.5
    for worker in workers:
        worker.send(codes=[WRONG] * 6, at=at)
    answers = statuses(a.answer()) + statuses(b.answer())
    assert sorted(answers) == [400] * MAX_ATTEMPTS + [429] * (12 - MAX_ATTEMPTS)
    assert attempts_in_redis(redis, signed_in) == MAX_ATTEMPTS
    # django-otp counted the codes that were checked: exactly the attempts allowed.
    assert failures_counted_by_otp(signed_in, django_db_blocker) == MAX_ATTEMPTS
