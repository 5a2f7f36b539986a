r"""Benchmark of the change-notice fan-out and of a breach notification across RQ task
workers, against the machine's raw email rate and a naive per-customer loop, all measured in
one run.

Run from the repository root (PostgreSQL, unless ``--sqlite``, and Redis must be running)::

    .venv/bin/python benchmarks/notice_fanout.py                     # 100,000 customers
    .venv/bin/python benchmarks/notice_fanout.py --customers 5000    # a quick check
    .venv/bin/python benchmarks/notice_fanout.py --sqlite            # on a SQLite file

``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``) names the
PostgreSQL server: a dedicated database is created there for the run and dropped afterwards.
With ``--sqlite`` the run's database is a temporary SQLite file (WAL, as the demo shop runs
it) that the workers share.
``REDIS_URL`` (default ``redis://127.0.0.1:6379/13``) names the Redis database of the task
queue: it must be empty at the start, and is flushed at the end.

What it does:

* starts a real SMTP sink (``aiosmtpd``, in its own process) that counts the messages it
  receives per recipient and per Message-ID;
* creates ``--customers`` active customers with an email address in bulk (default language,
  ``en``) and publishes three policies the way an editor does, each with an editorial v1 and a
  major v2 in 12 days (tasks enqueued by publishing are not run);
* **raw rate** of this machine, over the first ``--raw`` customers, through the same sink:
  Django's own ``EmailMultiAlternatives`` build + send of the notice email over one SMTP
  connection (the honest limit of a Django process), and the prebuilt-bytes send loop
  (``mail.PreparedEmail`` bytes to ``sendmail`` over one connection, no database);
* **naive loop** over the first ``--naive`` customers of the second policy: per customer a
  query (``ChangeNotice.objects.create``) and ``send_mail`` (which opens an SMTP connection per
  email), the email rendered once beforehand; compared per customer;
* **fan-out with 1, then 2 RQ workers** (``manage.py rqworker --job-class
  django_tasks_rq.Job``, separate processes, started and registered before the clock starts):
  ``notify_version`` of the first (then third) policy's v2 is enqueued; it creates the notices
  and enqueues one ``send_notice_chunk`` task per batch of ``NOTICE_BATCH_SIZE``; the clock
  stops when the last chunk marks the fan-out finished. Every run checks the sink received one
  message per customer, no duplicate recipient or Message-ID, and every notice ``sent``;
* **breach notification with the same 1, then 2 workers**, right after each fan-out: a
  recorded breach whose officer selected everyone (``BreachNotification``, as the admin's
  *Notify customers* screen creates it); ``notify_breach`` is enqueued, it creates one
  ``BreachNotice`` per customer and enqueues one ``send_breach_chunk`` task per batch; the
  clock stops when the last chunk marks the round finished. The same checks: one message per
  customer, no duplicate, every notice ``sent`` with its own Message-ID;
* reports the machine's load: load average, and per phase how busy both cores were, split
  into this benchmark's own processes and the rest (PostgreSQL, Redis, other people's work).

Everything it starts (sink, workers) is stopped at the end, also on an error, Ctrl-C or SIGTERM;
the whole run is bounded by ``--timeout``. Figures vary with the machine; compare rows of one
run.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    BenchmarkDatabase,
    analyze,
    base_settings,
    create_and_migrate,
    print_total_time,
    setup_django,
    versions_text,
)
from tests.processes import free_port, session_pids  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
CONFIG_ENV = "NOTICE_FANOUT_BENCH_CONFIG"
USER_BATCH = 5000
POLICIES = {
    "one": ("privacy-policy", "Privacy policy"),
    "naive": ("terms-of-sale", "Terms of sale"),
    "two": ("cookie-policy", "Cookie policy"),
}


# --- Settings -----------------------------------------------------------------------------


def bench_settings(config, *, worker):
    """Django settings of the run, for this process or (``worker``) an RQ worker."""
    values = base_settings(config["database"])
    values["INSTALLED_APPS"] = [*values["INSTALLED_APPS"], "django_rq", "django_tasks_rq"]
    values["RQ_QUEUES"] = {"default": {"URL": config["redis_url"], "DEFAULT_TIMEOUT": 3600}}
    rq = {"BACKEND": "django_tasks_rq.RQBackend"}
    # Here, publishing enqueues nothing real (the default backend is the dummy one) and the
    # benchmark enqueues the fan-out through "rq"; in a worker both names are the RQ queue.
    values["TASKS"] = {"default": rq if worker else values["TASKS"]["default"], "rq": rq}
    values["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    values["EMAIL_HOST"], values["EMAIL_PORT"] = "127.0.0.1", config["smtp_port"]
    values["EMAIL_TIMEOUT"] = 60
    values["DEFAULT_FROM_EMAIL"] = "Test shop <privacy@shop.example>"
    # No HOST (the tests' one reads CustomerProfile): every customer gets the default language.
    privacy = {}
    if config.get("batch_size"):
        privacy["NOTICE_BATCH_SIZE"] = config["batch_size"]
    values["WAGTAIL_PRIVACY"] = privacy
    values["LOGGING"] = {"version": 1, "disable_existing_loggers": False}
    return values


def worker_main():
    """``--worker NAME``: an RQ worker of the run (configuration in the environment)."""
    config = json.loads(os.environ[CONFIG_ENV])
    setup_django(bench_settings(config, worker=True))
    from django.core.management import call_command

    call_command(
        "rqworker",
        "default",
        job_class="django_tasks_rq.Job",
        worker_class=config.get("worker_class"),
        name=sys.argv[sys.argv.index("--worker") + 1],
        verbosity=0,
    )


# --- SMTP sink ----------------------------------------------------------------------------


def sink_main():
    """``--sink``: an aiosmtpd server counting messages; answers ``stats``/``reset`` on stdin."""
    import re
    import threading
    from collections import Counter

    from aiosmtpd.controller import Controller

    message_id = re.compile(rb"^Message-ID: *(\S+)", re.MULTILINE | re.IGNORECASE)
    lock = threading.Lock()

    class Counting:
        def __init__(self):
            self.reset()

        def reset(self):
            self.messages, self.recipients, self.ids = 0, Counter(), Counter()

        async def handle_DATA(self, server, session, envelope):
            head = envelope.content[: envelope.content.find(b"\r\n\r\n")]
            found = message_id.search(head)
            with lock:
                self.messages += 1
                self.recipients.update(envelope.rcpt_tos)
                self.ids[found.group(1) if found else b""] += 1
            return "250 OK"

        def stats(self):
            with lock:
                return {
                    "messages": self.messages,
                    "recipients": len(self.recipients),
                    "duplicate_recipients": sum(n - 1 for n in self.recipients.values() if n > 1),
                    "duplicate_ids": sum(n - 1 for n in self.ids.values() if n > 1),
                }

    handler = Counting()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, data_size_limit=10**7)
    controller.start()
    print(f"PORT {port}", flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                print(json.dumps(handler.stats()), flush=True)
            elif command == "reset":
                with lock:
                    handler.reset()
                print("{}", flush=True)
            elif command == "quit":
                break
    finally:
        controller.stop()


class Sink:
    """The sink process, started by this one."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--sink"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            raise SystemExit(f"The SMTP sink did not start: {line!r}")
        self.port = int(line.split()[1])

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write("quit\n")
                self.process.stdin.flush()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


# --- Workers ------------------------------------------------------------------------------


class Workers:
    """RQ worker processes of the run, each in its own session (it and its work horses)."""

    def __init__(self, config, log_dir):
        self.config, self.log_dir, self.processes = config, log_dir, []

    def start(self, count, deadline):
        from django_rq import get_connection
        from rq import Worker

        env = {**os.environ, CONFIG_ENV: json.dumps(self.config)}
        for _ in range(count):
            name = f"bench-fanout-{os.getpid()}-{len(self.processes)}"
            log = open(Path(self.log_dir) / f"{name}.log", "w")  # noqa: SIM115 - kept open
            process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker", name],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.processes.append((process, log, name))
        names = {name for _p, _l, name in self.processes}
        while {w.name for w in Worker.all(connection=get_connection("default"))} < names:
            check_deadline(deadline, "workers registering with Redis")
            for process, _log, name in self.processes:
                if process.poll() is not None:
                    text = (Path(self.log_dir) / f"{name}.log").read_text()[-3000:]
                    raise SystemExit(f"Worker {name} exited:\n{text}")
            time.sleep(0.05)

    def pids(self):
        return [p.pid for p, _l, _n in self.processes if p.poll() is None]

    def stop(self):
        """SIGTERM (rq's warm shutdown), then SIGKILL to whatever is left of each session."""
        for process, _log, _name in self.processes:
            if process.poll() is None:
                process.terminate()
        for process, log, _name in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            for pid in session_pids(process.pid):  # the worker, or a work horse left behind
                os.kill(pid, signal.SIGKILL)
            if process.poll() is None:
                process.wait()
            log.close()
        self.processes = []


def machine_jiffies():
    """(busy, total) CPU jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def process_jiffies(pid):
    """CPU jiffies of ``pid`` and its reaped children (RQ work horses), 0 if gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(v) for v in fields[11:15])


class Load:
    """How busy the machine was during a phase, and how much of it was this benchmark:
    in % of all cores, the whole machine, this process, the sink and the workers (with their
    work horses, counted once they exit)."""

    def __init__(self, sink_pid, worker_pids=()):
        self.groups = {"sink": [sink_pid], "workers": list(worker_pids)}
        self.busy, self.total = machine_jiffies()
        self.start = self._parts()

    def _parts(self):
        times = os.times()
        parts = {"main": round((times.user + times.system) * os.sysconf("SC_CLK_TCK"))}
        for name, pids in self.groups.items():
            parts[name] = sum(process_jiffies(pid) for pid in pids)
        return parts

    def stop(self):
        busy, total = machine_jiffies()
        parts = self._parts()
        elapsed = max(total - self.total, 1)
        shares = {name: (parts[name] - self.start[name]) / elapsed * 100 for name in parts}
        return (busy - self.busy) / elapsed * 100, shares


# --- Data ---------------------------------------------------------------------------------


def create_customers(count):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    User = get_user_model()
    password = make_password(None)
    with transaction.atomic():
        for start in range(0, count, USER_BATCH):
            User.objects.bulk_create(
                [
                    User(
                        username=f"customer{i:07d}",
                        email=f"customer{i:07d}@example.com",
                        password=password,
                    )
                    for i in range(start, min(count, start + USER_BATCH))
                ],
                batch_size=USER_BATCH,
            )


def publish_policy(slug, title):
    """Publish v1 (editorial) and a major v2 in 12 days of a new policy; return v2."""
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import Site

    from tests.factories import PolicyFactory
    from wagtail_privacy.policies.models import PolicyVersion

    factory = PolicyFactory(Site.objects.get(is_default_site=True).root_page)
    page = factory.create(title=title, slug=slug, text="We keep your orders.")
    page = factory.publish(page, level="editorial", summary="First version")
    factory.publish(
        page,
        level="major",
        effective_at=timezone.now() + timedelta(days=12),
        summary="We now keep product reviews too.",
        text="We keep your orders and your product reviews.",
    )
    version = PolicyVersion.objects.select_related("policy").get(policy__slug=slug, number=2)
    assert version.change_level == "major" and version.withdrawn_at is None
    return version


# --- Measurement --------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    customers: int
    seconds: float
    emails: int
    duplicates: int
    busy: float = 0.0  # % of all cores, whole machine
    shares: dict = field(default_factory=dict)  # % of all cores: main, sink, workers
    notes: dict = field(default_factory=dict)

    @property
    def rate(self):
        return self.customers / self.seconds


def check_deadline(deadline, doing):
    if time.monotonic() > deadline:
        raise SystemExit(f"Timed out while {doing} (--timeout)")


def addresses(count):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.order_by("pk").values_list("email", flat=True)[:count])


def measured(sink, label, customers, work, pids=()):
    """Run ``work()`` against a freshly reset sink: a ``Row`` with the sink's counts."""
    sink.ask("reset")
    load = Load(sink.process.pid, pids)
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    busy, shares = load.stop()
    stats = sink.ask("stats")
    duplicates = stats["duplicate_recipients"] + stats["duplicate_ids"]
    row = Row(label, customers, seconds, stats["messages"], duplicates, busy, shares)
    assert stats["messages"] == customers and duplicates == 0, (label, stats)
    return row


def raw_django(version, sample):
    """Django's EmailMultiAlternatives build + send, one SMTP connection, per customer."""
    from django.core.mail import get_connection

    from wagtail_privacy import mail
    from wagtail_privacy.notices import emails

    template = emails.build(version, "en", emails.CHANGE)
    to = addresses(sample)

    def work():
        with get_connection() as connection:
            for address in to:
                template.message(address, mail.new_message_id(), connection).send()

    return work


def raw_prebuilt(version, sample):
    """The prebuilt bytes of the same email sent over one SMTP connection, per customer."""
    from wagtail_privacy import mail
    from wagtail_privacy.notices import emails

    prepared = emails.build(version, "en", emails.CHANGE).prepared
    to = addresses(sample)

    def work():
        with mail.Outbox() as outbox:
            assert outbox.smtp
            for address in to:
                outbox.send(prepared, address, mail.new_message_id())

    return work


def raw_prebuilt_parallel(version, sample, senders=2):
    """The prebuilt send loop in ``senders`` processes at once, each over its own connection:
    what the machine and the sink allow two workers that had nothing else to do."""
    import multiprocessing

    from django.db import connection

    from wagtail_privacy import mail
    from wagtail_privacy.notices import emails

    prepared = emails.build(version, "en", emails.CHANGE).prepared
    to = addresses(sample)
    connection.close()  # the senders touch no database

    def send(part):
        with mail.Outbox() as outbox:
            for address in part:
                outbox.send(prepared, address, mail.new_message_id())

    def work():
        context = multiprocessing.get_context("fork")
        processes = [context.Process(target=send, args=(to[i::senders],)) for i in range(senders)]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
            if process.exitcode:
                raise SystemExit(f"A sender process failed (exit code {process.exitcode})")

    return work


def naive(version, sample):
    """The per-customer loop: one INSERT per customer (autocommit), then ``send_mail``."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.utils import timezone

    from wagtail_privacy.notices import emails
    from wagtail_privacy.notices.models import ChangeNotice, EmailState

    User = get_user_model()
    message = emails.build(version, "en", emails.CHANGE)

    def work():
        for user in User.objects.all().order_by("pk")[:sample]:
            ChangeNotice.objects.create(
                version=version,
                user=user,
                language="en",
                email_state=EmailState.SENT,
                emailed_at=timezone.now(),
            )
            send_mail(
                message.subject,
                message.text,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
                html_message=message.html,
            )

    return work


def rq_fan_out(version, customers, workers, deadline):
    """Enqueue ``notify_version`` on RQ and wait until the last chunk finishes the fan-out."""

    from wagtail_privacy.notices.models import NoticeFanOut
    from wagtail_privacy.notices.tasks import notify_version

    finished = NoticeFanOut.objects.filter(version=version, finished_at__isnull=False)
    return rq_round(
        lambda: notify_version.using(backend="rq").enqueue(version.pk),
        finished,
        f"fanning out to {customers} customers",
        workers,
        deadline,
    )


def rq_round(enqueue, finished, doing, workers, deadline):
    """``(work, drained)``: enqueue the round's first task and wait until ``finished`` (a
    queryset) has a row; then wait until the queue is empty. A failed task or dead workers
    stop the benchmark."""
    from django_rq import get_queue
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    queue = get_queue("default")
    failed = FailedJobRegistry(queue=queue)

    def work():
        enqueue()
        while not finished.exists():
            check_deadline(deadline, doing)
            if failed.count:
                job = queue.fetch_job(failed.get_job_ids()[0])
                raise SystemExit(f"A task failed:\n{job.latest_result().exc_string}")
            if not workers.pids():
                raise SystemExit("The workers died")
            time.sleep(0.05)

    def drained():
        while queue.count or StartedJobRegistry(queue=queue).count:
            check_deadline(deadline, "waiting for the queue to drain")
            time.sleep(0.05)

    return work, drained


def check_fan_out(version, customers):
    from django.db.models import Count

    from wagtail_privacy.notices.models import ChangeNotice, EmailState, NoticeFanOut

    notices = ChangeNotice.objects.filter(version=version)
    states = dict(notices.values_list("email_state").annotate(n=Count("pk")).order_by())
    assert states == {EmailState.SENT: customers}, states
    ids = notices.values("message_id").distinct().count()
    assert ids == customers, ids
    fan = NoticeFanOut.objects.get(version=version)
    return (fan.notices_created_at - fan.started_at).total_seconds()


def record_breach(title):
    """A breach as the officer records it, and a round telling everyone (the admin's
    *Notify customers* with *everyone* ticked); the round's tasks are not run here."""
    from datetime import timedelta

    from django.utils import timezone

    from wagtail_privacy.breaches.audience import selection
    from wagtail_privacy.breaches.models import Breach, BreachNotification

    breach = Breach.objects.create(
        title=title,
        detected_at=timezone.now() - timedelta(hours=5),
        authority_notified_at=timezone.now() - timedelta(hours=1),
        what_happened="The evening export of parcel labels went to another shop's account.",
        data_categories="Names, delivery addresses, phone numbers, order numbers",
        people_affected=100_000,
        records_affected=100_000,
        consequences="Fake delivery messages that use real order numbers.",
        measures="The labels were deleted; the export now checks the account.",
        high_risk=True,
    )
    return BreachNotification.objects.create(breach=breach, selection=selection(everyone=True))


def rq_breach(notification, customers, workers, deadline):
    """Enqueue ``notify_breach`` on RQ and wait until the last chunk finishes the round."""
    from wagtail_privacy.breaches.models import BreachNotification
    from wagtail_privacy.breaches.tasks import notify_breach

    finished = BreachNotification.objects.filter(pk=notification.pk, finished_at__isnull=False)
    return rq_round(
        lambda: notify_breach.using(backend="rq").enqueue(notification.pk),
        finished,
        f"telling {customers} customers of a breach",
        workers,
        deadline,
    )


def check_breach(notification, customers):
    from django.db.models import Count

    from wagtail_privacy.breaches.models import BreachNotice, BreachNotification, EmailState

    notices = BreachNotice.objects.filter(breach_id=notification.breach_id)
    states = dict(notices.values_list("email_state").annotate(n=Count("pk")).order_by())
    assert states == {EmailState.SENT: customers}, states
    ids = notices.values("message_id").distinct().count()
    assert ids == customers, ids
    notification = BreachNotification.objects.get(pk=notification.pk)
    return (notification.notices_created_at - notification.started_at).total_seconds()


# --- Report -------------------------------------------------------------------------------


def report(rows, args, database, setup, loads, total_start):
    from wagtail_privacy.conf import privacy_settings

    raw, prebuilt, parallel, loop, one, breach_one, two, breach_two = rows
    print()
    print(
        "wagtail-privacy change-notice fan-out and breach notification benchmark "
        "(RQ task workers, real SMTP sink)"
    )
    print(f"  database  : {database.description}")
    worker = args.worker_class or "rq's Worker: a forked work horse per task"
    print(f"  queue     : Redis {args.redis_url}, django-tasks-rq, rqworker ({worker})")
    print(f"  versions  : {versions_text()}")
    print(
        f"  customers : {args.customers} active customers with email, default language (en), "
        f"created in {setup['customers']:.1f} s; NOTICE_BATCH_SIZE="
        f"{privacy_settings.NOTICE_BATCH_SIZE} (one chunk task per batch)"
    )
    print("  email     : aiosmtpd sink in its own process on 127.0.0.1, counting messages")
    print(
        f"  machine   : {os.cpu_count()} cores; load average {loads[0]} at the start, "
        f"{loads[1]} at the end"
    )
    print()
    header = (
        f"{'phase':<44} {'customers':>9} {'wall s':>7} {'cust/s':>7} {'ms/cust':>7} "
        f"{'emails':>7} {'dups':>4} {'busy%':>5} {'ours%':>5} {'sink%':>5} {'wrk%':>5}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.label:<44} {row.customers:>9} {row.seconds:>7.2f} {row.rate:>7,.0f} "
            f"{row.seconds * 1000 / row.customers:>7.3f} {row.emails:>7} {row.duplicates:>4} "
            f"{row.busy:>5.0f} {sum(row.shares.values()):>5.0f} {row.shares['sink']:>5.0f} "
            f"{row.shares['workers']:>5.0f}"
        )
    print()
    print(
        "busy%: how busy the machine's cores were during the phase (100 = all cores); ours%: "
        "this benchmark's processes (this one, the sink, the workers and their work horses), "
        "of which sink% the SMTP sink and wrk% the workers; the rest of busy% is PostgreSQL, "
        "Redis and whatever else ran (other people's tests). Sampled from /proc, +-3 points."
    )
    print(
        f"Notices created in {one.notes['create']:.1f} s (1 worker) and "
        f"{two.notes['create']:.1f} s (2 workers), inside the fan-out times above; breach "
        f"notices in {breach_one.notes['create']:.1f} s and {breach_two.notes['create']:.1f} s."
    )
    print()
    print("Ratios (same run):")
    scale = two.rate / one.rate
    print(f"  2 workers vs 1 worker            : {scale:5.2f}x   (target >= 1.8x)")
    print(
        f"  1 worker vs raw Django build+send: {one.rate / raw.rate * 100:5.0f}%   "
        f"(target >= 80%; {one.rate:,.0f} vs {raw.rate:,.0f} emails/s)"
    )
    print(
        f"  each of 2 workers vs raw Django  : {two.rate / 2 / raw.rate * 100:5.0f}%   "
        f"({two.rate / 2:,.0f} vs {raw.rate:,.0f} emails/s)"
    )
    print(
        f"  1 worker vs prebuilt send loop   : {one.rate / prebuilt.rate * 100:5.0f}%   "
        f"({one.rate:,.0f} vs {prebuilt.rate:,.0f} emails/s; the loop has no database)"
    )
    print(
        f"  2 workers vs 2 prebuilt senders  : {two.rate / parallel.rate * 100:5.0f}%   "
        f"({two.rate:,.0f} vs {parallel.rate:,.0f} emails/s; the senders have no database)"
    )
    print(
        f"  2 prebuilt senders vs 1          : {parallel.rate / prebuilt.rate:5.2f}x   "
        "(what two of anything can gain here, with this sink)"
    )
    print(
        f"  2 prebuilt senders vs naive loop : {parallel.rate / loop.rate:5.1f}x   "
        "(the most any per-customer SMTP fan-out reaches on this machine)"
    )
    print(
        f"  1 worker vs naive loop           : {one.rate / loop.rate:5.1f}x   "
        f"(target >= 10x; {one.rate:,.0f} vs {loop.rate:,.0f} customers/s)"
    )
    print(
        f"  2 workers vs naive loop          : {two.rate / loop.rate:5.1f}x   "
        f"(naive for all {args.customers}: ~{args.customers / loop.rate:,.0f} s extrapolated)"
    )
    print("Breach notification (same run, same workers):")
    print(
        f"  breach vs notice fan-out, 1 wrk  : {breach_one.rate / one.rate * 100:5.0f}%   "
        f"({breach_one.rate:,.0f} vs {one.rate:,.0f} emails/s)"
    )
    print(
        f"  breach vs notice fan-out, 2 wrk  : {breach_two.rate / two.rate * 100:5.0f}%   "
        f"({breach_two.rate:,.0f} vs {two.rate:,.0f} emails/s)"
    )
    print(f"  breach, 2 workers vs 1           : {breach_two.rate / breach_one.rate:5.2f}x")
    print(
        f"  breach, 1 worker vs raw Django   : {breach_one.rate / raw.rate * 100:5.0f}%   "
        f"({breach_one.rate:,.0f} vs {raw.rate:,.0f} emails/s)"
    )
    print(
        f"  breach, 1 / 2 workers vs naive   : {breach_one.rate / loop.rate:5.1f}x / "
        f"{breach_two.rate / loop.rate:.1f}x"
    )
    print_total_time(total_start)


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--customers", type=int, default=100_000, help="customers to notify (default 100000)"
    )
    parser.add_argument(
        "--raw", type=int, default=10_000, help="emails of each raw-rate loop (default 10000)"
    )
    parser.add_argument(
        "--naive", type=int, default=2_000, help="customers of the naive loop (default 2000)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=None, help="NOTICE_BATCH_SIZE (default: the app's)"
    )
    parser.add_argument(
        "--worker-class",
        default=None,
        help="RQ worker class, e.g. rq.SimpleWorker (default: rq's forking Worker)",
    )
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="a temporary SQLite file (WAL) shared by the workers, instead of PostgreSQL",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    parser.add_argument(
        "--timeout", type=float, default=1800, help="stop after this many seconds (1800)"
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # A SIGTERM stops the run like Ctrl-C: what it started is stopped, its data removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if min(args.customers, args.raw, args.naive) < 1:
        raise SystemExit("--customers, --raw and --naive must be positive")
    total_start = time.perf_counter()
    deadline = time.monotonic() + args.timeout
    loads = [", ".join(f"{v:.2f}" for v in os.getloadavg())]
    url = "" if args.sqlite else os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if url and not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (or use --sqlite)")
    import redis

    queue_db = redis.Redis.from_url(args.redis_url)
    if queue_db.dbsize():
        raise SystemExit(f"Redis database {args.redis_url} is not empty; name another one")
    import tempfile

    sink = workers = database = None
    log_dir = tempfile.TemporaryDirectory(prefix="notice-fanout-bench-")
    try:
        sink = Sink()
        database = BenchmarkDatabase(url)
        config = {
            "database": database.settings(),
            "redis_url": args.redis_url,
            "smtp_port": sink.port,
            "batch_size": args.batch_size,
            "worker_class": args.worker_class,
        }
        setup_django(bench_settings(config, worker=False))
        create_and_migrate(database)
        setup = {}
        print(f"Creating {args.customers} customers...", flush=True)
        start = time.perf_counter()
        create_customers(args.customers)
        setup["customers"] = time.perf_counter() - start
        versions = {key: publish_policy(*names) for key, names in POLICIES.items()}
        analyze()
        from django.db import connection

        connection.close()  # the workers' connections are their own

        sample = min(args.raw, args.customers)
        print(f"Raw rates over {sample} emails...", flush=True)
        raw = measured(
            sink,
            "raw: Django build + send, 1 SMTP connection",
            sample,
            raw_django(versions["one"], sample),
        )
        prebuilt = measured(
            sink,
            "raw: prebuilt bytes send loop, 1 connection",
            sample,
            raw_prebuilt(versions["one"], sample),
        )
        parallel = measured(
            sink,
            "raw: prebuilt bytes, 2 senders at once",
            sample,
            raw_prebuilt_parallel(versions["one"], sample),
        )
        subset = min(args.naive, args.customers)
        print(f"Naive loop over {subset} customers...", flush=True)
        loop = measured(
            sink,
            "naive loop: query + send_mail per customer",
            subset,
            naive(versions["naive"], subset),
        )

        workers = Workers(config, log_dir.name)
        rows = [raw, prebuilt, parallel, loop]
        for count, key in ((1, "one"), (2, "two")):
            print(f"Fan-out to {args.customers} customers with {count} worker(s)...", flush=True)
            workers.start(count, deadline)
            work, drained = rq_fan_out(versions[key], args.customers, workers, deadline)
            plural = "s" if count > 1 else ""
            label = f"fan-out, {count} RQ worker{plural}"
            row = measured(sink, label, args.customers, work, workers.pids())
            drained()
            row.notes["create"] = check_fan_out(versions[key], args.customers)
            print(f"  {row.seconds:.1f} s, {row.rate:,.0f} customers/s", flush=True)
            rows.append(row)
            print(f"Breach notification to {args.customers} customers...", flush=True)
            notification = record_breach(f"Breach of the benchmark ({count} worker{plural})")
            work, drained = rq_breach(notification, args.customers, workers, deadline)
            label = f"breach notification, {count} RQ worker{plural}"
            row = measured(sink, label, args.customers, work, workers.pids())
            drained()
            row.notes["create"] = check_breach(notification, args.customers)
            print(f"  {row.seconds:.1f} s, {row.rate:,.0f} customers/s", flush=True)
            rows.append(row)
            workers.stop()
        loads.append(", ".join(f"{v:.2f}" for v in os.getloadavg()))
        report(rows, args, database, setup, loads, total_start)
    finally:
        if workers is not None:
            workers.stop()
        if sink is not None:
            sink.stop()
        if database is not None and database.url:
            try:
                database.drop()
            except Exception as error:  # noqa: BLE001 - reported, the rest still cleaned up
                print(f"Could not drop the benchmark database: {error}", file=sys.stderr)
        queue_db.flushdb()
        log_dir.cleanup()


if __name__ == "__main__":
    if "--sink" in sys.argv:
        sink_main()
    elif "--worker" in sys.argv:
        worker_main()
    else:
        main()
