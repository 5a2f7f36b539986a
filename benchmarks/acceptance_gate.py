r"""Per-request cost of the acceptance gate beside django-termsandconditions, in-process and HTTP.

Run from the repository root::

    .venv/bin/python benchmarks/acceptance_gate.py            # about 2.5 minutes
    .venv/bin/python benchmarks/acceptance_gate.py --no-http  # the in-process part only
    .venv/bin/python benchmarks/acceptance_gate.py --sqlite   # SQLite even if PostgreSQL answers

Database: ``DATABASE_URL`` if set; otherwise PostgreSQL at 127.0.0.1:5432 (user postgres) if
it answers, else a temporary SQLite file. On a server, a dedicated database is created for the
run and dropped afterwards. Redis: ``REDIS_URL`` (default ``redis://127.0.0.1:6379/15``); the
run's keys carry a prefix of their own and are deleted at the end (the database is never
flushed). ``wrk`` must be on the PATH for the HTTP part (``apt-get install wrk``).

Data, grown ×10 between two levels (``--customers`` N, default 1,000):

* level 1: N customers; a policy (``requires_acceptance``) with 10 versions, all major, v1
  published through Wagtail the way an editor does and v2-v10 added as rows; each customer
  accepted v1 and the current version. django-termsandconditions: 10 ``TermsAndConditions``
  versions of ``site-terms``, each customer accepted v1 and the latest.
* level 2: 10N customers, 100 versions of each, the new ones accept v1 and the new current
  version, the earlier ones accept the new current version too (about 10× the acceptances).

Part 1, in-process: ``RequestFactory`` GET ``/shop/basket/`` by ``--sample`` customers (1,000,
spread over all of them, so that the timing loop walks through as many objects at both
levels), one prepared request each, used round-robin, with ``request.user`` and a loaded
``request.session`` set as Django's session and authentication middleware leave them (not
timed: that costs the same with or without a gate). Three handlers around a view that returns
``HttpResponse`` after reading ``request.user.is_authenticated``, as a page for signed-in
customers does:

* ``bare``: the view alone;
* ``gate``: ``wagtail_privacy.notices.enforcement.AcceptanceMiddleware``;
* ``t&c``: ``termsandconditions.middleware.TermsAndConditionsRedirectMiddleware``, configured
  as its README says (in ``MIDDLEWARE``; ``TERMS_EXCLUDE_URL_PREFIX_LIST`` for the same
  prefixes the gate exempts, ``TERMS_EXCLUDE_SUPERUSERS``), with ``TERMS_CACHE_SECONDS=3600``
  instead of its default 30 so that it re-queries nobody while measured.

Each level is measured with Django's cache as ``LocMemCache`` and as ``RedisCache`` (the only
place django-termsandconditions keeps its state; the gate uses no cache). For each: a cold
pass (each customer's first request after the data grew: empty cache, stale or no session
entry), then a counted steady pass (SQL statements, calls of cache methods, session writes),
then ``--rounds`` timed rounds, each running the three handlers for ``--seconds`` back to back
in a rotating order. us/req is the median of the rounds; +us, the cost added over ``bare``, the
median of each round's difference with ``bare`` (other load on the machine between rounds
cancels out).

Part 2, HTTP: three gunicorn servers (sync workers, ``--workers`` 2 each) of one Django site
on the run's database, with Redis as the cache and ``cached_db`` sessions (read from Redis,
written through to the database), ``CONN_MAX_AGE`` 600 and the test project's middleware
(sessions, locale, common, CSRF, auth, messages, clickjacking); they differ only in one
middleware appended last: none, the gate, or django-termsandconditions. First, for each
server's configuration, a child process sends 200 requests through the whole stack with
Django's test client and counts SQL statements, cache calls and session writes per request.
Then each server must answer the signed-in customer with 200 and no ``Set-Cookie`` (no session
write) and a newcomer with a redirect (200 from bare). ``wrk -t1 -c4`` sends GET
``/shop/basket/`` with the customer's session cookie for ``--http-seconds`` per server, in
``--http-rounds`` rounds that rotate the order of the servers; "vs bare" is the median of each
round's ratio to bare in the same round, so that a change of the machine's load between rounds
cancels out. The user + system CPU time of each server's workers (``/proc``) is read around
every round: CPU µs per request served, which other load on the machine hardly changes.

Figures vary with the machine: compare rows of one run.
"""

import argparse
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    QueryCounter,
    analyze,
    base_settings,
    clear_cache,
    delete_redis_keys,
    print_total_time,
    run_database,
    setup_django,
    versions_text,
)
from tests.processes import free_port  # noqa: E402

PATH = "/shop/basket/"
POLICY_SLUG = "privacy-policy"
TERMS_SLUG = "site-terms"
TERMS_CACHE_SECONDS = 3600
EXEMPT_PREFIXES = {"/admin/", "/terms/", "/privacy/accept/", "/api/privacy/", "/static/", "/media/"}
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
GATE_MIDDLEWARE = "wagtail_privacy.notices.enforcement.AcceptanceMiddleware"
TANDC_MIDDLEWARE = "termsandconditions.middleware.TermsAndConditionsRedirectMiddleware"
HTTP_VARIANTS = {"bare": None, "gate": GATE_MIDDLEWARE, "t&c": TANDC_MIDDLEWARE}
VERSIONS_PER_LEVEL = 10
# Not calls to the cache: key helpers, and close() (request_finished, no round trip).
CACHE_HELPERS = {
    "make_key",
    "make_and_validate_key",
    "validate_key",
    "get_backend_timeout",
    "close",
}


# --- Django setup -------------------------------------------------------------------------


def redis_cache(prefix):
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
    }


def settings_values(database, prefix, variant=None):
    """The run's settings; with ``variant``, those of an HTTP server (Redis as the cache)."""
    values = base_settings(database)
    values["INSTALLED_APPS"] = [*values["INSTALLED_APPS"], "termsandconditions"]
    locmem = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "acceptance-gate-benchmark",
        # Locmem's default of 300 entries would evict termsandconditions' per-customer ones.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
    values["CACHES"] = {"default": locmem, "redis": redis_cache(prefix)}
    values["SESSION_ENGINE"] = "django.contrib.sessions.backends.cached_db"
    values["SESSION_CACHE_ALIAS"] = "redis"
    values["ROOT_URLCONF"] = "benchmarks.acceptance_gate"
    values["WAGTAIL_PRIVACY"] = {}  # the defaults: staff exempt, built-in accept page
    # django-termsandconditions reads these once, when its modules are imported.
    values["TERMS_CACHE_SECONDS"] = TERMS_CACHE_SECONDS
    values["DEFAULT_TERMS_SLUG"] = TERMS_SLUG
    values["ACCEPT_TERMS_PATH"] = "/terms/accept/"
    values["TERMS_EXCLUDE_URL_PREFIX_LIST"] = EXEMPT_PREFIXES
    values["TERMS_EXCLUDE_SUPERUSERS"] = True
    if variant is not None:
        values["CACHES"] = {"default": redis_cache(prefix)}
        values["SESSION_CACHE_ALIAS"] = "default"
        values["DATABASES"]["default"]["CONN_MAX_AGE"] = 600
        values["MIDDLEWARE"] = [*values["MIDDLEWARE"], *filter(None, [HTTP_VARIANTS[variant]])]
    return values


def configure(database, prefix):
    setup_django(settings_values(database, prefix))


def view(request):
    """A page for signed-in customers: it reads ``request.user``, as such pages do."""
    from django.http import HttpResponse

    return HttpResponse("ok" if request.user.is_authenticated else "signed out")


def __getattr__(name):
    """``urlpatterns`` of the HTTP servers (``ROOT_URLCONF`` is this module), built lazily."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import path

    from tests.urls import urlpatterns

    return [path(PATH.strip("/") + "/", view), *urlpatterns]


def probe_main(cookie, count):
    """``--probe COOKIE``: run ``probe`` in an HTTP server's configuration (a child process)."""
    config = json.loads(os.environ["ACCEPTANCE_GATE_BENCH"])
    setup_django(settings_values(config["database"], config["prefix"], config["variant"]))
    print(json.dumps(probe(cookie, count)))


def http_app():
    """The WSGI application of an HTTP server: ``'benchmarks.acceptance_gate:http_app()'``."""
    config = json.loads(os.environ["ACCEPTANCE_GATE_BENCH"])
    setup_django(settings_values(config["database"], config["prefix"], config["variant"]))
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def probe(cookie, count):
    """In an HTTP server's configuration: per request through the whole middleware stack,
    SQL statements, cache calls and session writes (``Set-Cookie``), printed as JSON."""
    from django.db import connection
    from django.test import Client

    client = Client()
    client.cookies["sessionid"] = cookie
    for _ in range(3):
        assert client.get(PATH).status_code == 200
    queries, writes = QueryCounter(), 0
    with CacheCalls() as calls, connection.execute_wrapper(queries):
        start = time.perf_counter()
        for _ in range(count):
            response = client.get(PATH)
            assert response.status_code == 200, response.status_code
            writes += "sessionid" in response.cookies
        seconds = time.perf_counter() - start
    return {
        "queries": queries.count / count,
        "cache": calls.count / count,
        "writes": writes / count,
        "us": seconds / count * 1e6,
    }


def pick_database(sqlite=False):
    """``DATABASE_URL``, else the local PostgreSQL if it answers, else SQLite (None)."""
    if sqlite:
        os.environ.pop("DATABASE_URL", None)
        return None
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    try:
        import psycopg

        psycopg.connect(LOCAL_POSTGRES, connect_timeout=2).close()
    except Exception:  # no driver, no server: the temporary SQLite file
        return None
    os.environ["DATABASE_URL"] = LOCAL_POSTGRES
    return LOCAL_POSTGRES


# --- Data ---------------------------------------------------------------------------------


class World:
    """What exists so far: customers, versions of both tools, acceptances, sessions."""

    def __init__(self):
        self.customers = []
        self.sessions = {}
        self.policy = None
        self.versions = []
        self.terms = []
        self.newcomer = None

    @property
    def acceptances(self):
        from termsandconditions.models import UserTermsAndConditions

        from wagtail_privacy.notices.models import Acceptance

        return Acceptance.objects.count(), UserTermsAndConditions.objects.count()


def create_customers(start, count):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    User.objects.bulk_create(
        [
            User(
                username=f"customer{i:06d}",
                email=f"customer{i:06d}@example.com",
                password=make_password(None),
            )
            for i in range(start, start + count)
        ],
        batch_size=2000,
    )
    names = [f"customer{i:06d}" for i in range(start, start + count)]
    return list(User.objects.filter(username__in=names).order_by("pk"))


def publish_policy(world):
    """v1 the way an editor publishes it (Wagtail revision, tasks enqueued, not run)."""
    from wagtail.models import Site

    from tests.factories import PolicyFactory
    from wagtail_privacy.policies.models import Policy

    factory = PolicyFactory(Site.objects.get(is_default_site=True).root_page)
    page = factory.create(
        title="Privacy policy",
        slug=POLICY_SLUG,
        text="We keep your orders.",
        requires_acceptance=True,
    )
    factory.publish(page, level="editorial", summary="First version")
    world.policy = Policy.objects.get(slug=POLICY_SLUG)
    world.versions = list(world.policy.versions.all())


def add_versions(world, total):
    """Major versions up to ``total`` of the policy and of the terms, in effect already."""
    from datetime import timedelta

    from django.utils import timezone
    from termsandconditions.models import TermsAndConditions

    from wagtail_privacy.policies.models import ChangeLevel, PolicyVersion

    first = world.versions[0]
    PolicyVersion.objects.bulk_create(
        [
            PolicyVersion(
                policy=world.policy,
                number=n,
                change_level=ChangeLevel.MAJOR,
                requires_acceptance=True,
                published_at=first.published_at,
                effective_at=first.effective_at + timedelta(microseconds=n),
            )
            for n in range(len(world.versions) + 1, total + 1)
        ]
    )
    world.versions = list(world.policy.versions.order_by("number"))
    start = timezone.now() - timedelta(days=400)
    TermsAndConditions.objects.bulk_create(
        [
            TermsAndConditions(
                slug=TERMS_SLUG,
                name="Site terms",
                version_number=n,
                text=f"You may buy things here (v{n}).",
                date_active=start + timedelta(days=n),
            )
            for n in range(len(world.terms) + 1, total + 1)
        ]
    )
    world.terms = list(TermsAndConditions.objects.order_by("version_number"))


def add_acceptances(world, customers, versions, terms):
    from django.utils import timezone
    from termsandconditions.models import UserTermsAndConditions

    from wagtail_privacy.notices.models import Acceptance

    now = timezone.now()
    Acceptance.objects.bulk_create(
        [
            Acceptance(
                user=user,
                policy=world.policy,
                version=version,
                language="en",
                text_sha256="0" * 64,
                accepted_at=now,
                ip_address="192.0.2.0",
                channel="web",
            )
            for user in customers
            for version in versions
        ],
        batch_size=2000,
    )
    UserTermsAndConditions.objects.bulk_create(
        [
            UserTermsAndConditions(user=user, terms=t, ip_address="192.0.2.1")
            for user in customers
            for t in terms
        ],
        batch_size=2000,
    )


def signed_in_session(user, engine):
    """A session of ``user`` as ``django.contrib.auth.login`` leaves it (not saved)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = engine.SessionStore()
    store._session_cache = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    return store


def grow(world, customers, versions):
    """Grow the world to ``customers`` and ``versions``; returns the seconds it took."""
    from importlib import import_module

    from django.conf import settings

    start = time.perf_counter()
    earlier = world.customers
    new = create_customers(len(earlier), customers - len(earlier))
    if world.policy is None:
        publish_policy(world)
    add_versions(world, versions)
    add_acceptances(
        world, new, [world.versions[0], world.versions[-1]], [world.terms[0], world.terms[-1]]
    )
    add_acceptances(world, earlier, [world.versions[-1]], [world.terms[-1]])
    world.customers = earlier + new
    engine = import_module(settings.SESSION_ENGINE)
    for user in new:
        world.sessions[user.pk] = signed_in_session(user, engine)
    if world.newcomer is None:
        from django.contrib.auth import get_user_model

        world.newcomer = get_user_model().objects.create_user("newcomer", "new@example.com")
    analyze()
    return time.perf_counter() - start


# --- Measurement in-process ---------------------------------------------------------------


def handlers():
    from termsandconditions.middleware import TermsAndConditionsRedirectMiddleware

    from wagtail_privacy.notices.enforcement import AcceptanceMiddleware

    return {
        "bare": view,
        "gate": AcceptanceMiddleware(view),
        "t&c": TermsAndConditionsRedirectMiddleware(view),
    }


def make_requests(world, users):
    from django.test import RequestFactory

    factory = RequestFactory()
    requests = []
    for user in users:
        request = factory.get(PATH)
        request.user = user
        request.session = world.sessions[user.pk]
        requests.append(request)
    return requests


def use_cache(alias):
    """Make ``alias`` Django's default cache (what both middlewares' ``cache`` resolves to)."""
    from django.core.cache import caches

    caches["default"] = caches[alias] if alias != "default" else caches.create_connection("default")


class CacheCalls:
    """Counts calls of every public method of the cache backends while active."""

    def __init__(self):
        from django.core.cache.backends.base import BaseCache
        from django.core.cache.backends.locmem import LocMemCache
        from django.core.cache.backends.redis import RedisCache

        self.count = 0
        self.classes = (LocMemCache, RedisCache)
        self.names = [
            n
            for n, value in vars(BaseCache).items()
            if callable(value) and not n.startswith("_") and n not in CACHE_HELPERS
        ]

    def __enter__(self):
        self.saved = []
        for cls in self.classes:
            for name in self.names:
                original = getattr(cls, name)
                self.saved.append((cls, name, cls.__dict__.get(name)))
                setattr(cls, name, self._spy(original))
        return self

    def _spy(self, original):
        def spy(cache, *args, **kwargs):
            self.count += 1
            return original(cache, *args, **kwargs)

        return spy

    def __exit__(self, *exc):
        for cls, name, value in self.saved:
            if value is None:
                delattr(cls, name)
            else:
                setattr(cls, name, value)


def counted_pass(handler, requests, expect=200):
    """One request per customer: statements, cache calls and session writes per request."""
    from django.db import connection

    for request in requests:
        request.session.modified = False
    queries = QueryCounter()
    with CacheCalls() as calls, connection.execute_wrapper(queries):
        start = time.perf_counter()
        for request in requests:
            response = handler(request)
            if response.status_code != expect:
                raise SystemExit(f"{request.user} got {response.status_code}, not {expect}")
        seconds = time.perf_counter() - start
    writes = sum(request.session.modified for request in requests)
    n = len(requests)
    return {
        "queries": queries.count / n,
        "cache": calls.count / n,
        "writes": writes / n,
        "us": seconds / n * 1e6,
    }


def timed_round(handler, requests, seconds, index):
    n = len(requests)
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(32):
            handler(requests[index])
            index += 1
            if index == n:
                index = 0
        count += 32
        now = time.perf_counter()
        if now >= deadline:
            return (now - start) / count * 1e6, index


def check_gating(world, chains):
    """A customer who accepted nothing is redirected by both middlewares."""
    [request] = make_requests(world, [world.newcomer])
    for key, expected in (("gate", "/privacy/accept/?next="), ("t&c", "/terms/accept/")):
        response = chains[key](request)
        assert response.status_code == 302, (key, response.status_code)
        assert response["Location"].startswith(expected), (key, response["Location"])


def measure_level(world, args):
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)
    world.sessions.setdefault(world.newcomer.pk, signed_in_session(world.newcomer, engine))
    # The same number of customers at every level, spread over all of them: what grows is
    # the data behind them, not the set of objects the timing loop walks through.
    step = max(1, len(world.customers) // args.sample)
    requests = make_requests(world, world.customers[::step][: args.sample])
    chains = handlers()
    results = {}
    for cache_name, alias in (("locmem", "default"), ("redis", "redis")):
        use_cache(alias)
        clear_cache()
        check_gating(world, chains)
        clear_cache()
        rows = {key: {} for key in chains}
        # The first request of every customer after the data grew (empty cache).
        for key, handler in chains.items():
            rows[key]["cold"] = counted_pass(handler, requests)
        for key, handler in chains.items():
            rows[key]["steady"] = counted_pass(handler, requests)
        # Short rounds, each timing the three handlers back to back in a rotating order: the
        # cost added by a middleware is the median of its difference with bare in the same
        # round, so that other load on the machine between rounds cancels out.
        index = dict.fromkeys(chains, 0)
        rounds = []
        order = list(chains)
        for number in range(args.rounds):
            shift = number % len(order)
            timed = {}
            for key in order[shift:] + order[:shift]:
                gc.collect()
                timed[key], index[key] = timed_round(
                    chains[key], requests, args.seconds, index[key]
                )
            rounds.append(timed)
        for key in chains:
            times = [r[key] for r in rounds]
            rows[key]["us"] = statistics.median(times)
            rows[key]["added"] = statistics.median(r[key] - r["bare"] for r in rounds)
            rows[key]["spread"] = (max(times) - min(times)) / rows[key]["us"] * 100
        # Still no I/O after the timing: nothing expired, nothing was written meanwhile.
        after = counted_pass(chains["gate"], requests)
        assert (after["queries"], after["cache"], after["writes"]) == (0, 0, 0), after
        results[cache_name] = rows
    use_cache("default")
    return results


# --- Measurement over HTTP ----------------------------------------------------------------


def server_env(variant, database, prefix, media):
    env = dict(os.environ)
    env["ACCEPTANCE_GATE_BENCH"] = json.dumps(
        {"database": database, "prefix": prefix, "variant": variant}, default=str
    )
    env["TEST_MEDIA_ROOT"] = media
    env["PYTHONPATH"] = str(ROOT)
    return env


def probe_variant(variant, database, prefix, media, cookie):
    """What one request costs through a server's whole stack, in a child process."""
    output = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--probe", cookie],
        cwd=ROOT,
        env=server_env(variant, database, prefix, media),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if output.returncode:
        raise SystemExit(f"probe of {variant} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def start_server(variant, database, prefix, workers, media):
    port = free_port()
    env = server_env(variant, database, prefix, media)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "benchmarks.acceptance_gate:http_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    return process, port


def get(port, cookie=None):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        connection.request("GET", PATH, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location"), response.getheader("Set-Cookie")
    finally:
        connection.close()


def wait_ready(process, port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: {process.stderr.read()[-2000:]}")
        try:
            if get(port)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def stop_server(process):
    import signal

    if process.poll() is None:
        process.terminate()  # gunicorn's master stops its workers
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def saved_session(user):
    """A stored session of ``user`` (cached_db: the database and Redis); its key."""
    from importlib import import_module

    from django.conf import settings

    store = signed_in_session(user, import_module(settings.SESSION_ENGINE))
    store.modified = True
    store.save()
    return store.session_key


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def run_wrk(port, cookie, seconds):
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c4",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Cookie: sessionid={cookie}",
            f"http://127.0.0.1:{port}{PATH}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw responses other than 200:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    latency = {}
    for percent in ("50", "99"):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        latency[percent] = float(value) * UNITS[unit]
    return {"rps": rps, "requests": requests, "p50": latency["50"], "p99": latency["99"]}


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()  # from field 3 (state) on


def worker_pids(master):
    """The processes whose parent is ``master`` (gunicorn's workers), from /proc."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(_stat_fields(entry)[1]) == master:
                    pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return pids


def cpu_seconds(pids):
    """User + system CPU time the processes ``pids`` have used so far (Linux /proc)."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure_http(world, database, prefix, args):
    from django.conf import settings

    customer = world.customers[0]
    cookie = saved_session(customer)
    newcomer = saved_session(world.newcomer)
    media = tempfile.mkdtemp(prefix="wagtail-privacy-bench-media-")
    servers = {}
    try:
        probes = {
            variant: probe_variant(variant, database, prefix, media, cookie)
            for variant in HTTP_VARIANTS
        }
        for variant in HTTP_VARIANTS:
            servers[variant] = start_server(variant, database, prefix, args.workers, media)
        for variant, (process, port) in servers.items():
            wait_ready(process, port)
            for _ in range(4 * args.workers):  # every worker: its first request, then steady
                status, _location, _set_cookie = get(port, cookie)
                assert status == 200, (variant, status)
            status, _location, set_cookie = get(port, cookie)
            assert status == 200 and set_cookie is None, (variant, status, set_cookie)
            status, location, _set_cookie = get(port, newcomer)
            if variant == "bare":
                assert status == 200, (variant, status)
            else:
                assert status == 302, (variant, status, location)
        for _variant, (_process, port) in servers.items():
            run_wrk(port, cookie, 1)  # warm-up
        workers = {
            variant: worker_pids(process.pid) for variant, (process, _port) in servers.items()
        }
        assert all(len(pids) == args.workers for pids in workers.values()), workers
        # Rounds rotate the order of the servers; each is compared with bare in its round, so
        # that a change of the machine's load between rounds cancels out of the ratios.
        rounds = []
        order = list(servers)
        for number in range(args.http_rounds):
            shift = number % len(order)
            measured = {}
            for variant in order[shift:] + order[:shift]:
                pids = workers[variant]
                cpu = cpu_seconds(pids)
                measured[variant] = run_wrk(servers[variant][1], cookie, args.http_seconds)
                measured[variant]["cpu"] = cpu_seconds(pids) - cpu
            rounds.append(measured)
    finally:
        for process, _port in servers.values():
            stop_server(process)
        shutil.rmtree(media, ignore_errors=True)
    results = {"engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]}
    for variant in HTTP_VARIANTS:
        runs = [r[variant] for r in rounds]
        results[variant] = {
            "rps": statistics.median(r["rps"] for r in runs),
            "ratio": statistics.median(r[variant]["rps"] / r["bare"]["rps"] for r in rounds),
            "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs),
            "all": [r["rps"] for r in runs],
            "cpu_us": sum(r["cpu"] for r in runs) / sum(r["requests"] for r in runs) * 1e6,
            "probe": probes[variant],
        }
    return results


# --- Report -------------------------------------------------------------------------------


def report_in_process(levels, args):
    print()
    print(
        "Part 1: in-process cost per request (RequestFactory; user and loaded session set as "
        "the auth middleware leaves them)"
    )
    header = (
        f"{'cache':<6} {'level':<30} {'handler':<5} {'us/req':>7} {'+us':>7} {'spread':>6} "
        f"{'q/req':>6} {'cache/req':>9} {'writes':>6} │ {'cold q':>6} {'cold cache':>10} "
        f"{'cold writes':>11} {'cold us':>8}"
    )
    print(header)
    print("-" * len(header))
    for cache_name in ("locmem", "redis"):
        for label, results in levels:
            rows = results[cache_name]
            for key, row in rows.items():
                steady, cold = row["steady"], row["cold"]
                print(
                    f"{cache_name:<6} {label:<30} {key:<5} {row['us']:>7.2f} "
                    f"{row['added']:>7.2f} {row['spread']:>5.0f}% {steady['queries']:>6.3f} "
                    f"{steady['cache']:>9.3f} {steady['writes']:>6.3f} │ {cold['queries']:>6.3f} "
                    f"{cold['cache']:>10.3f} {cold['writes']:>11.3f} {cold['us']:>8.1f}"
                )
    print()
    print(
        "us/req: median of the rounds; +us: median of the difference with bare in the same "
        "round; spread: (max-min)/median of the rounds; q: SQL statements; cache: calls of "
        "cache methods; writes: session writes; cold: first request of each customer after the "
        "data grew, empty cache."
    )
    print()
    print("Ratios (added cost, +us):")
    for cache_name in ("locmem", "redis"):
        for label, results in levels:
            rows = results[cache_name]
            gate, tandc = rows["gate"]["added"], rows["t&c"]["added"]
            verdict = "ok" if gate <= 5 and tandc >= 25 * gate else "MISSED"
            print(
                f"  {cache_name:<6} {label:<30} gate +{gate:.2f} us, t&c +{tandc:.2f} us: "
                f"t&c / gate = {tandc / max(gate, 1e-9):.0f}x  [{verdict}: gate <= 5 us, >= 25x]"
            )
    for cache_name in ("locmem", "redis"):
        (_l1, small), (_l2, large) = levels
        g1, g2 = small[cache_name]["gate"]["added"], large[cache_name]["gate"]["added"]
        print(
            f"  {cache_name:<6} gate at level 2 / level 1 (10x customers, acceptances, "
            f"versions): +{g2:.2f} / +{g1:.2f} us"
        )


def report_http(http, args):
    print()
    print(
        f"Part 2: HTTP, gunicorn {args.workers} sync workers per server, {http['engine']}, "
        f"Redis cache, cached_db sessions; wrk -t1 -c4, {args.http_rounds} rounds x "
        f"{args.http_seconds} s per server, order rotated each round"
    )
    header = (
        f"{'server':<24} {'req/s':>7} {'vs bare':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'CPU us/req':>10} {'vs bare':>8} {'q/req':>6} {'cache/req':>9} {'writes':>6}  "
        "req/s of each round"
    )
    print(header)
    print("-" * len(header))
    labels = {"bare": "bare view", "gate": "+ AcceptanceMiddleware", "t&c": "+ T&C middleware"}
    for variant in HTTP_VARIANTS:
        row = http[variant]
        rounds = ", ".join(f"{r:,.0f}" for r in row["all"])
        probe = row["probe"]
        print(
            f"{labels[variant]:<24} {row['rps']:>7,.0f} {row['ratio']:>8.3f} "
            f"{row['p50']:>7.2f} {row['p99']:>7.2f} {row['cpu_us']:>10.0f} "
            f"{row['cpu_us'] / http['bare']['cpu_us']:>8.3f} {probe['queries']:>6.2f} "
            f"{probe['cache']:>9.2f} {probe['writes']:>6.2f}  {rounds}"
        )
    print()
    print(
        "req/s, p50, p99: medians of the rounds; vs bare: median of each round's ratio to bare in "
        "the same round; CPU us/req: user + system CPU time of the server's workers over all "
        "rounds (/proc) per request served, which other load on the machine hardly changes; q, "
        "cache, writes: per request through the whole middleware stack (Django test client in "
        "the server's configuration: SQL statements, cache calls, session writes)."
    )
    for key in ("gate", "t&c"):
        row = http[key]
        capacity = http["bare"]["cpu_us"] / row["cpu_us"]
        verdict = ""
        if key == "gate":
            ok = row["ratio"] >= 0.95 and capacity >= 0.95
            verdict = f" [{'ok' if ok else 'MISSED'}: both >= 0.950x, i.e. at most 5% fewer]"
        print(
            f"  {key:<4}: {row['ratio']:.3f}x the req/s of bare; {capacity:.3f}x its requests per "
            f"CPU second{verdict}"
        )


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1000, help="customers at level 1")
    parser.add_argument(
        "--sample", type=int, default=1000, help="customers requesting at each level"
    )
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds per handler")
    parser.add_argument("--seconds", type=float, default=0.1, help="seconds per timed round")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP part")
    parser.add_argument(
        "--sqlite", action="store_true", help="a temporary SQLite file even if PostgreSQL answers"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--http-rounds", type=int, default=9, help="wrk rounds per server")
    parser.add_argument("--http-seconds", type=int, default=2, help="seconds per wrk round")
    parser.add_argument("--probe", help=argparse.SUPPRESS)  # internal: see probe_main
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.probe:
        return probe_main(args.probe, 200)
    if args.customers < 1 or args.rounds < 2:
        raise SystemExit("--customers must be positive and --rounds at least 2")
    if not args.no_http and shutil.which("wrk") is None:
        raise SystemExit("wrk is not on the PATH (apt-get install wrk), or pass --no-http")
    total_start = time.perf_counter()
    media = tempfile.TemporaryDirectory(prefix="wagtail-privacy-bench-media-")
    os.environ["TEST_MEDIA_ROOT"] = media.name
    pick_database(args.sqlite)
    prefix = f"gatebench-{uuid.uuid4().hex[:10]}"
    try:
        with run_database(configure, prefix) as database:
            from importlib.metadata import version

            from django.core.cache import caches

            print(
                f"{versions_text()}, django-termsandconditions "
                f"{version('django-termsandconditions')}, Redis at {REDIS_URL} (keys {prefix}:*)"
            )
            try:
                run(World(), prefix, args)
            finally:
                deleted = delete_redis_keys(caches["redis"])
                print(
                    f"\nDatabase: {database.description}; {deleted} Redis keys of the run deleted"
                )
    finally:
        media.cleanup()
    print_total_time(total_start)


def run(world, prefix, args):
    from django.conf import settings

    levels = []
    for level, factor in ((1, 1), (2, 10)):
        customers = args.customers * factor
        versions = VERSIONS_PER_LEVEL * factor
        print(f"Level {level}: growing to {customers} customers...", flush=True)
        seconds = grow(world, customers, versions)
        ours, theirs = world.acceptances
        label = f"{customers} cust, {versions} vers, {ours // 1000}k acc"
        print(
            f"  {customers} customers, {versions} versions each, {ours} acceptances "
            f"(gate) and {theirs} (t&c) in {seconds:.1f} s; measuring...",
            flush=True,
        )
        levels.append((label, measure_level(world, args)))
    report_in_process(levels, args)
    if not args.no_http:
        print("\nPart 2: starting gunicorn servers...", flush=True)
        http = measure_http(world, settings.DATABASES["default"], prefix, args)
        report_http(http, args)


if __name__ == "__main__":
    main()
