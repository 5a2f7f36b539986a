r"""Benchmark of the inactive-account retention sweep against a naive per-object loop.

Run from the repository root::

    .venv/bin/python benchmarks/retention_sweep.py [--accounts 100000] [--naive 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/retention_sweep.py

What it does, on a fresh database (a temporary SQLite file, or with ``DATABASE_URL`` a
dedicated database created on that server and dropped afterwards, as ``policy_api.py`` does),
with ``tests.settings`` (whose test app registers the ``orders``, ``invoices`` - a 10-year
legal hold - and ``addresses`` sources, and whose ``HOST``, reading ``CustomerProfile``, is kept),
``WAGTAIL_PRIVACY["INACTIVE_ACCOUNT_DAYS"] = 1095``, ``ERASURE_WARNING_DAYS = 30``, the
engine's defaults for ``RETENTION_BATCH_SIZE`` (500), ``ERASURES_PER_TICK`` (10,000) and
``ERASURE_CLAIM_TIMEOUT``, the immediate task backend (the tick's warning and erasure tasks,
one per batch, run inside the tick, as one task worker would run them), and an email backend
that counts each message's bytes and keeps nothing (``locmem`` would keep a deep copy of every
message in ``mail.outbox``: at 100,000 accounts that outbox, not the sweep, would be most of
the memory measured). ``--email smtp`` (the default) is Django's own SMTP backend whose
server is a null connection (``NullSMTP``: no socket), so the messages go as over a real
server: the bytes the sweep prebuilt once per language and text, only To, Date and Message-ID
filled in per customer (``mail.PreparedEmail``). ``--email django`` is a backend that is not
SMTP, as a host's own (an email API's) would be: Django builds every message, and this one
renders it to bytes as the SMTP backend would:

* creates ``--accounts`` inactive customers in bulk (``bulk_create`` in one transaction):
  ``last_login`` and ``date_joined`` 4 years ago, an email address, an unusable password;
  each with 1-2 orders, one invoice (every second one issued 4 years ago, so still under the
  10-year hold; the others 11 years ago, past it) and one address. Plus ``--naive`` more
  customers of the same shape for the baseline. Then ``ANALYZE``;
* **naive** (run first, so it sees the same table sizes and the sweep does not find its
  customers): the loop a first implementation would write, in autocommit, for each inactive
  customer of its set: ``for o in Order.objects.filter(customer=u): o.delete()``, the same
  per invoice (anonymised with ``.save()`` when under the hold, else deleted), per address,
  then ``u.delete()``. It sends no email and records no closure, step or receipt, so it does
  less than the sweep. By default it runs over 2,000 customers only (it costs 12-22 ms and
  ~42 statements per account, so 100,000 would take 20-40 minutes): compare per account; its
  total for ``--accounts`` is extrapolated;
* **sweep**, through the public door ``call_command("privacy_tick", "--only", "accounts")``,
  run as production runs it, each tick on a new database connection as a cron-run ``manage.py
  privacy_tick`` is (the naive loop starts on a new one too): (1) the warning pass, one tick
  (every account gets an ``AccountClosure`` and a warning email; ``warned_at`` and
  ``scheduled_for`` are set once the email is sent; warnings have no per-tick limit), then
  ``ANALYZE`` (untimed: autovacuum's work on a live server, for the new closures), then (2)
  under ``time_machine.travel(now + 31 days)`` the erasure pass: ticks run one after the other
  until a tick erases fewer than ``ERASURES_PER_TICK`` accounts (the backlog is empty), so
  100,000 accounts take 11 ticks, the last of which finds nothing left. Its figures are those
  of all its ticks together and its report is their reports summed; the first tick schedules
  every warned account, each tick claims batches of ``RETENTION_BATCH_SIZE`` closures and
  erases each batch source by source (an ``ErasureStep`` per account and source), sends the
  receipts over one mail connection and deletes the batch's users. Afterwards it checks the
  reports (the warning pass warned everyone; every tick but the last erased exactly
  ``ERASURES_PER_TICK``), the emails (one warning and one receipt per account), that no
  inactive customer remains (directly and by ``retention.inactive_users``), that held invoices
  are anonymised (no customer, no billing name or address) and older ones, every order and
  every address deleted, that every closure is erased, unclaimed, with its warning and receipt
  sent and its erasure 30 days after the warning, with one step per source, and that the
  receipts add up to the rows created;
* **control** and **recipients** (``--recipients-accounts`` customers each, by default as
  many as ``--accounts``; 0 skips both): the same warning and erasure passes twice more in the
  same run, over fresh customers of the same shape: without recipients (the control: a second
  sweep is slower than the first, over a database that already went through one), then with
  two recipients registered (GDPR Art. 19; ``RECIPIENTS``: one receiving orders and
  addresses, identified by email, one receiving invoices, identified by the shop's own
  identifier). Each erased account makes two notifications (recorded in one insert per
  batch); the immediate task backend delivers each by email inside the tick (a worker's job in
  production), so the row includes the deliveries, which ``DeliveryMeter`` times and counts
  apart. Afterwards it checks the notices (two per account, delivered, the identifier
  blanked) and that each closure keeps the recipients told;
* counts SQL statements with ``connection.execute_wrapper`` (a counter, nothing stored;
  savepoints included; on SQLite Django's BEGIN statements too, on PostgreSQL the driver
  opens transactions uncounted; COMMIT never) and the emails sent;
* memory, two ways. In the timed runs, the growth of the process's peak resident set
  (``VmHWM`` reset through ``/proc/self/clear_refs``, Linux only; no overhead, but it counts
  the allocator's slack too, and a phase reuses memory freed earlier): the sweep holds one
  batch at a time, so this should not grow with ``--accounts``. And peak Python memory with
  ``tracemalloc`` in separate, smaller runs of the same work on fresh customers
  (``--memory-accounts``, default 500: one batch), because tracing slows the work several
  times; "kept" is what the run left allocated. Those runs also attribute every statement to
  its call site (the two innermost frames in ``wagtail_privacy``, ``tests`` or this script)
  and kind (verb and table), printed per account, to show where the queries go; with one
  batch traced, a statement issued once per batch shows as 1/500 = 0.002 per account.

New connections and ``ANALYZE``: with one connection for the whole run, on a server with
autovacuum off, PostgreSQL kept the plan of its foreign-key check on
``accountclosure.user_id`` that it made during the naive loop, when that table was empty (a
sequential scan), and ran it for every user the sweep deleted: the erasure pass slowed to ~40
accounts/s, quadratic in the accounts. A cron-run tick has its own connection and a live
server analyses its tables, so production should not see that.

Size: the default, 100,000 accounts, takes about 6 minutes on SQLite and 10 on PostgreSQL on
a 2-core machine (the erasure pass ~3.5 and ~7 of them; the naive loop over 2,000 customers
and the traced runs most of the rest), before the control and recipients sweeps, which take
as long again and several times that (their deliveries): ``--recipients-accounts 5000``
keeps them short. Figures vary with the machine; compare rows of one run.
"""

import argparse
import io
import re
import sys
import textwrap
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from django.core.mail.backends.base import BaseEmailBackend  # noqa: E402
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend  # noqa: E402

from benchmarks.support import (  # noqa: E402
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

#: ``--email``: Django's SMTP backend over a connection that counts the bytes and keeps
#: nothing (the prebuilt bytes go out as over a real server), or a backend that is not SMTP
#: (Django builds each message, as for a host's own backend).
EMAIL_BACKENDS = {
    "smtp": f"{__name__}.NullSMTPBackend",
    "django": f"{__name__}.CountingBackend",
}
IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"
INACTIVE_DAYS = 1095
WARNING_DAYS = 30
TRAVEL_DAYS = WARNING_DAYS + 1
HOLD_YEARS = 10  # the test app's InvoiceSource.hold_years
AGE = timedelta(days=4 * 365)  # of the customers' last sign-in
BATCH = 5000
FULL = 100_000  # the default size; smaller runs extrapolate to it
MAX_TICKS = 1000  # of one erasure pass: a guard against a tick that never finishes the backlog
SETS = {
    "timed-sweep": "sweep",
    "timed-control": "csweep",
    "timed-recipients": "rsweep",
    "timed-naive": "naive",
    "traced-sweep": "msweep",
    "traced-naive": "mnaive",
}


# --- Django setup -------------------------------------------------------------------------


class CountingBackend(BaseEmailBackend):
    """Renders each message to bytes, as the SMTP backend does before sending; keeps a count.

    Unlike ``locmem`` it keeps no copy of the messages, so memory figures are the sweep's.
    """

    sent = 0

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            message.message().as_bytes(linesep="\r\n")
            count += 1
        CountingBackend.sent += count
        return count


class NullSMTP:
    """An SMTP connection that takes each message's bytes, counts it and keeps nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):
        assert isinstance(msg, bytes) and msg, msg
        CountingBackend.sent += 1
        return {}

    def quit(self):
        pass

    def close(self):
        pass


class NullSMTPBackend(SMTPBackend):
    """Django's own SMTP backend (``mail.Outbox`` sends prebuilt bytes through it, as over a
    real server) with ``NullSMTP`` for the server: no socket, no network."""

    @property
    def connection_class(self):
        return NullSMTP


def configure(database, email="smtp"):
    """Configure Django from ``tests.settings`` with ``database`` as the default database."""
    values = base_settings(database)
    values["EMAIL_BACKEND"] = EMAIL_BACKENDS[email]
    values["EMAIL_USE_TLS"] = values["EMAIL_USE_SSL"] = False
    values["EMAIL_HOST_USER"] = values["EMAIL_HOST_PASSWORD"] = ""
    # The sweep's work is the tasks privacy_tick enqueues (warnings, erasures): run them.
    values["TASKS"] = {"default": {"BACKEND": IMMEDIATE_TASKS}}
    # The tests' HOST (languages from CustomerProfile) is kept: the host's configuration.
    values["WAGTAIL_PRIVACY"] = {
        **values.get("WAGTAIL_PRIVACY", {}),
        "INACTIVE_ACCOUNT_DAYS": INACTIVE_DAYS,
        "ERASURE_WARNING_DAYS": WARNING_DAYS,
    }
    setup_django(values)


# --- Data ---------------------------------------------------------------------------------


def years_before(moment, years):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def is_held(index):
    """Every second invoice is still under the 10-year hold."""
    return index % 2 == 0


def create_customers(prefix, count, now):
    """``count`` inactive customers with 1-2 orders, an invoice and an address each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from tests.testapp.models import Address, Invoice, Order

    User = get_user_model()
    seen = now - AGE
    held_at, old_at = years_before(now, 4), years_before(now, HOLD_YEARS + 1)
    created = {"orders": 0, "invoices_held": 0, "invoices_old": 0, "addresses": 0}
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
                        last_login=seen - timedelta(minutes=i % 1440),
                        date_joined=seen - timedelta(days=30, minutes=i % 1440),
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
            orders, invoices, addresses = [], [], []
            for i, user in zip(indexes, users, strict=True):
                for k in range(1 + i % 2):
                    orders.append(
                        Order(
                            customer_id=user.pk,
                            number=f"{prefix}-{i}-{k}",
                            placed_at=seen - timedelta(days=k + 1),
                            total=Decimal("49.90") + k,
                            delivery_note="Leave it at the door, please.",
                        )
                    )
                held = is_held(i)
                created["invoices_held" if held else "invoices_old"] += 1
                invoices.append(
                    Invoice(
                        customer_id=user.pk,
                        number=f"{prefix}-{i}",
                        issued_at=(held_at if held else old_at) - timedelta(minutes=i % 1440),
                        billing_name=f"Ana Novak {i}",
                        billing_address=f"Slovenska cesta {i}, 1000 Ljubljana",
                    )
                )
                addresses.append(
                    Address(
                        customer_id=user.pk,
                        street=f"Slovenska cesta {i}, 1000 Ljubljana",
                        phone=f"+386 1 {i:07d}",
                    )
                )
            Order.objects.bulk_create(orders, batch_size=BATCH)
            Invoice.objects.bulk_create(invoices, batch_size=BATCH)
            addresses = Address.objects.bulk_create(addresses, batch_size=BATCH)
            first = created.get("address_pks", (addresses[0].pk,))[0]
            created["address_pks"] = (first, addresses[-1].pk)
            created["orders"] += len(orders)
            created["addresses"] += len(addresses)
    return created


#: The recipients of ``--recipients-accounts``' sweep (GDPR Art. 19): every customer has
#: records in their sources, so each erased account makes two notifications, each delivered
#: by email (the immediate task backend runs the deliveries inside the tick).
RECIPIENTS = [
    {
        "key": "parcels",
        "name": "Parcels Ltd",
        "sources": "orders,addresses",
        "notify_email": "privacy@parcels.example",
        "identifier": "email",
    },
    {
        "key": "accountant",
        "name": "Accountant",
        "sources": "invoices",
        "notify_email": "office@accountant.example",
        "identifier": "host",  # the shop's own identifier, from Host.recipient_identifiers
    },
]


def register_recipients():
    from wagtail.models import Locale

    from wagtail_privacy.recipients.models import Recipient

    locale = Locale.get_default()
    for spec in RECIPIENTS:
        Recipient.objects.create(
            locale=locale, role="processor", purposes="-", data_categories="-", **spec
        )


def remove_recipients():
    from wagtail_privacy.recipients.models import Recipient

    Recipient.objects.all().delete()


class DeliveryMeter:
    """Times the deliveries to recipients (``recipients.service.enqueue``, which the erasure
    calls once its notifications have committed: one task per notification, run at once by
    the immediate task backend) and counts their statements, so the recipients' row can be
    split into recording the notifications (in the erasure) and delivering them (a worker's
    job in production). It wraps the function, nothing else: the work is the same."""

    def __init__(self):
        self.seconds, self.queries, self.calls = 0.0, 0, 0

    def __enter__(self):
        from django.db import connection

        from wagtail_privacy.recipients import service

        self.original = original = service.enqueue
        counter = QueryCounter()

        def enqueue(*args, **kwargs):
            start, before = time.perf_counter(), counter.count
            try:
                with connection.execute_wrapper(counter):
                    return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.queries += counter.count - before
                self.calls += len(args[0])

        service.enqueue = enqueue
        return self

    def __exit__(self, *exc):
        from wagtail_privacy.recipients import service

        service.enqueue = self.original


def sweep_again(prefix, accounts, label, recipients):
    """Warn and erase ``accounts`` fresh customers, with ``RECIPIENTS`` registered or not;
    returns the rows of its two passes (the erasure pass's with its ``deliveries``)."""
    from django.utils import timezone

    now = timezone.now()
    created = create_customers(prefix, accounts, now)
    analyze()
    if recipients:
        register_recipients()
    after_pk = last_closure_pk()
    warn = run(warn_pass(), accounts, label=f"{label}: warning pass")
    analyze()
    with DeliveryMeter() as deliveries:
        erase = run(erase_pass(now), accounts, label=f"{label}: erasure pass")
    erase.deliveries = deliveries
    print(f"  {warn.seconds + erase.seconds:.1f} s: {erase.value}", flush=True)
    notices = check_notifications(after_pk, accounts) if recipients else 0
    assert deliveries.calls == notices, (deliveries.calls, notices)
    passes, emails = (warn.value, erase.value), (warn.emails, erase.emails - notices)
    check_sweep(prefix, accounts, created, passes, emails, now, after_pk)
    if recipients:
        remove_recipients()  # the traced runs measure the sweep without them
    return [warn, erase]


def check_notifications(after_pk, accounts):
    """Every erased account of the run told both recipients, each notice emailed and kept
    without the customer's identifier; returns how many notices were emailed."""
    from wagtail_privacy.recipients.models import RecipientNotification
    from wagtail_privacy.rights.models import AccountClosure

    closures = AccountClosure.objects.filter(pk__gt=after_pk)
    references = {f"closure:{pk}" for pk in closures.values_list("pk", flat=True)}
    notices = RecipientNotification.objects.filter(reference__in=references)
    assert notices.count() == len(RECIPIENTS) * accounts, notices.count()
    assert not notices.exclude(status="delivered", identifier="").exists()
    names = sorted(spec["name"] for spec in RECIPIENTS)
    told = closures.values_list("recipients_told", flat=True).iterator(chunk_size=2000)
    assert all(sorted(names_told) == names for names_told in told)
    return notices.count()


# --- Measurement --------------------------------------------------------------------------


class QueryCounter:
    """Counts SQL statements through ``connection.execute_wrapper``.

    With ``classify``, also tallies each statement by call site (the two innermost frames in
    ``wagtail_privacy``, ``tests`` or this script) and kind (verb and table); slow, so only the
    tracemalloc runs classify.
    """

    VERB = re.compile(r"\s*(\w+)")
    TABLE = {
        "SELECT": re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE),
        "INSERT": re.compile(r'\bINTO\s+"?(\w+)"?', re.IGNORECASE),
        "UPDATE": re.compile(r'^\s*UPDATE\s+"?(\w+)"?', re.IGNORECASE),
        "DELETE": re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE),
    }
    PROJECT = (str(ROOT / "wagtail_privacy"), str(ROOT / "tests"), __file__)

    def __init__(self, classify=False):
        self.count = 0
        self.kinds = Counter() if classify else None
        self.names = {}  # code object -> (path in the project, name), or None outside it

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.kinds is not None:
            verb = self.VERB.match(sql).group(1).upper()
            pattern = self.TABLE.get(verb)
            found = pattern.search(sql) if pattern else None
            kind = f"{verb} {found.group(1)}" if found else verb
            self.kinds[self.site(sys._getframe(1)), kind] += 1
        return execute(sql, params, many, context)

    def site(self, frame):
        found = []
        while frame is not None and len(found) < 2:
            code = frame.f_code
            if code not in self.names:
                # Cached per code object: no path parsing (pathlib interns strings, whose
                # table's growth tracemalloc would then count) on every statement.
                path = code.co_filename
                inside = path.startswith(self.PROJECT) and code is not self.__call__.__code__
                name = getattr(code, "co_qualname", code.co_name)
                self.names[code] = (path[len(str(ROOT)) + 1 :], name) if inside else None
            if self.names[code]:
                path, name = self.names[code]
                found.append(f"{path}:{frame.f_lineno} {name}")
            frame = frame.f_back
        return " <- ".join(found) or "(elsewhere)"


@dataclass
class Result:
    label: str
    accounts: int
    seconds: float = 0.0
    queries: int = 0
    emails: int = 0
    rss: int | None = None  # peak RSS growth in the timed run, bytes
    value: object = None
    traced_accounts: int | None = None  # accounts of the tracemalloc run
    peak: int | None = None  # tracemalloc peak, bytes
    kept: int | None = None  # tracemalloc, still allocated after the run
    kinds: Counter = field(default_factory=Counter)  # statements of the traced run

    @property
    def rate(self):
        return self.accounts / self.seconds


def run(work, accounts, *, label):
    """Run ``work()`` once, timed, counting its statements, the emails sent and peak RSS."""
    counter = QueryCounter()
    sent = CountingBackend.sent
    value, seconds, rss = timed_with_rss(work, counter)
    emails = CountingBackend.sent - sent
    return Result(label, accounts, seconds, counter.count, emails, rss, value)


def traced(work, result, accounts):
    """Run ``work()`` under tracemalloc; store its peak, kept memory and statements in result."""
    from django.db import connection

    counter = QueryCounter(classify=True)
    sent = CountingBackend.sent
    with connection.execute_wrapper(counter):
        value, peak, kept = traced_memory(work)
    emails = CountingBackend.sent - sent
    result.traced_accounts = accounts
    result.peak, result.kept, result.kinds = peak, kept, counter.kinds
    return value, emails


def fresh_connection():
    """Close the connection: the next statement opens a new one, as a new process would.

    ``connection.execute_wrapper`` belongs to the connection handler, so counting goes on.
    """
    from django.db import connections

    connections.close_all()


def tick_accounts():
    """``manage.py privacy_tick --only accounts``; its report of the step, as a dict of ints.

    Each tick runs on a new database connection, as each cron-run ``manage.py privacy_tick``
    does: no query plan is carried over from earlier work in the same session.
    """
    from django.core.management import call_command

    fresh_connection()
    out = io.StringIO()
    call_command("privacy_tick", "--only", "accounts", stdout=out)
    text = out.getvalue().strip()
    assert text.startswith("accounts: "), text
    return {
        key: int(value)
        for key, value in (item.split("=") for item in text.removeprefix("accounts: ").split(", "))
    }


def warn_pass():
    """One tick: warnings have no per-tick limit."""
    return tick_accounts


@dataclass
class Ticks:
    """The reports of the ticks of one erasure pass, summed, and each tick's figures."""

    report: Counter = field(default_factory=Counter)
    seconds: list = field(default_factory=list)
    erased: list = field(default_factory=list)

    def __str__(self):
        return f"{dict(self.report)} over {len(self.seconds)} ticks"


def erase_pass(now):
    """Ticks, one after the other, until one erases fewer than ``ERASURES_PER_TICK``."""
    import time_machine

    from wagtail_privacy.conf import privacy_settings

    def work():
        limit = privacy_settings.ERASURES_PER_TICK
        ticks = Ticks()
        with time_machine.travel(now + timedelta(days=TRAVEL_DAYS)):
            while len(ticks.seconds) < MAX_TICKS:
                start = time.perf_counter()
                report = tick_accounts()
                ticks.seconds.append(time.perf_counter() - start)
                ticks.erased.append(report["erased"])
                ticks.report.update(report)
                if limit is None or report["erased"] < limit:
                    break
        return ticks

    return work


def naive(prefix):
    """The per-object loop, in autocommit, over the inactive customers of one set."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tests.testapp.models import Address, Invoice, Order

    User = get_user_model()

    def work():
        fresh_connection()
        now = timezone.now()
        cutoff = years_before(now, HOLD_YEARS)
        inactive = User.objects.filter(
            username__startswith=prefix,
            is_active=True,
            is_staff=False,
            last_login__lt=now - timedelta(days=INACTIVE_DAYS),
        ).order_by("pk")
        erased = 0
        for u in inactive:
            for o in Order.objects.filter(customer=u):
                o.delete()
            for invoice in Invoice.objects.filter(customer=u):
                if invoice.issued_at >= cutoff:
                    invoice.customer = None
                    invoice.billing_name = ""
                    invoice.billing_address = ""
                    invoice.save()
                else:
                    invoice.delete()
            for a in Address.objects.filter(customer=u):
                a.delete()
            u.delete()
            erased += 1
        return erased

    return work


# --- Checks -------------------------------------------------------------------------------


def check_customers_gone(prefix, created):
    """No customer of the set is left; held invoices anonymised, the rest of their data gone."""
    from django.contrib.auth import get_user_model

    from tests.testapp.models import Address, Invoice, Order

    users = get_user_model().objects.filter(username__startswith=prefix)
    assert not users.exists(), users.count()
    assert not Order.objects.filter(number__startswith=f"{prefix}-").exists()
    assert not Address.objects.filter(pk__range=created["address_pks"]).exists()
    invoices = Invoice.objects.filter(number__startswith=f"{prefix}-")
    held = created["invoices_held"]
    assert invoices.count() == held, (invoices.count(), held)
    assert not invoices.exclude(customer=None, billing_name="", billing_address="").exists()


def check_no_inactive_left(now):
    """Nothing is left for the sweep, by its own query and by a direct one."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from tests.testapp.models import Address, Order
    from wagtail_privacy.rights import retention

    cutoff = now - timedelta(days=INACTIVE_DAYS)
    left = get_user_model().objects.filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff),
        is_staff=False,
        is_superuser=False,
    )
    assert not left.exists(), left.count()
    assert sum(len(batch) for batch in retention.inactive_users(now)) == 0
    assert not Order.objects.exists() and not Address.objects.exists()


def last_closure_pk():
    from wagtail_privacy.rights.models import AccountClosure

    return AccountClosure.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def check_sweep(prefix, accounts, created, passes, emails, now, after_pk):
    """The ticks' reports, emails, data left, and the closures and receipts of this sweep."""
    from django.db.models import F

    from wagtail_privacy.conf import privacy_settings
    from wagtail_privacy.rights.models import AccountClosure, ClosureState, ErasureStep
    from wagtail_privacy.sources import registry

    warned, ticks = passes
    erased = ticks.report
    assert warned["inactive_warned"] == accounts, warned
    assert warned["inactive_scheduled"] == 0 and warned["erased"] == 0, warned
    assert erased["inactive_scheduled"] == accounts and erased["erased"] == accounts, erased
    assert erased["inactive_warned"] == 0 and erased["inactive_returned"] == 0, erased
    limit = privacy_settings.ERASURES_PER_TICK
    if limit is None:
        assert ticks.erased == [accounts], ticks.erased
    else:  # every tick but the last erased as many as one tick may; the last, the rest
        full, rest = divmod(accounts, limit)
        assert ticks.erased == [limit] * full + [rest], ticks.erased
    assert emails == (accounts, accounts), emails  # warnings, then receipts
    check_customers_gone(prefix, created)
    check_no_inactive_left(now + timedelta(days=TRAVEL_DAYS))
    closures = AccountClosure.objects.filter(pk__gt=after_pk)
    assert closures.count() == accounts, closures.count()
    assert not closures.exclude(
        kind="inactivity",
        state=ClosureState.ERASED,
        user=None,
        claim=None,
        warned_at__isnull=False,
        erased_at__isnull=False,
        receipt_sent_at__isnull=False,
    ).exists()
    # The erasure date counts from the warning email.
    late = closures.exclude(scheduled_for=F("warned_at") + timedelta(days=WARNING_DAYS))
    assert not late.exists(), late.count()
    steps = ErasureStep.objects.filter(closure__in=closures).count()
    assert steps == accounts * len(registry.sources()), steps
    totals = Counter()
    for receipt in closures.values_list("receipt", flat=True).iterator(chunk_size=2000):
        for name in ("orders", "invoices", "addresses"):
            totals[name, "deleted"] += receipt[name]["deleted"]
            totals[name, "anonymised"] += receipt[name]["anonymised"]
    expected = {
        ("orders", "deleted"): created["orders"],
        ("orders", "anonymised"): 0,
        ("invoices", "deleted"): created["invoices_old"],
        ("invoices", "anonymised"): created["invoices_held"],
        ("addresses", "deleted"): created["addresses"],
        ("addresses", "anonymised"): 0,
    }
    assert dict(totals) == expected, (dict(totals), expected)


def check_naive(prefix, accounts, created, value, emails):
    assert value == accounts, (value, accounts)
    assert emails == 0, emails
    check_customers_gone(prefix, created)


# --- Report -------------------------------------------------------------------------------


def combined(label, first, second):
    """The warning and erasure passes together, as one row."""
    result = Result(
        label,
        first.accounts,
        first.seconds + second.seconds,
        first.queries + second.queries,
        first.emails + second.emails,
        None if first.rss is None or second.rss is None else max(first.rss, second.rss),
    )
    if first.peak is not None and second.peak is not None:
        result.traced_accounts = first.traced_accounts
        result.peak = max(first.peak, first.kept + second.peak)
        result.kept = first.kept + second.kept
    result.kinds = first.kinds + second.kinds
    return result


def print_sites(title, result, top):
    """Statements per account by call site, with their kinds, the busiest sites first."""
    if not result.kinds or not result.traced_accounts:
        return
    each = result.traced_accounts
    sites = Counter()
    for (site, _kind), count in result.kinds.items():
        sites[site] += count
    print(f"  {title}: {sum(sites.values()) / each:.2f} statements per account")
    for site, count in sites.most_common(top):
        print(f"    {count / each:7.3f}  {site}")
        kinds = sorted(
            ((n, kind) for (where, kind), n in result.kinds.items() if where == site),
            reverse=True,
        )
        text = ", ".join(f"{n / each:g} {kind}" for n, kind in kinds)
        print(textwrap.fill(text, width=110, initial_indent=" " * 15, subsequent_indent=" " * 15))
    rest = sum(sites.values()) - sum(count for _site, count in sites.most_common(top))
    if rest:
        print(f"    {rest / each:7.3f}  (other call sites)")


def report(rows, args, database, setup, total_start):
    from django.conf import settings

    from wagtail_privacy.conf import privacy_settings
    from wagtail_privacy.sources import registry

    loop, warn, erase, told = rows
    both = combined("sweep: warn + erase", warn, erase)
    print()
    print("wagtail-privacy inactive-account retention sweep benchmark (in-process)")
    print(f"  database : {database.description}")
    print(f"  versions : {versions_text()}")
    print(
        f"  data     : {args.accounts} inactive customers (last sign-in 4 years ago), "
        f"{setup['created']['orders']} orders, {setup['created']['invoices_held']} invoices "
        f"under the 10-year hold + {setup['created']['invoices_old']} older, "
        f"{setup['created']['addresses']} addresses; + {loop.accounts} alike for the naive "
        f"loop; created with bulk_create in {setup['seconds']:.1f} s"
    )
    print(
        f"  settings : INACTIVE_ACCOUNT_DAYS={privacy_settings.INACTIVE_ACCOUNT_DAYS}, "
        f"ERASURE_WARNING_DAYS={privacy_settings.ERASURE_WARNING_DAYS}, "
        f"ERASE_USER={privacy_settings.ERASE_USER}, HOST="
        f"{privacy_settings.HOST}; {len(registry.sources())} sources"
    )
    print(
        f"             RETENTION_BATCH_SIZE={privacy_settings.RETENTION_BATCH_SIZE}, "
        f"ERASURES_PER_TICK={privacy_settings.ERASURES_PER_TICK}, "
        f"ERASURE_CLAIM_TIMEOUT={privacy_settings.ERASURE_CLAIM_TIMEOUT}"
    )
    if settings.EMAIL_BACKEND == EMAIL_BACKENDS["smtp"]:
        print(
            f"  email    : {settings.EMAIL_BACKEND} (--email smtp: Django's SMTP backend, its "
            "server a null connection that counts each message's bytes and keeps nothing)"
        )
    else:
        print(
            f"  email    : {settings.EMAIL_BACKEND} (--email django: not SMTP, so Django builds "
            "each message; it renders it to bytes, counts it, keeps nothing)"
        )
    print(
        f"  tasks    : {settings.TASKS['default']['BACKEND']} (the tick's warning and erasure "
        "tasks, one per batch, run inside the tick)"
    )
    print(
        "  sweep    : call_command('privacy_tick', '--only', 'accounts'): warning pass (one "
        f"tick), then the erasure pass under time_machine.travel(now + {TRAVEL_DAYS} days): "
        "ticks until one erases fewer than ERASURES_PER_TICK"
    )
    print(f"             warning pass reported: {warn.value}")
    print(f"             erasure pass reported: {erase.value}, summed")
    ticks = erase.value
    print(
        "             erasure ticks, s (erased): "
        + ", ".join(
            f"{seconds:.1f} ({n})" for seconds, n in zip(ticks.seconds, ticks.erased, strict=True)
        )
    )
    if loop.accounts < args.accounts:
        print(
            f"  NOTE     : the naive loop ran over {loop.accounts} customers only (of "
            f"{args.accounts}); compare per-account figures; its total is extrapolated below"
        )
    print()
    header = (
        f"{'phase':<30} {'accounts':>8} {'wall s':>8} {'acc/s':>8} {'ms/acc':>7} "
        f"{'queries':>9} {'q/acc':>7} {'emails':>7} {'RSS+MiB':>7} │ "
        f"{'traced':>6} {'peak MiB':>8} {'KiB/acc':>8} {'kept MiB':>8}"
    )
    print(f"{'':<103}│ tracemalloc, separate run")
    print(header)
    print("-" * len(header))
    for row in (warn, erase, both, *told, loop):
        print(
            f"{row.label:<30} {row.accounts:>8} {row.seconds:>8.2f} {row.rate:>8,.0f} "
            f"{row.seconds * 1000 / row.accounts:>7.3f} {row.queries:>9,} "
            f"{row.queries / row.accounts:>7.2f} {row.emails:>7} {mib_text(row.rss):>7} │ "
            f"{row.traced_accounts or '-':>6} {mib_text(row.peak):>8} "
            f"{kib_each_text(row.peak, row.traced_accounts):>8} {mib_text(row.kept):>8}"
        )
    print()
    print(
        "queries: SQL statements counted with connection.execute_wrapper, savepoints included. "
        "On SQLite Django opens each transaction with a BEGIN statement, counted here; on "
        "PostgreSQL the driver opens it, uncounted. COMMIT is never counted."
    )
    print(
        "RSS+MiB: growth of the peak resident set during the timed run (includes allocator "
        "slack; a later phase reuses memory freed by earlier ones, so it shows less). The "
        "warn + erase row shows the larger of the two."
    )
    print(
        "tracemalloc: peak Python memory of the same work on fresh customers, 'traced' of "
        "them; 'kept' is what the run left allocated. The sweep holds one batch of "
        "RETENTION_BATCH_SIZE accounts at a time, so its peak does not grow with the accounts "
        "(KiB/acc falls as they grow); the naive loop's queryset keeps every user it went "
        "through. Those runs also attribute each statement to its call site (transient "
        "allocations, small next to the work)."
    )
    if told:
        _cwarn, control, _rwarn, rerase = told
        deliveries = rerase.deliveries
        print(
            f"control, recipients: the same sweep again, twice, over {rerase.accounts} fresh "
            f"customers each: without recipients, then with {len(RECIPIENTS)} registered (each "
            f"account's erasure makes {len(RECIPIENTS)} notifications, recorded in one insert "
            "per batch; the immediate task backend delivers each by email inside the tick, so "
            "its emails are the receipts and the notices)."
        )
        ms, rms = control.seconds * 1000 / control.accounts, rerase.seconds * 1000 / rerase.accounts
        q, rq = control.queries / control.accounts, rerase.queries / rerase.accounts
        dms = deliveries.seconds * 1000 / rerase.accounts
        dq = deliveries.queries / rerase.accounts
        print(
            f"  erasure pass with recipients vs the control: {rms:.3f} vs {ms:.3f} ms/account "
            f"(+{rms - ms:.3f}), {rq:.2f} vs {q:.2f} queries/account (+{rq - q:.2f})"
        )
        print(
            f"  of which delivering the {deliveries.calls} notices (a task each, by email): "
            f"{dms:.3f} ms and {dq:.2f} queries per account; recording them in the erasure: "
            f"{rms - dms - ms:+.3f} ms and {rq - dq - q:+.2f} queries per account"
        )
    print()
    print("Ratios (sweep vs naive loop; > 1 means the sweep is better):")
    for row in (erase, both):
        name = "erase pass" if row is erase else "warn + erase"
        row_q, loop_q = row.queries / row.accounts, loop.queries / loop.accounts
        print(
            f"  {name:<13} accounts/s       : {row.rate / loop.rate:6.2f}x  "
            f"({row.rate:,.0f} vs {loop.rate:,.0f})"
        )
        print(
            f"  {name:<13} queries/account  : {loop_q / row_q:6.2f}x  ({row_q:.2f} vs {loop_q:.2f})"
        )
        if row.peak is not None and loop.peak is not None:
            print(
                f"  {name:<13} py peak          : {loop.peak / row.peak:6.2f}x  "
                f"({mib_text(row.peak)} vs {mib_text(loop.peak)} MiB, {row.traced_accounts} vs "
                f"{loop.traced_accounts} accounts traced; without what was kept: "
                f"{mib_text(row.peak - row.kept)} vs {mib_text(loop.peak - loop.kept)} MiB)"
            )
    print(
        f"  all {args.accounts} accounts: sweep {both.seconds:.1f} s and {both.queries:,} "
        f"queries measured (erasure pass {erase.seconds:.1f} s); naive "
        + (
            f"{loop.seconds:.1f} s and {loop.queries:,} queries measured"
            if loop.accounts == args.accounts
            else f"~{args.accounts / loop.rate:,.0f} s and "
            f"~{loop.queries / loop.accounts * args.accounts:,.0f} queries extrapolated "
            f"from {loop.accounts}"
        )
    )
    if args.accounts < FULL:
        print(
            f"  at these rates {FULL:,} accounts would take: sweep ~{FULL / both.rate / 60:,.0f} "
            f"min (erasure pass ~{FULL / erase.rate / 60:,.0f} min), naive loop "
            f"~{FULL / loop.rate / 60:,.0f} min"
        )
    if erase.kinds:
        print()
        print(
            "Where the statements go (tracemalloc runs; per account, by call site: the two "
            "innermost frames in the project; 'a <- b' means a called from b):"
        )
        print_sites("sweep, warning pass", warn, args.top)
        print_sites("sweep, erasure pass", erase, args.top)
        print_sites("naive loop", loop, args.top)
    print()
    print_total_time(total_start)


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--accounts",
        type=int,
        default=FULL,
        help=f"inactive customers the sweep warns and erases (default {FULL})",
    )
    parser.add_argument(
        "--naive",
        type=int,
        default=2_000,
        help="customers of the naive loop (default 2000, at most --accounts)",
    )
    parser.add_argument(
        "--memory-accounts",
        type=int,
        default=None,
        help="customers of each tracemalloc run (default 500, at most --naive; 0 skips them)",
    )
    parser.add_argument(
        "--recipients-accounts",
        type=int,
        default=None,
        help="customers of each of two more timed sweeps, without then with recipients "
        "registered (default: --accounts; 0 skips them)",
    )
    parser.add_argument(
        "--email",
        choices=sorted(EMAIL_BACKENDS),
        default="smtp",
        help="smtp (default): Django's SMTP backend over a null connection; django: a backend "
        "that is not SMTP, which gets every message built by Django",
    )
    parser.add_argument("--top", type=int, default=30, help="call sites listed per phase")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.accounts < 1 or args.naive < 1:
        raise SystemExit("--accounts and --naive must be positive")
    subset = min(args.naive, args.accounts)
    traced_n = min(500 if args.memory_accounts is None else args.memory_accounts, subset)
    total_start = time.perf_counter()
    with run_database(configure, email=args.email) as database:
        from django.utils import timezone

        now = timezone.now()
        print(f"Creating {args.accounts} + {subset} inactive customers...", flush=True)
        start = time.perf_counter()
        created = create_customers(SETS["timed-sweep"], args.accounts, now)
        created_naive = create_customers(SETS["timed-naive"], subset, now)
        setup = {"created": created, "seconds": time.perf_counter() - start}
        analyze()
        print(f"  {setup['seconds']:.1f} s", flush=True)

        print(f"Naive loop over {subset} customers...", flush=True)
        loop = run(naive(SETS["timed-naive"]), subset, label="naive per-object loop")
        check_naive(SETS["timed-naive"], subset, created_naive, loop.value, loop.emails)
        print(f"  {loop.seconds:.1f} s", flush=True)

        print(f"Sweep, warning pass over {args.accounts} customers...", flush=True)
        after_pk = last_closure_pk()
        warn = run(warn_pass(), args.accounts, label="sweep: warning pass")
        print(f"  {warn.seconds:.1f} s: {warn.value}", flush=True)
        analyze()  # of the new closures, as autovacuum would on a live server
        print(f"Sweep, erasure pass (now + {TRAVEL_DAYS} days)...", flush=True)
        erase = run(erase_pass(now), args.accounts, label="sweep: erasure pass")
        print(f"  {erase.seconds:.1f} s: {erase.value}", flush=True)
        check_sweep(
            SETS["timed-sweep"],
            args.accounts,
            created,
            (warn.value, erase.value),
            (warn.emails, erase.emails),
            now,
            after_pk,
        )

        told = []
        told_n = args.accounts if args.recipients_accounts is None else args.recipients_accounts
        if told_n > 0:
            # A control sweep without recipients first, then the one with them: both on
            # fresh customers over a database that already went through a sweep, so the
            # difference between them is the recipients'.
            for key, label in (("timed-control", "control"), ("timed-recipients", "recipients")):
                print(f"Sweep ({label}) over {told_n} fresh customers...", flush=True)
                told += sweep_again(SETS[key], told_n, label, recipients=label == "recipients")

        if traced_n:
            print(f"tracemalloc runs over {traced_n} fresh customers each...", flush=True)
            now = timezone.now()
            prefix = SETS["traced-naive"]
            traced_created = create_customers(prefix, traced_n, now)
            value, emails = traced(naive(prefix), loop, traced_n)
            check_naive(prefix, traced_n, traced_created, value, emails)
            prefix = SETS["traced-sweep"]
            traced_created = create_customers(prefix, traced_n, now)
            after_pk = last_closure_pk()
            warned, warning_emails = traced(warn_pass(), warn, traced_n)
            analyze()
            erased, receipt_emails = traced(erase_pass(now), erase, traced_n)
            check_sweep(
                prefix,
                traced_n,
                traced_created,
                (warned, erased),
                (warning_emails, receipt_emails),
                now,
                after_pk,
            )
        report([loop, warn, erase, told], args, database, setup, total_start)


if __name__ == "__main__":
    main()
