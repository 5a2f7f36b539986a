"""A fan-out across two real RQ task workers, one SIGKILLed mid-chunk and restarted: every
customer is emailed exactly once, through a real SMTP server.

Real parts: PostgreSQL (the suite's test database), Redis (a database number of its own,
claimed empty and flushed afterwards), two ``manage.py rqworker --job-class
django_tasks_rq.Job`` processes (settings ``tests.fanout_rq_settings``) and an aiosmtpd server
in this process counting messages by recipient. The sink holds one chosen message (the 11th
customer of the third chunk) unanswered, the worker sending it is SIGKILLed (its main process
and its work horse), then a new worker is started. What the killed chunk left pending is sent
by ``privacy_tick`` once ``NOTICE_TASKS_LOST_AFTER`` has passed.

It runs in the suite's PostgreSQL run (``DATABASE_URL=postgres://...``; on SQLite it is
skipped, saying so) and needs Redis on 127.0.0.1:6379 (``FANOUT_WORKERS_REDIS_URL`` to
change it): without Redis it is skipped, saying why, except with ``CI=true``, where it fails.
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.notices.test_fanout_smtp import SmtpSink, publish_major
from tests.processes import session_pids
from wagtail_privacy.notices import fanout, stats
from wagtail_privacy.notices.claims import CLAIM_AHEAD
from wagtail_privacy.notices.models import ChangeNotice, EmailState, NoticeFanOut

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = os.environ.get("FANOUT_WORKERS_REDIS_URL", "redis://127.0.0.1:6379")
CLAIM = "wagtail_privacy:fanout-workers:claim"
BATCH = 25


def unavailable(reason):
    message = f"{reason} (this test needs PostgreSQL and Redis)"
    if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


def claim_redis_database():
    """An empty Redis database number of our own (14 down to 1), claimed with a key."""
    import redis

    server = re.sub(r"/\d*$", "", REDIS_SERVER.rstrip("/"))
    try:
        redis.Redis.from_url(f"{server}/0", socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as error:
        unavailable(f"Redis does not answer at {server}: {error}")
    for number in range(14, 0, -1):
        client = redis.Redis.from_url(f"{server}/{number}")
        if client.dbsize() == 0 and client.set(CLAIM, os.getpid(), nx=True, ex=3600):
            if client.dbsize() == 1:
                return f"{server}/{number}", client
            client.delete(CLAIM)
        client.close()
    unavailable(f"Redis at {server} has no empty database left")


def pid_with_local_port(port, pids):
    """Which of ``pids`` holds the TCP socket whose local port is ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if inodes & set(links):
            return pid
    return None


class Workers:
    def __init__(self, env, logs):
        self.env, self.logs, self.started = env, logs, {}

    def start(self, name):
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "rqworker", "default"]
            + ["--job-class", "django_tasks_rq.Job", "--name", name, "--worker-ttl", "30"],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started[name] = (process, log)
        return process

    def log(self, name):
        return (self.logs / f"{name}.log").read_text()[-4000:]

    def kill(self, name):
        """SIGKILL the worker and its work horse, at once."""
        process, _log = self.started[name]
        for pid in session_pids(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self):
        for process, _log in self.started.values():
            if process.poll() is None:
                process.terminate()
        for process, log in self.started.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            for pid in session_pids(process.pid):
                os.kill(pid, signal.SIGKILL)
            if process.poll() is None:
                process.wait()
            log.close()


def wait_until(condition, what, timeout=120, workers=None):
    deadline = time.monotonic() + timeout
    while not condition():
        if workers is not None:
            for name, (process, _log) in workers.started.items():
                if process.poll() is not None and name != workers.killed:
                    raise AssertionError(f"worker {name} exited:\n{workers.log(name)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def tick(at=None):
    out = StringIO()
    with time_machine.travel(at or timezone.now(), tick=True):
        call_command("privacy_tick", "--only", "notices", stdout=out)
    return out.getvalue()


@pytest.fixture
def redis_database():
    """Checked before anything is built: PostgreSQL, /proc, then an empty Redis database."""
    if connection.vendor != "postgresql":
        # Not a missing service: the PostgreSQL run of the suite (CI has one) runs it.
        pytest.skip("runs with the suite on PostgreSQL: set DATABASE_URL=postgres://...")
    if not Path("/proc/net/tcp").exists():
        pytest.skip("finds the worker holding a connection through /proc (Linux)")
    url, client = claim_redis_database()
    yield url
    client.flushdb()
    client.close()


def test_two_workers_one_killed_mid_chunk_each_customer_emailed_once(
    redis_database,
    policies,
    policy_page,
    make_customers,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    redis_url = redis_database
    customers = make_customers(150, "en", "en") + make_customers(50, "sl", "sl")
    victim = customers[2 * BATCH + 10]  # the 11th customer of the third chunk
    sink = SmtpSink(hold_for=victim.email).start()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "NOTICE_BATCH_SIZE": BATCH}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    database = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.fanout_rq_settings",
        "FANOUT_WORKERS_DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
            f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "FANOUT_WORKERS_REDIS_URL": redis_url,
        "FANOUT_WORKERS_SMTP_PORT": str(sink.port),
        "FANOUT_WORKERS_BATCH_SIZE": str(BATCH),
        "TEST_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
    }
    workers = Workers(env, tmp_path)
    workers.killed = None
    try:
        version = publish_major(
            policies, policy_page, django_capture_on_commit_callbacks, sl_text="Hranimo ocene."
        )
        import django_rq
        from rq import Worker

        settings.RQ_QUEUES = {"default": {"URL": redis_url}}
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        redis = django_rq.get_connection("default")
        for name in ("worker-a", "worker-b"):
            workers.start(name)
        wait_until(
            lambda: {w.name for w in Worker.all(connection=redis)} >= {"worker-a", "worker-b"},
            "the workers to register",
            workers=workers,
        )
        from wagtail_privacy.notices.tasks import notify_version

        notify_version.enqueue(version.pk)

        # The victim's message is in; the worker sending it waits for the answer: kill it.
        assert sink.held.wait(timeout=120), "the held message never came"
        port = sink.held_message.peer[1]
        leaders = {name: p.pid for name, (p, _log) in workers.started.items()}
        holder = pid_with_local_port(
            port, [pid for lead in leaders.values() for pid in session_pids(lead)]
        )
        [killed] = [name for name, lead in leaders.items() if holder in session_pids(lead)]
        workers.kill(killed)
        workers.killed = killed
        sink.release.set()
        workers.start(f"{killed}-again")

        queue = django_rq.get_queue("default")
        live = {"worker-a", "worker-b", f"{killed}-again"} - {killed}

        def drained():
            states = {w.name: w.get_state() for w in Worker.all(connection=redis)}
            return queue.count == 0 and all(states.get(name) == "idle" for name in live)

        wait_until(drained, "the queue to drain", workers=workers)
        time.sleep(0.5)
        wait_until(drained, "the queue to drain", workers=workers)

        notices = ChangeNotice.objects.filter(version=version)
        by_state = Counter(notices.values_list("email_state", flat=True))
        # The killed chunk stopped mid-way: its email in flight and the claims it had not
        # tried yet are "sending", the rest of it waits (rq does not run an abandoned task
        # again; were it to, it would send them).
        claimed = min(CLAIM_AHEAD, BATCH)
        assert by_state[EmailState.SENDING] == claimed - 10
        assert by_state[EmailState.PENDING] == BATCH - claimed
        in_flight = notices.filter(email_state=EmailState.SENDING).order_by("pk").first()
        assert in_flight.user_id == victim.pk
        assert sink.held_message.message["Message-ID"] == in_flight.message_id
        assert max(sink.by_recipient().values()) == 1
        assert NoticeFanOut.objects.get(version=version).finished_at is None

        # Too early for privacy_tick: the chunk might still be at work.
        assert "in_progress=1" in tick()
        output = tick(timezone.now() + fanout.lost_after() + timedelta(minutes=1))
        left = by_state[EmailState.PENDING] + by_state[EmailState.SENDING] - 1
        assert f"emailed={left}, failed=0" in output
        assert NoticeFanOut.objects.get(version=version).finished_at is not None

        assert sink.by_recipient() == Counter(c.email for c in customers)
        final = Counter(notices.values_list("email_state", flat=True))
        assert final == {EmailState.SENT: len(customers) - 1, EmailState.SENDING: 1}
        assert stats.notice_figures([version.pk])[version.pk]["unconfirmed"] == 1
        assert notices.get(email_state=EmailState.SENDING).pk == in_flight.pk
        ids = [m.message["Message-ID"] for m in sink.messages()]
        assert len(set(ids)) == len(customers)
        slovene = [m.message for m in sink.messages() if m.rcpt_tos[0].startswith("sl")]
        assert len(slovene) == 50
        assert all(m["Subject"].strip().startswith("Politika zasebnosti") for m in slovene)
    finally:
        workers.stop()
        sink.stop()
