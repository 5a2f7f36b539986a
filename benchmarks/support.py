"""Helpers the benchmark scripts share: the run's database, Django setup, counting, memory.

Nothing here imports Django at module level: ``export_stream.py`` and ``pdf_render.py`` start
their measuring subprocesses before the parent imports Django.
"""

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS_BACKEND = "django_tasks.backends.dummy.DummyBackend"


# --- Django setup -------------------------------------------------------------------------


def base_settings(database):
    """``tests.settings`` as a dict, with ``database`` as default, DEBUG off, tasks not run."""
    from tests import settings as test_settings

    values = {name: getattr(test_settings, name) for name in dir(test_settings) if name.isupper()}
    values["DATABASES"] = {"default": database}
    values["DEBUG"] = False
    # Background work that publishing enqueues (e.g. rendering PDFs, the notice fan-out)
    # belongs to a worker, not to the work measured: enqueue it without running it.
    values["TASKS"] = {"default": {"BACKEND": TASKS_BACKEND}}
    return values


def setup_django(values):
    """Configure Django with the settings ``values`` and set it up."""
    import django
    from django.conf import settings

    settings.configure(**values)
    django.setup()


class BenchmarkDatabase:
    """A database that exists only for the run: a temporary SQLite file or a dedicated one.

    ``tmpdir`` is the folder of the SQLite file (by default a temporary one, removed by
    ``drop``); ``conn_max_age`` is Django's ``CONN_MAX_AGE`` (0: a connection per request).
    """

    def __init__(self, url, tmpdir=None, conn_max_age=0):
        self.url = url
        self.tmpdir = tmpdir
        self.conn_max_age = conn_max_age
        self.own_tmpdir = None
        self.created = False
        self.description = ""

    def settings(self):
        """The ``DATABASES["default"]`` entry of the run's database (a new name each call)."""
        import dj_database_url

        if not self.url:
            if self.tmpdir is None:
                self.own_tmpdir = tempfile.TemporaryDirectory(prefix="wagtail-privacy-bench-")
                self.tmpdir = self.own_tmpdir.name
            path = Path(self.tmpdir) / "bench.sqlite3"
            self.description = f"SQLite (temporary file {path}, WAL, synchronous=NORMAL)"
            database = dj_database_url.parse(f"sqlite:///{path}", conn_max_age=self.conn_max_age)
            # As a site on SQLite runs it (the demo shop too): commits do not wait for the disk.
            database["OPTIONS"] = {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
                "transaction_mode": "IMMEDIATE",
            }
            return database
        database = dj_database_url.parse(self.url)
        if "sqlite" in database["ENGINE"]:
            raise SystemExit("DATABASE_URL must name a database server; SQLite is the default.")
        database["NAME"] = f"wagtail_privacy_bench_{uuid.uuid4().hex[:12]}"
        database["CONN_MAX_AGE"] = self.conn_max_age
        database.setdefault("TEST", {})
        vendor = database["ENGINE"].rsplit(".", 1)[-1]
        self.description = f"{vendor} (dedicated database {database['NAME']} on {self._server()})"
        return database

    def _server(self):
        import dj_database_url

        parsed = dj_database_url.parse(self.url)
        return f"{parsed.get('HOST') or 'localhost'}:{parsed.get('PORT') or 'default port'}"

    def create(self):
        """Create the dedicated database on the server (nothing to do for SQLite)."""
        if not self.url:
            return
        from django.db import connection

        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(self.name)}")
        self.created = True

    def drop(self):
        """Close every connection, then drop the dedicated database or remove the SQLite file."""
        from django.db import connection, connections

        connections.close_all()
        if self.own_tmpdir is not None:
            self.own_tmpdir.cleanup()
            self.own_tmpdir = None
        if not self.created:
            return
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(self.name)}")
        self.created = False

    @property
    def name(self):
        from django.conf import settings

        return settings.DATABASES["default"]["NAME"]


def migrate():
    """Apply every migration to the default database, quietly."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def create_and_migrate(database):
    """Create the run's database, print what it is and migrate it."""
    database.create()
    print(f"Database: {database.description}", flush=True)
    migrate()


@contextmanager
def run_database(configure, *args, **kwargs):
    """The run's database (``DATABASE_URL``), Django configured for it, migrated; then dropped."""
    database = BenchmarkDatabase(os.environ.get("DATABASE_URL"))
    configure(database.settings(), *args, **kwargs)
    try:
        create_and_migrate(database)
        yield database
    finally:
        database.drop()


def analyze():
    """Refresh the planner's statistics after the bulk of writes, as a live database would."""
    from django.db import connection

    if connection.vendor in ("postgresql", "sqlite"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def start_waiting_child(script, flag):
    """Start ``script`` again in a fresh interpreter with ``flag``; it reads its job on stdin."""
    return subprocess.Popen(
        [sys.executable, str(Path(script).resolve()), flag],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


# --- Measurement --------------------------------------------------------------------------


class QueryCounter:
    """Counts SQL statements through ``connection.execute_wrapper``, storing nothing."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class TimedRounds:
    """Requests per second of each timing round in ``self.rounds``, summarised."""

    @property
    def rps(self):
        """The median of the rounds."""
        return statistics.median(self.rounds)

    @property
    def rsd(self):
        """Relative standard deviation of the rounds, in per cent."""
        return statistics.stdev(self.rounds) / statistics.mean(self.rounds) * 100


def proc_status(name):
    """A figure of ``/proc/self/status`` given in kB (e.g. ``VmRSS``), in bytes; else OSError."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(name)


def proc_status_or_none(name):
    """``proc_status(name)``, or None where it cannot be read."""
    try:
        return proc_status(name)
    except OSError:
        return None


def clear_peak_rss():
    """Reset the kernel's peak-RSS mark to the current RSS (Linux); False where impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def reset_peak_rss():
    """Reset the process's peak RSS (Linux); the current RSS in bytes, or None if unsupported."""
    if not clear_peak_rss():
        return None
    return proc_status_or_none("VmRSS")


def peak_rss_growth(start):
    """Growth of the peak RSS (``VmHWM``) over ``start`` from ``reset_peak_rss``, or None."""
    if start is None:
        return None
    try:
        return max(0, proc_status("VmHWM") - start)
    except OSError:
        return None


def timed_with_rss(work, counter):
    """Run ``work()`` once under ``counter``: its value, seconds and peak RSS growth."""
    from django.db import connection

    gc.collect()
    with connection.execute_wrapper(counter):
        rss = reset_peak_rss()
        start = time.perf_counter()
        value = work()
        seconds = time.perf_counter() - start
        rss = peak_rss_growth(rss)
    return value, seconds, rss


def traced_memory(work):
    """Run ``work()`` under tracemalloc: its value, peak and kept Python memory in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        value = work()
        gc.collect()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return value, peak - before, after - before


# --- Report -------------------------------------------------------------------------------


def versions_text():
    """``Django x.y, Wagtail x.y`` for a report's header."""
    import django
    import wagtail

    return f"Django {django.get_version()}, Wagtail {wagtail.__version__}"


def mib_text(value):
    """Bytes as MiB with one decimal, or ``-`` for None."""
    return "-" if value is None else f"{value / 2**20:.1f}"


def kib_each_text(value, count):
    """Bytes per item as KiB with two decimals, or ``-`` without a value or a count."""
    return "-" if value is None or not count else f"{value / count / 1024:.2f}"


def print_total_time(total_start):
    """The report's last line: the run's wall time since ``total_start``."""
    print(f"Total run time: {time.perf_counter() - total_start:.1f} s")


def percentile(values, fraction):
    """The ``fraction`` (0-1) percentile of ``values``, nearest-rank; None without values."""
    if not values:
        return None
    import math

    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def clear_cache():
    """Empty Django's default cache: locmem entirely, Redis only for this run's keys."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        delete_redis_keys(backend)
    else:
        backend.clear()


def delete_redis_keys(backend):
    """Delete this run's keys only (its KEY_PREFIX); never FLUSHDB a shared database."""
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
    for i in range(0, len(keys), 1000):
        client.delete(*keys[i : i + 1000])
    return len(keys)
