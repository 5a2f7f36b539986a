r"""Benchmark of the change-notice fan-out against a naive per-customer loop, in-process.

Run from the repository root::

    .venv/bin/python benchmarks/notice_fanout.py [--customers 100000] [--naive 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/notice_fanout.py

What it does, on a fresh database (a temporary SQLite file, or with ``DATABASE_URL`` a
dedicated database created on that server and dropped afterwards, as ``policy_api.py`` does):

* creates ``--customers`` active customers with an email address and an unusable password in
  bulk (no ``CustomerProfile``: every customer gets the default language, ``en``);
* publishes policies the way an editor does (``revision.publish()``): each has an editorial
  v1 and a major v2 taking effect in 12 days. Tasks enqueued by publishing are not run
  (``django_tasks``' ``DummyBackend``), so nothing is notified until the benchmark says so;
* **batched**: times ``wagtail_privacy.notices.fanout.fan_out(v2.pk)`` of the first policy end
  to end (notices in keyset-paginated bulk inserts, emails claimed and sent in batches of
  ``NOTICE_BATCH_SIZE``), then runs it again to show it is idempotent (no more emails);
* **naive**: on a second policy's v2, the loop a first implementation would write —
  ``for user in User.objects.all(): ChangeNotice.objects.create(...); send_mail(...)`` — in
  autocommit, over the first ``--naive`` customers only (it is slow), reported per customer
  and extrapolated to all customers. Its email is rendered once, before the loop (``send_mail``
  with the same subject, text and HTML as the batched emails), which favours the naive loop;
* counts SQL statements with ``connection.execute_wrapper`` (a counter, nothing stored; on
  SQLite bulk inserts are split into several statements, 999 parameters each) and emails in
  ``mail.outbox`` (locmem backend; cleared between phases);
* memory, two ways. In the timed runs themselves, the growth of the process's peak resident
  set (``VmHWM`` reset through ``/proc/self/clear_refs``, Linux only; no overhead, but it
  counts the allocator's slack too). And peak Python memory with ``tracemalloc`` in separate
  runs of the same work on two more policies, because tracing makes the batched fan-out several
  times slower: by default over the same first ``--naive`` customers for both approaches
  (``--memory-customers`` changes that; the batched run's audience is then restricted through
  the ``NOTICE_AUDIENCE`` hook ``subset_audience`` below). ``mail.outbox`` keeps every sent
  message, so both peaks include it; the table also shows what each run left allocated
  ("kept", mostly the outbox), and peak minus kept is the working memory of the run itself.

Figures vary with the machine; compare rows of one run.
"""

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    QueryCounter,
    analyze,
    base_settings,
    kib_each_text,
    mib_text,
    print_total_time,
    run_database,
    setup_django,
    timed_with_rss,
    traced_memory,
    versions_text,
)

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AUDIENCE_HOOK = "benchmarks.notice_fanout.subset_audience"
# Policy slug -> number of customers (the first, by pk) its audience is restricted to.
SUBSET_SETTING = "NOTICE_FANOUT_BENCH_SUBSETS"
USER_BATCH = 5000
POLICIES = {
    "timed": ("privacy-policy", "Privacy policy"),
    "naive": ("terms-of-sale", "Terms of sale"),
    "memory-batched": ("memory-batched", "Memory run, batched"),
    "memory-naive": ("memory-naive", "Memory run, naive"),
}


# --- Django setup -------------------------------------------------------------------------


def configure(database, *, batch_size, subsets):
    """Configure Django from ``tests.settings`` with ``database`` as the default database."""
    # Publishing enqueues the fan-out (and PDF renders); base_settings enqueues without
    # running, so the benchmark runs the fan-out itself.
    values = base_settings(database)
    values["EMAIL_BACKEND"] = EMAIL_BACKEND
    # No CUSTOMER_LANGUAGE hook (the tests' hook reads CustomerProfile): the default language.
    privacy = {"NOTICE_AUDIENCE": AUDIENCE_HOOK}
    if batch_size:
        privacy["NOTICE_BATCH_SIZE"] = batch_size
    values["WAGTAIL_PRIVACY"] = privacy
    values[SUBSET_SETTING] = subsets
    setup_django(values)


def subset_audience(version):
    """The default audience, or its first customers for a policy named in the subset setting."""
    from django.conf import settings

    from wagtail_privacy.notices.audience import default_audience

    customers = default_audience(version)
    limit = getattr(settings, SUBSET_SETTING, {}).get(version.policy.slug)
    if limit is None:
        return customers
    last = customers.order_by("pk").values_list("pk", flat=True)[limit - 1]
    return customers.filter(pk__lte=last)


# --- Data ---------------------------------------------------------------------------------


def create_customers(count):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    User = get_user_model()
    with transaction.atomic():
        for start in range(0, count, USER_BATCH):
            User.objects.bulk_create(
                [
                    User(
                        username=f"customer{i:07d}",
                        email=f"customer{i:07d}@example.com",
                        password=make_password(None),
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
class Result:
    label: str
    customers: int
    seconds: float = 0.0
    queries: int = 0
    emails: int = 0
    rss: int | None = None  # peak RSS growth in the timed run, bytes
    traced_customers: int | None = None  # customers of the tracemalloc run
    peak: int | None = None  # tracemalloc peak, bytes
    kept: int | None = None  # tracemalloc, still allocated after the run

    @property
    def rate(self):
        return self.customers / self.seconds


def run(work, customers, *, label):
    """Run ``work()`` once, timed, counting its statements, the emails sent and peak RSS."""
    from django.core import mail

    mail.outbox = []
    counter = QueryCounter()
    value, seconds, rss = timed_with_rss(work, counter)
    result = Result(label, customers, seconds, counter.count, len(mail.outbox), rss)
    mail.outbox = []
    return result, value


def traced(work):
    """Peak and kept Python memory of ``work()`` (bytes), emails sent and its value."""
    from django.core import mail

    mail.outbox = []
    value, peak, kept = traced_memory(work)
    emails = len(mail.outbox)
    mail.outbox = []
    return peak, kept, emails, value


def batched(version):
    from wagtail_privacy.notices.fanout import fan_out

    return lambda: fan_out(version.pk)


def naive(version, subset):
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
        created = 0
        for user in User.objects.all().order_by("pk")[:subset]:
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
            created += 1
        return created

    return work


def check_batched(version, customers, value, emails):
    from django.db.models import Count

    from wagtail_privacy.notices.models import ChangeNotice, EmailState, NoticeFanOut

    assert value == {"notices": customers, "emailed": customers, "failed": 0}, value
    assert emails == customers, emails
    states = dict(
        ChangeNotice.objects.filter(version=version)
        .values_list("email_state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert states == {EmailState.SENT: customers}, states
    assert NoticeFanOut.objects.get(version=version).finished_at is not None


def check_naive(version, customers, value, emails):
    from wagtail_privacy.notices.models import ChangeNotice

    assert value == customers and emails == customers, (value, emails)
    assert ChangeNotice.objects.filter(version=version).count() == customers


# --- Report -------------------------------------------------------------------------------


def report(rows, args, database, setup, total_start):
    from django.conf import settings

    from wagtail_privacy.conf import privacy_settings

    fan, again, loop = rows
    print()
    print("wagtail-privacy change-notice fan-out benchmark (in-process)")
    print(f"  database  : {database.description}")
    print(f"  versions  : {versions_text()}")
    print(
        f"  customers : {args.customers} active customers with email, default language (en), "
        f"created in {setup['customers']:.1f} s"
    )
    print(
        "  policies  : each v1 editorial + major v2 (effective in 12 days), published with "
        f"revision.publish() ({setup['publish']:.1f} s for {len(POLICIES)}); tasks not run"
    )
    print(
        f"  email     : {settings.EMAIL_BACKEND}, mail.outbox cleared between phases; "
        f"NOTICE_BATCH_SIZE={privacy_settings.NOTICE_BATCH_SIZE}"
    )
    print(
        f"  NOTE      : the naive loop ran over the FIRST {loop.customers} customers only "
        f"(of {args.customers}); its figures are per customer, its total is extrapolated below"
    )
    print()
    header = (
        f"{'phase':<28} {'customers':>9} {'wall s':>8} {'cust/s':>8} {'ms/cust':>7} "
        f"{'queries':>7} {'q/cust':>7} {'emails':>7} {'RSS+MiB':>7} │ "
        f"{'traced':>6} {'peak MiB':>8} {'KiB/cust':>8} {'kept MiB':>8}"
    )
    print(f"{'':<97}│ tracemalloc, separate run")
    print(header)
    print("-" * len(header))
    for row in rows:
        timed = row is not again
        print(
            f"{row.label:<28} {row.customers if timed else '-':>9} {row.seconds:>8.2f} "
            f"{f'{row.rate:,.0f}' if timed else '-':>8} "
            f"{f'{row.seconds * 1000 / row.customers:.3f}' if timed else '-':>7} "
            f"{row.queries:>7} {f'{row.queries / row.customers:.4f}' if timed else '-':>7} "
            f"{row.emails:>7} {mib_text(row.rss):>7} │ {row.traced_customers or '-':>6} "
            f"{mib_text(row.peak):>8} {kib_each_text(row.peak, row.traced_customers):>8} "
            f"{mib_text(row.kept):>8}"
        )
    print()
    print(
        "queries: SQL statements counted with connection.execute_wrapper (savepoints included, "
        "BEGIN/COMMIT not)."
    )
    print(
        "RSS+MiB: growth of the peak resident set during the timed run (includes mail.outbox "
        "and allocator slack; a later phase reuses memory freed by earlier ones, so it shows less)."
    )
    print(
        "tracemalloc: peak Python memory of the same work on another policy over the first "
        "'traced' customers; it includes mail.outbox (every sent message), and 'kept' is what "
        "the run left allocated (mostly mail.outbox)."
    )
    print()
    fan_q, loop_q = fan.queries / fan.customers, loop.queries / loop.customers
    print("Ratios (batched fan_out vs naive loop):")
    print(f"  customers/s            : {fan.rate / loop.rate:6.1f}x", end="")
    print(f"  ({fan.rate:,.0f} vs {loop.rate:,.0f})")
    print(f"  queries per customer   : {loop_q / fan_q:6.1f}x fewer  ({fan_q:.4f} vs {loop_q:.4f})")
    print(
        f"  all {args.customers} customers: batched {fan.seconds:.1f} s and {fan.queries:,} "
        f"queries measured; naive ~{args.customers / loop.rate:,.0f} s and "
        f"~{loop_q * args.customers:,.0f} queries extrapolated from {loop.customers}"
    )
    if fan.peak is not None and loop.peak is not None:
        print(
            f"  tracemalloc peak/cust  : {kib_each_text(fan.peak, fan.traced_customers)} vs "
            f"{kib_each_text(loop.peak, loop.traced_customers)} KiB; without what was kept "
            f"(the outbox): {mib_text(fan.peak - fan.kept)} vs "
            f"{mib_text(loop.peak - loop.kept)} MiB"
        )
    print()
    print(
        f"Idempotency: fan_out(v2) run again sent {again.emails} more emails "
        f"({again.queries} queries, {again.seconds * 1000:.1f} ms)."
    )
    print_total_time(total_start)


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--customers", type=int, default=100_000, help="customers to notify (default 100000)"
    )
    parser.add_argument(
        "--naive",
        type=int,
        default=10_000,
        help="customers the naive loop runs over (default 10000, at most --customers)",
    )
    parser.add_argument(
        "--memory-customers",
        type=int,
        default=None,
        help="customers of the tracemalloc runs (default: as --naive; 0 skips them)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=None, help="NOTICE_BATCH_SIZE (default: the app's)"
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.customers < 1 or args.naive < 1:
        raise SystemExit("--customers and --naive must be positive")
    subset = min(args.naive, args.customers)
    traced_n = subset if args.memory_customers is None else args.memory_customers
    traced_n = min(traced_n, args.customers)
    total_start = time.perf_counter()
    subsets = {POLICIES["memory-batched"][0]: traced_n} if traced_n else {}
    with run_database(configure, batch_size=args.batch_size, subsets=subsets) as database:
        setup = {}
        print(f"Creating {args.customers} customers...", flush=True)
        start = time.perf_counter()
        create_customers(args.customers)
        setup["customers"] = time.perf_counter() - start
        start = time.perf_counter()
        versions = {key: publish_policy(*names) for key, names in POLICIES.items()}
        setup["publish"] = time.perf_counter() - start
        analyze()

        print(f"Batched fan_out over {args.customers} customers...", flush=True)
        version = versions["timed"]
        fan, value = run(batched(version), args.customers, label="batched fan_out(v2)")
        check_batched(version, args.customers, value, fan.emails)
        print(f"  {fan.seconds:.1f} s; again (idempotency)...", flush=True)
        again, value = run(batched(version), args.customers, label="  fan_out(v2) again")
        assert value == {"notices": 0, "emailed": 0, "failed": 0}, value

        print(f"Naive loop over the first {subset} customers...", flush=True)
        loop, value = run(naive(versions["naive"], subset), subset, label="naive loop (subset)")
        check_naive(versions["naive"], subset, value, loop.emails)
        print(f"  {loop.seconds:.1f} s", flush=True)

        if traced_n:
            print(f"tracemalloc runs over the first {traced_n} customers...", flush=True)
            version = versions["memory-batched"]
            fan.peak, fan.kept, emails, value = traced(batched(version))
            check_batched(version, traced_n, value, emails)
            fan.traced_customers = traced_n
            version = versions["memory-naive"]
            loop.peak, loop.kept, emails, value = traced(naive(version, traced_n))
            check_naive(version, traced_n, value, emails)
            loop.traced_customers = traced_n
        report([fan, again, loop], args, database, setup, total_start)


if __name__ == "__main__":
    main()
