r"""Benchmark of the streamed data export against Django's JSON serializer, for big customers.

Run from the repository root::

    .venv/bin/python benchmarks/export_stream.py [--sizes 10000,100000] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/export_stream.py

What it does, on a fresh database (a temporary SQLite file, or with ``DATABASE_URL`` a
dedicated database created on that server and dropped afterwards, as ``policy_api.py`` does),
with ``tests.settings`` (whose test app registers the ``orders`` source of ``testapp.Order``):

* creates one customer per size (default 10,000 and 100,000 ``Order`` rows), plus a warm-up
  customer with 100, with ``bulk_create`` in batches (``--batch``) inside one transaction;
  every ``delivery_note`` holds non-ASCII text (Slovenian, Albanian, Croatian, Chinese, an
  emoji), then runs ``ANALYZE``;
* **export**: ``wagtail_privacy.rights.export.build_archive(user, path)``, the whole ZIP as a
  background task builds it: ``data.json`` and one CSV per registered source (so each order
  row is read from the database twice), and ``index.html``;
* **serialize**: ``django.core.serializers.serialize("json",
  Order.objects.filter(customer=user))`` of the same rows, the baseline (it fills the
  queryset's result cache with model instances and returns the whole document as a string);
* each (operation, size) runs in its own fresh worker process, started at the very beginning,
  before the parent imports Django or creates any data (a child's ``ru_maxrss`` starts from
  its parent's peak at spawn time, so spawning from the big parent would hide the child's own
  growth). The worker configures Django, warms up by running the same operation once for the
  warm-up customer, collects garbage, resets the kernel's peak-RSS mark to the current RSS
  (``/proc/self/clear_refs``, Linux; elsewhere the baseline is the peak so far), then:

  1. runs the operation once, timed, and reads ``ru_maxrss``: "RSS growth" is the growth of
     the process's peak resident set over the baseline (no overhead; it includes C memory
     such as zlib's and the database driver's, and the allocator's slack);
  2. runs it ``--repeat`` - 1 more times, timed: the time shown is the median, with the
     fastest and slowest runs beside it;
  3. runs it once more under ``tracemalloc``: "py peak" is the peak of Python allocations
     during the run (tracing makes it several times slower, so it is not timed).

  The operations run one after another, never two at once.
* checks the results after measuring: the export's ``data.json`` is loaded once and must hold
  exactly N ``orders`` records (first and last ones compared field by field, non-ASCII
  included), its ``orders.csv`` must hold N rows; the serializer's output must hold N objects.

It prints a table (time, rows/s, py peak, RSS growth, output size) and the ratios: export
rows/s against serialize rows/s per size, and for each operation how its memory grows from the
smallest to the largest size (rows grow 10x by default). The export streams, so its memory
should stay roughly flat; the serializer's grows with the rows.

Figures vary with the machine; compare rows of one run.
"""

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    BenchmarkDatabase,
    analyze,
    base_settings,
    clear_peak_rss,
    create_and_migrate,
    print_total_time,
    proc_status_or_none,
    setup_django,
    start_waiting_child,
    traced_memory,
    versions_text,
)

OPERATIONS = ("export", "serialize")
WARMUP_ROWS = 100
NOTES = (
    "Pustite pri sosedu — Čebelarska ulica 5, 1000 Ljubljana; zvonec ne dela.",
    "Lëreni te dera e pasme, Rruga e Durrësit 12, Tiranë; faleminderit!",
    "Dostava nakon 17 h, Ulica Žrtava fašizma 3, Šibenik — hvala.",
    "请放在门口，谢谢 🙂 — Straße 7, München, Größe XL",
)
MODEL_LABEL = '"model": "testapp.order"'


# --- Django setup (parent and workers) ----------------------------------------------------


def configure(database, media_root):
    """Configure Django from ``tests.settings`` with ``database`` as the default database."""
    from tests import settings as test_settings

    # tests.settings makes a throwaway MEDIA_ROOT on import; use the run's folder instead.
    try:
        os.rmdir(test_settings.MEDIA_ROOT)
    except OSError:
        pass
    values = base_settings(database)  # DEBUG off: no query log growing with the rows
    values["MEDIA_ROOT"] = media_root
    setup_django(values)


# --- Data ---------------------------------------------------------------------------------


def order_values(index):
    """The values of a customer's order number ``index`` (0-based), for creating and checking."""
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    return {
        "number": f"ORD-{index:09d}",
        "placed_at": datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=7 * index),
        "total": Decimal(index % 100_000) / 100 + Decimal("1.99"),
        "delivery_note": f"{NOTES[index % len(NOTES)]} #{index}",
    }


def create_customer(username, rows, batch):
    from django.contrib.auth import get_user_model

    from tests.testapp.models import Order

    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password=None
    )
    for start in range(0, rows, batch):
        Order.objects.bulk_create(
            [
                Order(customer=user, **order_values(index))
                for index in range(start, min(rows, start + batch))
            ],
            batch_size=batch,
        )
    return user.pk


def build_data(sizes, batch):
    from django.db import transaction

    customers = {}
    with transaction.atomic():
        customers[WARMUP_ROWS] = create_customer("warmup", WARMUP_ROWS, batch)
        for size in sizes:
            customers[size] = create_customer(f"customer-{size}", size, batch)
    return customers


# --- Worker -------------------------------------------------------------------------------


def rss_unit():
    return 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux


def max_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * rss_unit()


def operation(name, user_pk, path):
    """The work measured: returns a callable that runs it and returns its output size."""
    from django.contrib.auth import get_user_model
    from django.core import serializers

    from tests.testapp.models import Order
    from wagtail_privacy.rights.export import build_archive

    user = get_user_model().objects.get(pk=user_pk)
    if name == "export":

        def work():
            counts = build_archive(user, path)
            return counts

        return work

    def work():
        return serializers.serialize("json", Order.objects.filter(customer=user))

    return work


def worker():
    """Run one job read as JSON from stdin; print the result as JSON on the last line."""
    spawn_floor = max_rss()  # the peak inherited from the parent at spawn, and the interpreter
    job = json.loads(sys.stdin.read())
    configure(job["database"], job["media_root"])
    name, size, repeat = job["operation"], job["size"], job["repeat"]

    warmup = operation(name, job["warmup_user"], job["path"] + ".warmup.zip")
    warmup()
    del warmup
    work = operation(name, job["user"], job["path"])

    gc.collect()
    reset = clear_peak_rss()
    baseline, baseline_current = max_rss(), proc_status_or_none("VmRSS")
    start = time.perf_counter()
    result = work()
    times = [time.perf_counter() - start]
    growth = max_rss() - baseline
    if name == "serialize":
        objects = result.count(MODEL_LABEL)
        output_size = len(result.encode())
    else:
        objects = result["orders"]
        output_size = Path(job["path"]).stat().st_size
    del result

    for _ in range(repeat - 1):
        gc.collect()
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
        del result

    result, py_peak, _kept = traced_memory(work)
    del result

    print(
        json.dumps(
            {
                "operation": name,
                "size": size,
                "times": times,
                "rss_growth": growth,
                "rss_baseline": baseline,
                "rss_current": baseline_current,
                "rss_reset": reset,
                "spawn_floor": spawn_floor,
                "py_peak": py_peak,
                "objects": objects,
                "output_size": output_size,
            }
        ),
        flush=True,
    )


# --- Parent -------------------------------------------------------------------------------


class Worker:
    """A fresh interpreter started before the parent grows, waiting for its job on stdin."""

    def __init__(self, operation, size):
        self.operation = operation
        self.size = size
        self.process = start_waiting_child(__file__, "--worker")

    def run(self, job, timeout):
        stdout, stderr = self.process.communicate(json.dumps(job), timeout=timeout)
        if self.process.returncode != 0 or not stdout.strip():
            raise SystemExit(
                f"Worker {self.operation} {self.size} failed ({self.process.returncode}):\n"
                f"{stderr[-3000:]}"
            )
        return json.loads(stdout.strip().splitlines()[-1])

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def check_export(path, size):
    """The export's data.json holds exactly ``size`` orders, as created; so does orders.csv."""
    import csv
    import io
    import zipfile

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"data.json", "orders.csv", "index.html"} <= names, names
        with archive.open("data.json") as raw:
            data = json.load(raw)
        with archive.open("orders.csv") as raw:
            rows = sum(1 for _ in csv.reader(io.TextIOWrapper(raw, encoding="utf-8"))) - 1
    sources = {source["name"]: source for source in data["sources"]}
    records = sources["orders"]["records"]
    assert len(records) == size, (len(records), size)
    assert rows == size, (rows, size)
    for index in (0, size - 1):
        expected = order_values(index)
        record = records[index]
        assert record["number"] == expected["number"], (record, expected)
        assert record["delivery_note"] == expected["delivery_note"], (record, expected)
        assert record["total"] == str(expected["total"]), (record, expected)
        placed_at = record["placed_at"].replace("Z", "+00:00")
        assert placed_at == expected["placed_at"].isoformat(), (record, expected)
    return len(records)


def mib(value):
    return value / 2**20


def report(results, sizes, args, database, setup, total_start):
    small, large = sizes[0], sizes[-1]
    print()
    print("wagtail-privacy export streaming benchmark (one fresh worker process per row)")
    print(f"  database : {database.description}")
    print(f"  versions : {versions_text()}")
    print(
        f"  data     : {' + '.join(f'{s:,}' for s in sizes)} orders (+ {WARMUP_ROWS} warm-up) "
        f"created in {setup:.1f} s with bulk_create, batches of {args.batch}"
    )
    print(
        f"  timing   : median of {args.repeat} run(s) per row; py peak in one more run under "
        "tracemalloc; RSS growth in the first timed run"
    )
    print()
    header = (
        f"{'operation':<10} {'rows':>8} {'time s':>8} {'min-max s':>13} {'rows/s':>9} "
        f"{'py peak MiB':>12} "
        f"{'RSS growth MiB':>15} {'output MiB':>11} {'checked':>8}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        for name in OPERATIONS:
            row = results[name, size]
            output = "ZIP" if name == "export" else "JSON str"
            print(
                f"{name:<10} {size:>8,} {row['time']:>8.3f} "
                f"{min(row['times']):>6.3f}-{max(row['times']):<6.3f} {row['rate']:>9,.0f} "
                f"{mib(row['py_peak']):>12.1f} {mib(row['rss_growth']):>15.1f} "
                f"{mib(row['output_size']):>7.1f} {output:<3} {row['checked']:>8,}"
            )
    print()
    print(
        "py peak: tracemalloc peak of Python allocations during the run. RSS growth: growth "
        "of the worker's peak resident set (ru_maxrss) over its baseline after warm-up."
    )
    baselines = [r["rss_baseline"] for r in results.values()]
    floors = [r["spawn_floor"] for r in results.values()]
    resets = {r["rss_reset"] for r in results.values()}
    print(
        f"Worker baselines: peak RSS {mib(min(baselines)):.0f}-{mib(max(baselines)):.0f} MiB "
        f"after Django setup and warm-up; peak mark reset to the current RSS before measuring: "
        f"{'yes' if resets == {True} else 'NO (baseline is the peak so far)'}; "
        f"peak RSS at worker start (inherited from the parent at spawn) "
        f"{mib(min(floors)):.0f}-{mib(max(floors)):.0f} MiB."
    )
    print()
    print("Ratios:")
    for size in sizes:
        ratio = results["export", size]["rate"] / results["serialize", size]["rate"]
        print(f"  export rows/s vs serialize rows/s, {size:>8,} rows: {ratio:6.2f}x")
    growth = large / small
    print(f"  memory from {small:,} to {large:,} rows ({growth:.0f}x the rows):")
    for name in OPERATIONS:
        few, many = results[name, small], results[name, large]
        for key, label in (("py_peak", "py peak"), ("rss_growth", "RSS growth")):
            change = many[key] - few[key]
            ratio = f"{many[key] / few[key]:6.2f}x" if few[key] > 0 else "   n/a "
            per_row = change / (large - small)
            print(
                f"    {name:<10} {label:<11} {mib(few[key]):7.1f} -> {mib(many[key]):7.1f} MiB "
                f"{ratio} ({mib(change):+7.1f} MiB, {per_row:+8.1f} B per extra row)"
            )
    print()
    print_total_time(total_start)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="comma-separated order counts, smallest first (default 10000,100000)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per row (default 3; median shown)"
    )
    parser.add_argument("--batch", type=int, default=5000, help="bulk_create batch size")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per worker")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size) for size in args.sizes.split(",")})
    if len(args.sizes) < 2 or args.sizes[0] < 1:
        parser.error("--sizes needs at least two positive counts")
    if args.repeat < 1 or args.batch < 1:
        parser.error("--repeat and --batch must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        worker()
        return
    total_start = time.perf_counter()
    # Start the workers first, while this process is small: Django is not imported yet.
    workers = {(name, size): Worker(name, size) for size in args.sizes for name in OPERATIONS}
    database = BenchmarkDatabase(os.environ.get("DATABASE_URL"))
    database_settings = database.settings()
    scratch = tempfile.TemporaryDirectory(prefix="wagtail-privacy-export-bench-")
    try:
        configure(database_settings, scratch.name)
        create_and_migrate(database)
        print(f"Creating {' + '.join(f'{s:,}' for s in args.sizes)} orders...", flush=True)
        start = time.perf_counter()
        customers = build_data(args.sizes, args.batch)
        setup = time.perf_counter() - start
        analyze()
        from django.db import connections

        connections.close_all()
        results = {}
        for (name, size), process in workers.items():
            print(f"Measuring {name} of {size:,} rows...", flush=True)
            path = str(Path(scratch.name) / f"{name}-{size}.zip")
            job = {
                "database": database_settings,
                "media_root": scratch.name,
                "operation": name,
                "size": size,
                "user": customers[size],
                "warmup_user": customers[WARMUP_ROWS],
                "path": path,
                "repeat": args.repeat,
            }
            row = process.run(job, args.timeout)
            row["time"] = statistics.median(row["times"])
            row["rate"] = size / row["time"]
            if name == "export":
                row["checked"] = check_export(path, size)
            else:
                row["checked"] = row["objects"]
            assert row["objects"] == size, (name, size, row["objects"])
            results[name, size] = row
        report(results, args.sizes, args, database, setup, total_start)
    finally:
        for process in workers.values():
            process.stop()
        database.drop()
        scratch.cleanup()


if __name__ == "__main__":
    main()
