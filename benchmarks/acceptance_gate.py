r"""Per-request cost of the acceptance gate middleware beside django-termsandconditions.

Run from the repository root::

    .venv/bin/python benchmarks/acceptance_gate.py [--customers 1000] [--requests 50000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/acceptance_gate.py

On a fresh database (a temporary SQLite file, or with ``DATABASE_URL`` a dedicated database
created on that server and dropped afterwards, as ``policy_api.py`` does), with
``termsandconditions`` added to ``INSTALLED_APPS`` and migrated (``django-termsandconditions``
is in the ``bench`` extra), the benchmark creates ``--customers`` customers who have all
accepted what each tool requires:

* wagtail-privacy: a policy with ``requires_acceptance=True`` whose v1 is published the way
  an editor does (``revision.publish()``; tasks enqueued, not run), accepted by every customer
  through ``wagtail_privacy.notices.acceptance.accept``;
* django-termsandconditions: one ``TermsAndConditions`` row (slug ``site-terms``, active since
  yesterday) and a ``UserTermsAndConditions`` row per customer.

It then calls three handlers in-process with ``django.test.RequestFactory`` GET requests for
``/shop/basket/`` (one prepared request per customer, ``request.user`` already set to the
loaded user, used round-robin) and a trivial view returning ``HttpResponse("ok")``:

* ``bare``: the view alone;
* ``gate``: the view wrapped in ``wagtail_privacy.notices.enforcement.AcceptanceMiddleware``;
* ``termsandconditions``: the view wrapped in
  ``termsandconditions.middleware.TermsAndConditionsRedirectMiddleware``.

Both middlewares keep their state in Django's cache, here the locmem cache with
``MAX_ENTRIES`` raised (``--max-entries``, default 100000) so that every customer's entries
fit: locmem's default of 300 entries would evict them with 1,000 customers round-robin.
termsandconditions is configured for the same work as the gate: ``TERMS_CACHE_SECONDS=3600``
(its default of 30 s re-queries every customer every 30 s; the gate keeps a customer's
acceptances 24 h and the requirements up to 1 h, until the next effective date),
``TERMS_EXCLUDE_URL_PREFIX_LIST`` covering the same prefixes the gate exempts (admin, accept
page, privacy API, static and media), ``TERMS_EXCLUDE_SUPERUSERS=True`` (the gate exempts
staff). Before measuring, it checks that every customer passes through both middlewares and
that a customer who accepted nothing is redirected by both.

Figures: requests/s (median of interleaved rounds, each a few passes over all customers),
microseconds per request and added over ``bare``, and SQL statements per request (counted with
``connection.execute_wrapper``) both in steady state (after a warm-up pass) and in the cold
pass that fills an empty cache (first request of every customer). Figures vary with the
machine; compare rows of one run.
"""

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    QueryCounter,
    TimedRounds,
    analyze,
    base_settings,
    print_total_time,
    run_database,
    setup_django,
    versions_text,
)

PATH = "/shop/basket/"
POLICY_SLUG = "privacy-policy"
TERMS_SLUG = "site-terms"
TERMS_CACHE_SECONDS = 3600
EXEMPT_PREFIXES = {"/admin/", "/terms/", "/privacy/accept/", "/api/privacy/", "/static/", "/media/"}


# --- Django setup -------------------------------------------------------------------------


def configure(database, max_entries):
    """Configure Django from ``tests.settings``, plus termsandconditions and a locmem cache."""
    values = base_settings(database)
    values["INSTALLED_APPS"] = [*values["INSTALLED_APPS"], "termsandconditions"]
    values["CACHES"] = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "acceptance-gate-benchmark",
            "OPTIONS": {"MAX_ENTRIES": max_entries},
        }
    }
    values["WAGTAIL_PRIVACY"] = {}  # the defaults: staff exempt, built-in accept page
    # django-termsandconditions reads these once, when its modules are imported.
    values["TERMS_CACHE_SECONDS"] = TERMS_CACHE_SECONDS
    values["DEFAULT_TERMS_SLUG"] = TERMS_SLUG
    values["ACCEPT_TERMS_PATH"] = "/terms/accept/"
    values["TERMS_EXCLUDE_URL_PREFIX_LIST"] = EXEMPT_PREFIXES
    values["TERMS_EXCLUDE_SUPERUSERS"] = True
    setup_django(values)


# --- Data ---------------------------------------------------------------------------------


def create_customers(count):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    User.objects.bulk_create(
        [
            User(
                username=f"customer{i:05d}",
                email=f"customer{i:05d}@example.com",
                password=make_password(None),
            )
            for i in range(count)
        ]
    )
    return list(User.objects.filter(username__startswith="customer").order_by("pk"))


def publish_required_policy():
    from wagtail.models import Site

    from tests.factories import PolicyFactory

    factory = PolicyFactory(Site.objects.get(is_default_site=True).root_page)
    page = factory.create(
        title="Privacy policy",
        slug=POLICY_SLUG,
        text="We keep your orders.",
        requires_acceptance=True,
    )
    factory.publish(page, level="editorial", summary="First version")


def accept_policy(customers):
    from wagtail_privacy.notices.acceptance import accept

    for user in customers:
        _acceptance, created = accept(user, POLICY_SLUG, 1, language="en", ip="192.0.2.1")
        assert created


def accept_terms(customers):
    from datetime import timedelta

    from django.utils import timezone
    from termsandconditions.models import TermsAndConditions, UserTermsAndConditions

    terms = TermsAndConditions.objects.create(
        slug=TERMS_SLUG,
        name="Site terms",
        version_number=1,
        text="You may buy things here.",
        date_active=timezone.now() - timedelta(days=1),
    )
    UserTermsAndConditions.objects.bulk_create(
        [
            UserTermsAndConditions(user=user, terms=terms, ip_address="192.0.2.1")
            for user in customers
        ]
    )


# --- Measurement --------------------------------------------------------------------------


def view(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def handlers():
    from termsandconditions.middleware import TermsAndConditionsRedirectMiddleware

    from wagtail_privacy.notices.enforcement import AcceptanceMiddleware

    return {
        "bare": ("bare (trivial view, no middleware)", view),
        "gate": ("wagtail_privacy AcceptanceMiddleware", AcceptanceMiddleware(view)),
        "tandc": (
            "termsandconditions RedirectMiddleware",
            TermsAndConditionsRedirectMiddleware(view),
        ),
    }


def make_requests(users):
    from django.test import RequestFactory

    factory = RequestFactory()
    requests = []
    for user in users:
        request = factory.get(PATH)
        request.user = user
        requests.append(request)
    return requests


def check_gating(chains, newcomer):
    """A customer who accepted nothing is redirected by both middlewares."""
    from django.core.cache import cache

    cache.clear()
    [request] = make_requests([newcomer])
    for key, expected in (("gate", "/privacy/accept/?next="), ("tandc", "/terms/accept/")):
        response = chains[key][1](request)
        assert response.status_code == 302, (key, response.status_code)
        assert response["Location"].startswith(expected), (key, response["Location"])
    assert chains["bare"][1](request).status_code == 200


def one_pass(handler, requests, *, check=False):
    for request in requests:
        response = handler(request)
        if check and response.status_code != 200:
            raise SystemExit(f"{request.user} got {response.status_code} instead of 200")


def count_queries(handler, requests, *, check=False):
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        one_pass(handler, requests, check=check)
        seconds = time.perf_counter() - start
    return counter.count / len(requests), seconds / len(requests)


class Measurement(TimedRounds):
    def __init__(self, key, label):
        self.key, self.label = key, label
        self.rounds = []
        self.cold_queries = self.cold_seconds = self.queries = None

    @property
    def us(self):
        return 1e6 / self.rps


def measure(chains, requests, args):
    from django.core.cache import cache

    results = {key: Measurement(key, label) for key, (label, _handler) in chains.items()}
    # Cold pass: an empty cache, the first request of every customer.
    for key, (_label, handler) in chains.items():
        cache.clear()
        gc.collect()
        results[key].cold_queries, results[key].cold_seconds = count_queries(
            handler, requests, check=True
        )
    # Warm every cache entry, then count the steady state over a full pass.
    for _key, (_label, handler) in chains.items():
        one_pass(handler, requests, check=True)
    for key, (_label, handler) in chains.items():
        results[key].queries, _seconds = count_queries(handler, requests, check=True)
    passes = max(1, args.requests // args.rounds // len(requests))
    for _ in range(args.rounds):
        for key, (_label, handler) in chains.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(passes):
                one_pass(handler, requests)
            results[key].rounds.append(passes * len(requests) / (time.perf_counter() - start))
    # Still steady after the timing (no entry expired or was evicted meanwhile).
    for key, (_label, handler) in chains.items():
        queries, _seconds = count_queries(handler, requests)
        assert queries == results[key].queries, (key, queries, results[key].queries)
    return results, passes


# --- Report -------------------------------------------------------------------------------


def report(results, passes, customers, args, database, setup, total_start):
    from importlib.metadata import version

    bare, gate, tandc = results["bare"], results["gate"], results["tandc"]
    print()
    print("Acceptance gate per-request cost (RequestFactory requests, in-process)")
    print(f"  database  : {database.description}")
    print(
        f"  versions  : {versions_text()}, "
        f"django-termsandconditions {version('django-termsandconditions')}"
    )
    print(
        f"  customers : {customers}, all accepted: wagtail-privacy policy v1 "
        f"(requires_acceptance, via acceptance.accept, {setup['accept']:.1f} s) and "
        f"termsandconditions '{TERMS_SLUG}' (UserTermsAndConditions rows)"
    )
    print(
        f"  cache     : locmem, MAX_ENTRIES={args.max_entries}; "
        f"TERMS_CACHE_SECONDS={TERMS_CACHE_SECONDS}"
    )
    print(
        f"  load      : GET {PATH}, one prepared request per customer, round-robin; "
        f"{args.rounds} interleaved rounds x {passes} passes x {customers} customers = "
        f"{args.rounds * passes * customers} timed requests per row"
    )
    print()
    header = (
        f"{'handler':<40} {'req/s':>9} {'us/req':>7} {'+us':>6} {'rsd':>5} "
        f"{'queries/req':>11} │ {'cold q/req':>10} {'cold us/req':>11}"
    )
    print(f"{'':<40} {'steady state (warm cache)':^43}│ {'first pass, empty cache':^23}")
    print(header)
    print("-" * len(header))
    for row in (bare, gate, tandc):
        print(
            f"{row.label:<40} {row.rps:>9,.0f} {row.us:>7.2f} {row.us - bare.us:>6.2f} "
            f"{row.rsd:>4.0f}% {row.queries:>11.3f} │ {row.cold_queries:>10.3f} "
            f"{row.cold_seconds * 1e6:>11.1f}"
        )
    print()
    print(
        "req/s: median of the rounds; +us: microseconds added over the bare view; rsd: relative "
        "standard deviation of the rounds; queries: SQL statements (connection.execute_wrapper)."
    )
    print()
    print("Ratios of req/s:")
    print(
        f"  gate vs bare                : {gate.rps / bare.rps:5.2f}x "
        f"(+{gate.us - bare.us:.2f} us per request)"
    )
    print(
        f"  termsandconditions vs gate  : {tandc.rps / gate.rps:5.2f}x "
        f"(+{tandc.us - gate.us:.2f} us per request; "
        f"{(tandc.us - bare.us) / (gate.us - bare.us):.1f}x the gate's added cost)"
    )
    print_total_time(total_start)


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1000, help="customers (default 1000)")
    parser.add_argument(
        "--requests", type=int, default=50_000, help="timed requests per row (default 50000)"
    )
    parser.add_argument("--rounds", type=int, default=10, help="timing rounds per row")
    parser.add_argument(
        "--max-entries",
        type=int,
        default=100_000,
        help="locmem cache MAX_ENTRIES (default 100000; Django's default is 300)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.customers < 1 or args.rounds < 2:
        raise SystemExit("--customers must be positive and --rounds at least 2")
    total_start = time.perf_counter()
    with run_database(configure, args.max_entries) as database:
        setup = {}
        print(f"Creating {args.customers} customers and their acceptances...", flush=True)
        customers = create_customers(args.customers)
        publish_required_policy()
        start = time.perf_counter()
        accept_policy(customers)
        setup["accept"] = time.perf_counter() - start
        accept_terms(customers)
        from django.contrib.auth import get_user_model

        newcomer = get_user_model().objects.create_user("newcomer", "newcomer@example.com")
        analyze()
        chains = handlers()
        check_gating(chains, newcomer)
        print("Measuring...", flush=True)
        results, passes = measure(chains, make_requests(customers), args)
        report(results, passes, len(customers), args, database, setup, total_start)


if __name__ == "__main__":
    main()
