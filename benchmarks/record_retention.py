r"""Benchmark of retention by age for live accounts (``privacy_tick --only retention``)
against what a shop writes without the plugin.

Run from the repository root::

    .venv/bin/python benchmarks/record_retention.py [--customers 20000] [--naive 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/record_retention.py

What it does, on a fresh database (a temporary SQLite file, or with ``DATABASE_URL`` a
dedicated database created on that server and dropped afterwards), with ``tests.settings``
(whose test app registers the ``invoices`` source: ``keep_for = "10y"`` counted from
``issued_at``, ``after_retention`` the default ``"delete"``; the only source with a retention
rule) and the engine's default ``RETENTION_BATCH_SIZE`` (500):

* creates three sets of live customers in bulk (``bulk_create``, one transaction per set):
  signed in within the last month, each with 4-6 invoices (5 on average) whose issue dates are
  spread evenly over the last 15 years (a low-discrepancy sequence), so about a third are past
  the 10-year mark; none is issued within 3 days of it, so the run's minutes never move an
  invoice across it. The invoices are inserted in the order of their issue dates, as a shop's
  table grows, so primary keys follow the dates (``--order customer``: customer by customer,
  primary keys unrelated to the dates, so each of the step's keyset batches reads about three
  rows for every row due). The sets: ``--customers`` for the step, as many for the one-liner and
  ``--naive`` for the per-object loop;
* before each timed phase, untimed, what a live server does after a bulk of writes: on
  PostgreSQL ``VACUUM ANALYZE`` and ``CHECKPOINT``, on SQLite ``ANALYZE`` and ``PRAGMA
  wal_checkpoint(TRUNCATE)`` (without it, a commit of the phase measured copied the
  write-ahead log of the data build into the database: the step's 67 commits took 0.17 s
  instead of 0.03 s);
* **baselines**, run first (the step retires every invoice past 10 years in the table, so it
  must find only its own set's), each on a new connection, written as a shop writes them with
  ``cutoff = now - 10 years``; each is restricted to its own set's primary keys
  (``pk__range``), which only the benchmark needs:

  - **naive loop**: ``for invoice in Invoice.objects.filter(issued_at__lt=cutoff):
    invoice.delete()`` in autocommit, over the ``--naive`` set (default 2,000 customers: one
    ``DELETE`` and one commit per invoice, so compare per row; its time for the step's rows is
    extrapolated);
  - **one-liner**: ``Invoice.objects.filter(issued_at__lt=cutoff).delete()`` over a set as large
    as the step's: Django deletes the rows with one unbatched ``DELETE`` (no signal receivers
    and nothing pointing at ``Invoice``, so its collector fast-deletes), in one transaction that
    holds every row it deletes until it commits. The fair "expert" baseline;

* **step**, through the public door ``call_command("privacy_tick", "--only", "retention")`` on
  a new connection, as a cron-run ``manage.py privacy_tick`` is. Afterwards it checks that
  the step reported exactly the step set's invoices past 10 years, that none past 10 years is
  left in the table while every younger invoice of every set is (count and dates), that a
  ``RetentionRun`` records the counts and its end, and that a second run (timed too, on a new
  connection) retires 0 and is recorded;
* counts SQL statements with ``connection.execute_wrapper`` (nothing stored; on SQLite
  Django's ``BEGIN`` statements too, on PostgreSQL the driver opens transactions uncounted;
  ``COMMIT`` never) and times the longest transaction that writes, from Django's ``BEGIN`` to
  after its ``COMMIT`` (through ``connection.set_autocommit``; a write in autocommit is timed
  alone): how long the rows it deletes stay locked. For the one-liner that is all of its work,
  for the step one batch;
* ``--rounds`` (default 3) rounds of all this, each on data of its own (whatever a round
  leaves is deleted, untimed, before the next); the table shows each phase's median time and
  its largest memory growth, and the rows/s of every round;
* bytes written by the database during each phase: on PostgreSQL the write-ahead log the
  server generated (``pg_current_wal_lsn()``, the whole server's), on SQLite what this process
  sent to storage (``write_bytes`` of ``/proc/self/io``: the write-ahead log and its
  checkpoints into the file);
* memory: growth of the process's peak resident set (``VmHWM`` reset through
  ``/proc/self/clear_refs``, Linux only) over each timed phase, after ``gc.collect()`` and
  glibc's ``malloc_trim(0)`` so that memory an earlier phase freed is not silently reused.

``--receiver`` connects a no-op ``post_delete`` receiver to ``Invoice`` (as a shop's audit log
or search index would) before anything is timed: then Django can no longer fast-delete, and
both the one-liner and each of the step's batches load the rows they delete through Django's
collector (the one-liner all of them at once).

Size: the default, 20,000 customers (~100,000 invoices for the step, ~33,000 of them retired)
in 3 rounds, takes about 50 s on SQLite and 75 s on PostgreSQL on a 2-core machine, most of it
building the data (the step itself takes under half a second a round). Figures vary with the
machine; compare rows of one run.
"""

import argparse
import ctypes
import gc
import io
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    analyze,
    base_settings,
    mib_text,
    print_total_time,
    run_database,
    setup_django,
    timed_with_rss,
    versions_text,
)

KEEP_YEARS = 10  # the test app's InvoiceSource.keep_for
SPAN = timedelta(days=15 * 365.25)  # invoices are spread over the last 15 years
MARGIN = timedelta(days=3)  # no invoice is issued closer than this to the 10-year mark
PHI = 0.6180339887498949  # the golden ratio's fraction: an even spread of issue dates
BATCH = 5000
SETS = {"step": "step", "one-liner": "bulk", "naive": "loop"}
ORDERS = {  # --order, as the report says it
    "issued": "in the order of their issue dates (primary keys follow the dates)",
    "customer": "customer by customer (primary keys unrelated to the dates)",
}


# --- Django setup -------------------------------------------------------------------------


def configure(database):
    """Configure Django from ``tests.settings`` with ``database`` as the default database."""
    setup_django(base_settings(database))


def noop_receiver(sender, instance, **kwargs):
    """``--receiver``: a post_delete receiver doing nothing, as an audit log's would."""


# --- Data ---------------------------------------------------------------------------------


def years_before(moment, years):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def keep_cutoff(now):
    """The 10-year mark at ``now``, as the shop computes it (the site's time zone)."""
    from django.utils import timezone

    return years_before(timezone.localtime(now), KEEP_YEARS)


def issue_date(n, now, cutoff):
    """The issue date of the ``n``-th invoice of a set: spread evenly over ``SPAN``, never
    within ``MARGIN`` of the 10-year mark."""
    issued_at = now - timedelta(minutes=1) - SPAN * ((n * PHI) % 1.0)
    if cutoff - MARGIN < issued_at < cutoff + MARGIN:
        issued_at = cutoff - MARGIN if issued_at < cutoff else cutoff + MARGIN
    return issued_at


@dataclass
class Created:
    """One set of customers and invoices as built: what is due and what is kept."""

    prefix: str
    customers: int
    old: int = 0  # invoices past the 10-year mark
    kept: int = 0  # the others
    first_pk: int = 0
    last_pk: int = 0

    @property
    def invoices(self):
        return self.old + self.kept

    def invoices_qs(self):
        from tests.testapp.models import Invoice

        return Invoice.objects.filter(number__startswith=f"{self.prefix}-")


def create_customers(prefix, count, now, order="issued"):
    """``count`` live customers with 4-6 invoices each, issued over the last 15 years.

    ``order="issued"``: the invoices are inserted in the order of their issue dates, as a
    shop's table grows (primary keys follow the dates); ``"customer"``: customer by customer
    (primary keys unrelated to the dates).
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Max, Min

    from tests.testapp.models import Invoice

    User = get_user_model()
    cutoff = keep_cutoff(now)
    created = Created(prefix, count)
    invoices = []
    with transaction.atomic():
        for start in range(0, count, BATCH):
            indexes = range(start, min(count, start + BATCH))
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"{prefix}{i:07d}",
                        email=f"{prefix}{i:07d}@example.com",
                        first_name="Ana",
                        last_name=f"Novak {i}",
                        password=make_password(None),
                        last_login=now - timedelta(days=i % 30, minutes=i % 1440),
                        date_joined=now - SPAN - timedelta(days=30, minutes=i % 1440),
                    )
                    for i in indexes
                ],
                batch_size=BATCH,
            )
            if any(u.pk is None for u in users):  # a backend that returns no primary keys
                pks = dict(
                    User.objects.filter(username__startswith=prefix).values_list("username", "pk")
                )
                for user in users:
                    user.pk = pks[user.username]
            for i, user in zip(indexes, users, strict=True):
                for k in range(4 + i % 3):
                    issued_at = issue_date(len(invoices), now, cutoff)
                    if issued_at < cutoff:
                        created.old += 1
                    else:
                        created.kept += 1
                    invoices.append(
                        Invoice(
                            customer_id=user.pk,
                            number=f"{prefix}-{i}-{k}",
                            issued_at=issued_at,
                            billing_name=f"Ana Novak {i}",
                            billing_address=f"Slovenska cesta {i}, 1000 Ljubljana",
                        )
                    )
        if order == "issued":
            invoices.sort(key=lambda invoice: invoice.issued_at)
        for start in range(0, len(invoices), BATCH):
            Invoice.objects.bulk_create(invoices[start : start + BATCH], batch_size=BATCH)
    bounds = created.invoices_qs().aggregate(first=Min("pk"), last=Max("pk"))
    created.first_pk, created.last_pk = bounds["first"], bounds["last"]
    assert created.invoices_qs().count() == created.invoices
    assert created.last_pk - created.first_pk + 1 == created.invoices  # one range: its own
    return created


def settle():
    """Before each timed phase, untimed: what a live server has done since the bulk of
    writes before it (autovacuum, a checkpoint), so no phase pays for the one before.

    PostgreSQL: ``VACUUM ANALYZE`` and ``CHECKPOINT`` (skipped if not allowed). SQLite:
    ``ANALYZE`` and ``PRAGMA wal_checkpoint(TRUNCATE)``: the write-ahead log the data build
    left would otherwise be copied into the database at a commit of the phase measured.
    """
    from django.db import DatabaseError, connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            try:
                cursor.execute("CHECKPOINT")
            except DatabaseError:  # a role without the right: the server's own checkpoints
                pass
    else:
        analyze()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- Measurement --------------------------------------------------------------------------


class StatementTimer:
    """Counts SQL statements through ``connection.execute_wrapper`` and times the longest
    transaction that writes (None without one).

    A transaction is timed from Django turning autocommit off (``atomic`` entering, its
    ``BEGIN``) to turning it back on (after the ``COMMIT``, before on-commit hooks), through
    ``connection.set_autocommit`` while ``timing()`` lasts; a write statement in autocommit
    is a transaction of its own, timed alone.
    """

    WRITES = ("DELETE", "UPDATE", "INSERT")

    def __init__(self):
        self.count = 0
        self.spans = []  # seconds of each transaction that writes
        self.began = None
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        from django.db import connection

        self.count += 1
        writes = sql.lstrip()[:6].upper() in self.WRITES
        if not writes:
            return execute(sql, params, many, context)
        self.wrote = True
        if not connection.get_autocommit():
            return execute(sql, params, many, context)
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.record(time.perf_counter() - start)

    def record(self, seconds):
        self.spans.append(seconds)

    @contextmanager
    def timing(self):
        from django.db import DEFAULT_DB_ALIAS, connections

        wrapper = connections[DEFAULT_DB_ALIAS]
        original = wrapper.set_autocommit

        def set_autocommit(autocommit, *args, **kwargs):
            if autocommit and self.began is not None:
                if self.wrote:
                    self.record(time.perf_counter() - self.began)
                self.began = None
            elif not autocommit:
                wrapper.ensure_connection()  # opening a connection is no part of it
                self.began, self.wrote = time.perf_counter(), False
            return original(autocommit, *args, **kwargs)

        wrapper.set_autocommit = set_autocommit
        try:
            yield self
        finally:
            del wrapper.set_autocommit


def trim_heap():
    """Give the memory freed so far back to the system (glibc), so peak RSS growth counts it."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


@dataclass
class Result:
    label: str
    rows: int  # invoices retired
    seconds: float
    queries: int
    spans: list  # seconds of each transaction that writes
    rss: int | None  # peak RSS growth, bytes
    value: object = None
    rounds: list = field(default_factory=list)  # of a median: each round's result
    written: int | None = None  # bytes written by the database (see bytes_written)

    @property
    def rate(self):
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def longest(self):
        return max(self.spans) if self.spans else None

    @property
    def typical(self):
        """The median transaction that writes."""
        return statistics.median(self.spans) if self.spans else None


def run(work, *, label, rows_of=lambda value: value):
    """Run ``work()`` once, timed, counting its statements and its peak RSS growth."""
    timer = StatementTimer()
    trim_heap()
    before = bytes_written()
    with timer.timing():
        value, seconds, rss = timed_with_rss(work, timer)
    after = bytes_written()
    written = None if before is None or after is None else after - before
    return Result(
        label, rows_of(value), seconds, timer.count, timer.spans, rss, value, written=written
    )


def bytes_written():
    """What the database has written so far, in bytes, or None: on PostgreSQL the server's
    write-ahead log position (the whole server's); on SQLite the bytes this process has sent
    to storage (``/proc/self/io``: the write-ahead log and its checkpoints into the file)."""
    from django.db import DatabaseError, connection

    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
                return int(cursor.fetchone()[0])
        except DatabaseError:
            return None
    try:
        with open("/proc/self/io") as io_file:
            for line in io_file:
                if line.startswith("write_bytes:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def fresh_connection():
    """Close the connection: the next statement opens a new one, as a new process would.

    ``connection.execute_wrapper`` belongs to the connection handler, so counting goes on.
    """
    from django.db import connections

    connections.close_all()


def tick_retention():
    """``manage.py privacy_tick --only retention`` on a new connection; its report as a dict."""
    from django.core.management import call_command

    fresh_connection()
    out = io.StringIO()
    call_command("privacy_tick", "--only", "retention", stdout=out)
    text = out.getvalue().strip()
    assert text.startswith("retention: "), text
    return {
        key: int(value)
        for key, value in (item.split("=") for item in text.removeprefix("retention: ").split(", "))
    }


def retired_invoices(report):
    return report["retired_invoices"]


def naive_loop(created):
    """The per-object loop, in autocommit, over one set's invoices."""
    from django.utils import timezone

    from tests.testapp.models import Invoice

    def work():
        fresh_connection()
        cutoff = years_before(timezone.now(), KEEP_YEARS)
        retired = 0
        for invoice in Invoice.objects.filter(
            pk__range=(created.first_pk, created.last_pk), issued_at__lt=cutoff
        ):
            invoice.delete()
            retired += 1
        return retired

    return work


def one_liner(created):
    """``Invoice.objects.filter(issued_at__lt=cutoff).delete()`` over one set."""
    from django.utils import timezone

    from tests.testapp.models import Invoice

    def work():
        fresh_connection()
        cutoff = years_before(timezone.now(), KEEP_YEARS)
        _total, per_model = Invoice.objects.filter(
            pk__range=(created.first_pk, created.last_pk), issued_at__lt=cutoff
        ).delete()
        return per_model.get(Invoice._meta.label, 0)

    return work


# --- Checks -------------------------------------------------------------------------------


def check_set(created):
    """The set's invoices past 10 years are gone and every younger one is there, unchanged."""
    from django.utils import timezone

    left = created.invoices_qs()
    cutoff = keep_cutoff(timezone.now())
    assert left.count() == created.kept, (created.prefix, left.count(), created.kept)
    assert not left.filter(issued_at__lt=cutoff).exists(), created.prefix
    assert not left.filter(customer=None).exists() and not left.filter(billing_name="").exists()


def check_step(report, second, created, sets, runs_before):
    from django.utils import timezone

    from tests.testapp.models import Invoice
    from wagtail_privacy.rights.models import RetentionRun

    assert report == {"retired_invoices": created.old}, (report, created.old)
    assert second == {"retired_invoices": 0}, second
    for each in sets:
        check_set(each)
    cutoff = keep_cutoff(timezone.now())
    assert not Invoice.objects.filter(issued_at__lt=cutoff).exists()
    assert Invoice.objects.count() == sum(each.kept for each in sets)
    runs = list(RetentionRun.objects.exclude(pk__in=runs_before).order_by("pk"))
    assert len(runs) == 2, runs
    first, again = runs
    assert first.counts == {"invoices": created.old} and first.finished_at, first.counts
    assert again.counts == {"invoices": 0} and again.finished_at, again.counts
    assert first.started_at <= first.finished_at <= again.started_at <= again.finished_at


# --- Report -------------------------------------------------------------------------------


def ms_text(seconds):
    """Seconds as milliseconds with one decimal, or ``-`` for None."""
    return "-" if seconds is None else f"{seconds * 1000:.1f}"


def ratio_range(row, baseline):
    """The range of ``row``'s rows/s over ``baseline``'s, round by round."""
    ratios = [r.rate / b.rate for r, b in zip(row.rounds, baseline.rounds, strict=True)]
    return f"{min(ratios):.2f}-{max(ratios):.2f}x"


def report(rows, args, database, sets, setup, total_start):
    from django.db import connection

    from wagtail_privacy.conf import privacy_settings
    from wagtail_privacy.rights.record_retention import sources_with_rules

    loop, bulk, step, again = rows
    built, expert, naive = sets
    print()
    print("wagtail-privacy record retention benchmark (privacy_tick --only retention, in-process)")
    print(f"  database : {database.description}")
    print(f"  versions : {versions_text()}")
    print(
        f"  data     : live customers (signed in within the month) with 4-6 invoices each, issued "
        f"over the last 15 years, inserted {ORDERS[args.order]}; built with bulk_create in "
        f"{setup:.1f} s a round (median)"
    )
    for label, each in (("step", built), ("one-liner", expert), ("naive loop", naive)):
        print(
            f"             {label:<10}: {each.customers:,} customers, {each.invoices:,} invoices, "
            f"{each.old:,} past 10 years + {each.kept:,} younger"
        )
    print(
        f"  settings : RETENTION_BATCH_SIZE={privacy_settings.RETENTION_BATCH_SIZE}; sources with "
        f"a retention rule: {', '.join(s.name for s in sources_with_rules())} (keep_for=10y, "
        "keep_from=issued_at, after_retention=delete); Invoice.issued_at has no index"
    )
    if args.receiver:
        print(
            "  receiver : a no-op post_delete receiver on Invoice (--receiver): no fast delete, "
            "Django's collector loads every row it deletes"
        )
    print("  step     : call_command('privacy_tick', '--only', 'retention') on a new connection")
    print(
        "  settled  : before each timed phase, untimed: "
        + (
            "VACUUM ANALYZE, CHECKPOINT"
            if connection.vendor == "postgresql"
            else "ANALYZE, PRAGMA wal_checkpoint(TRUNCATE)"
        )
    )
    print(f"             reported: {step.value}; second run: {again.value}")
    print(
        "  baselines: run first, each on its own set, new connection, autocommit, cutoff = "
        "now - 10 years, restricted to the set's pk range"
    )
    print(
        f"  rounds   : {args.rounds}, each on data of its own (what a round leaves is deleted "
        "before the next); the table shows medians, RSS the largest growth"
    )
    if naive.customers < built.customers:
        print(
            f"  NOTE     : the naive loop ran over {naive.customers:,} customers (of "
            f"{built.customers:,}); compare per-row figures; its total is extrapolated below"
        )
    print()
    header = (
        f"{'phase':<44} {'rows':>7} {'wall s':>8} {'rows/s':>9} {'µs/row':>8} "
        f"{'statements':>10} {'stmt/1k rows':>12} {'txns':>5} {'txn p50 ms':>10} "
        f"{'txn max ms':>10} {'MiB written':>11} {'RSS+MiB':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in (loop, bulk, step, again):
        print(
            f"{row.label:<44} {row.rows:>7,} {row.seconds:>8.2f} {row.rate:>9,.0f} "
            f"{row.seconds * 1e6 / row.rows if row.rows else 0:>8.1f} {row.queries:>10,} "
            f"{row.queries * 1000 / row.rows if row.rows else 0:>12.1f} "
            f"{len(row.spans) // len(row.rounds):>5,} {ms_text(row.typical):>10} "
            f"{ms_text(row.longest):>10} {mib_text(row.written):>11} {mib_text(row.rss):>7}"
        )
    print()
    for row in (loop, bulk, step):
        print(
            f"  {row.label + ', rows/s per round:':<64} "
            + ", ".join(f"{r.rate:,.0f}" for r in row.rounds)
        )
    print()
    print(
        "rows: invoices retired (deleted). statements: counted with connection.execute_wrapper "
        "(on SQLite Django's BEGIN too; on PostgreSQL the driver opens transactions uncounted; "
        "COMMIT never). txns: transactions that write, a round; txn ms: their median and "
        "longest over all rounds, BEGIN to COMMIT (a write in autocommit: the statement), as "
        "long as the rows they delete stay locked: the one-liner's is all of its work, the "
        "step's one batch each (and its RetentionRun)."
    )
    print(
        "MiB written (median): "
        + (
            "write-ahead log the server generated during the phase (pg_current_wal_lsn; the "
            "whole server's, so other sessions' writes count too)."
            if connection.vendor == "postgresql"
            else "bytes this process sent to storage during the phase (/proc/self/io "
            "write_bytes: SQLite's write-ahead log and its checkpoints into the file)."
        )
    )
    print(
        "RSS+MiB: growth of the peak resident set during the phase, after gc and malloc_trim "
        "(includes allocator slack)."
    )
    print()
    print("Ratios (step vs baseline; > 1 means the step is better):")
    step_q, loop_q, bulk_q = (r.queries / r.rows for r in (step, loop, bulk))
    print(
        f"  vs naive loop  rows/s           : {step.rate / loop.rate:7.2f}x  "
        f"({step.rate:,.0f} vs {loop.rate:,.0f}; rounds {ratio_range(step, loop)})"
    )
    print(
        f"  vs naive loop  statements/row   : {loop_q / step_q:7.2f}x  "
        f"({step_q:.4f} vs {loop_q:.4f})"
    )
    if step.written and loop.written:
        step_w, loop_w = step.written / step.rows / 1024, loop.written / loop.rows / 1024
        print(
            f"  vs naive loop  bytes written/row: {loop_w / step_w:7.2f}x  "
            f"({step_w:.2f} vs {loop_w:.2f} KiB)"
        )
    print(
        f"  vs one-liner   rows/s           : {step.rate / bulk.rate:7.2f}x  "
        f"({step.rate:,.0f} vs {bulk.rate:,.0f}; rounds {ratio_range(step, bulk)})"
    )
    print(
        f"  vs one-liner   statements/row   : {bulk_q / step_q:7.4f}x  "
        f"({step_q:.4f} vs {bulk_q:.6f})"
    )
    print(
        f"  vs one-liner   longest txn      : {bulk.longest / step.longest:7.2f}x  "
        f"({ms_text(step.longest)} vs {ms_text(bulk.longest)} ms, the step's median "
        f"{ms_text(step.typical)} ms; rows locked at once: at most "
        f"{privacy_settings.RETENTION_BATCH_SIZE} vs {bulk.rows:,})"
    )
    if step.written is not None and bulk.written:
        print(
            f"  vs one-liner   bytes written    : {bulk.written / step.written:7.2f}x  "
            f"({mib_text(step.written)} vs {mib_text(bulk.written)} MiB)"
        )
    if step.rss is not None and bulk.rss is not None:
        print(
            f"  peak RSS growth                 : step {mib_text(step.rss)}, one-liner "
            f"{mib_text(bulk.rss)}, naive loop {mib_text(loop.rss)} MiB"
        )
    if loop.rows < step.rows:
        print(
            f"  the step's {step.rows:,} rows: step {step.seconds:.2f} s and {step.queries:,} "
            f"statements measured; naive loop ~{step.rows / loop.rate:,.1f} s and "
            f"~{loop_q * step.rows:,.0f} statements extrapolated from {loop.rows:,} rows"
        )
    print()
    print_total_time(total_start)


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--customers",
        type=int,
        default=20_000,
        help="live customers of the step's set, and of the one-liner's (default 20000)",
    )
    parser.add_argument(
        "--naive",
        type=int,
        default=2_000,
        help="customers of the naive loop's set (default 2000, at most --customers)",
    )
    parser.add_argument(
        "--order",
        choices=sorted(ORDERS),
        default="issued",
        help="issued (default): invoices inserted in the order of their issue dates, as a "
        "shop's table grows; customer: customer by customer, primary keys unrelated to the dates",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds, each on data of its own; the report shows medians (default 3)",
    )
    parser.add_argument(
        "--receiver",
        action="store_true",
        help="connect a no-op post_delete receiver to Invoice: no fast delete",
    )
    return parser.parse_args(argv)


def clear_invoices():
    """Delete every invoice left by a round, untimed, so each round starts alike."""
    from django.db import connection

    from tests.testapp.models import Invoice

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Invoice._meta.db_table)}")


def one_round(number, args, subset):
    """Build the round's three sets, run the baselines then the step, check; the results."""
    from django.utils import timezone

    from wagtail_privacy.rights.models import RetentionRun

    now = timezone.now()
    print(
        f"Round {number}: creating {args.customers:,} + {args.customers:,} + {subset:,} live "
        "customers...",
        flush=True,
    )
    start = time.perf_counter()
    prefixes = {name: f"r{number}{prefix}" for name, prefix in SETS.items()}
    built = create_customers(prefixes["step"], args.customers, now, args.order)
    expert = create_customers(prefixes["one-liner"], args.customers, now, args.order)
    naive = create_customers(prefixes["naive"], subset, now, args.order)
    setup = time.perf_counter() - start
    print(f"  {setup:.1f} s", flush=True)

    settle()
    loop = run(naive_loop(naive), label="baseline: naive per-object loop")
    assert loop.value == naive.old, (loop.value, naive.old)
    check_set(naive)
    settle()
    bulk = run(one_liner(expert), label="baseline: one-liner .filter().delete()")
    assert bulk.value == expert.old, (bulk.value, expert.old)
    check_set(expert)

    settle()
    runs_before = list(RetentionRun.objects.values_list("pk", flat=True))
    step = run(
        tick_retention, label="step: privacy_tick --only retention", rows_of=retired_invoices
    )
    again = run(tick_retention, label="step, second run (nothing due)", rows_of=retired_invoices)
    check_step(step.value, again.value, built, (built, expert, naive), runs_before)
    print(
        "  s: naive loop {:.2f}, one-liner {:.2f}, step {:.2f}, second run {:.2f}".format(
            *(row.seconds for row in (loop, bulk, step, again))
        ),
        flush=True,
    )
    clear_invoices()
    return [loop, bulk, step, again], (built, expert, naive), setup


def median_of(results):
    """One phase over the rounds: median time and bytes written, longest transaction, largest
    RSS growth."""
    first = results[0]
    assert all(r.rows == first.rows for r in results), [r.rows for r in results]
    rss = [r.rss for r in results if r.rss is not None]
    written = [r.written for r in results if r.written is not None]
    return Result(
        first.label,
        first.rows,
        statistics.median(r.seconds for r in results),
        round(statistics.median(r.queries for r in results)),
        [span for r in results for span in r.spans],
        max(rss) if rss else None,
        first.value,
        results,
        written=statistics.median(written) if written else None,
    )


def main(argv=None):
    args = parse_args(argv)
    if args.customers < 1 or args.naive < 1 or args.rounds < 1:
        raise SystemExit("--customers, --naive and --rounds must be positive")
    subset = min(args.naive, args.customers)
    total_start = time.perf_counter()
    with run_database(configure) as database:
        from django.db.models.signals import post_delete

        from tests.testapp.models import Invoice

        if args.receiver:
            post_delete.connect(noop_receiver, sender=Invoice, dispatch_uid="bench_receiver")
        rounds, setups = [], []
        for number in range(1, args.rounds + 1):
            rows, sets, setup = one_round(number, args, subset)
            rounds.append(rows)
            setups.append(setup)
        phases = [median_of(list(results)) for results in zip(*rounds, strict=True)]
        report(phases, args, database, sets, statistics.median(setups), total_start)


if __name__ == "__main__":
    main()
