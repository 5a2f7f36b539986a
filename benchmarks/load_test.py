r"""Mixed load on the production topology: signed-in customers against gunicorn, with locust.

Run from the repository root (PostgreSQL and Redis running, as for ``dev.py cluster``)::

    .venv/bin/python benchmarks/load_test.py                            # about 2 minutes
    .venv/bin/python benchmarks/load_test.py --users 50 --seconds 15    # a quick look

It starts the topology itself, as ``python3 dev.py cluster --web 4 --workers 2`` does (that
command, in fact): a dedicated PostgreSQL database (on ``DATABASE_URL`` when it names a
PostgreSQL server, else ``postgres://postgres@127.0.0.1:5432``), an empty Redis database number
(``TOPOLOGY_REDIS_URL``, default ``redis://127.0.0.1:6379``), moto's S3 server with a media
and a private bucket, the demo shop migrated and loaded, gunicorn with ``--web`` workers and
``--workers`` RQ task workers. Once the task workers have rendered the demo's PDFs, it creates
``--users`` customers (languages en, sl, sq, hr in turn) and signs each in (Django's
``login()`` on a ``cached_db`` session, as the login view does after the password check: 500
password hashes would only measure PBKDF2).

Then locust runs headless for ``--seconds`` with one simulated customer per account (spawned
at ``--spawn-rate`` per second, 20), each waiting ``--think`` seconds between actions (drawn
evenly between 5 and 15 by default, about 50 requests/s for 500 customers; ``--think 1,3``
offers about 250/s, more than a 2-core machine serves: its figures show the ceiling), in its
own language:

========================  ======  ==========================================================
action                    weight  requests
========================  ======  ==========================================================
read the policies list       4    GET /api/privacy/v1/policies/
read a policy                3    GET /api/privacy/v1/policies/{slug}/
read a version               2    GET .../versions/{n}/ (current or an archived one)
privacy summary              4    GET /api/privacy/v1/me/
accept                       1    POST /me/acceptances/ for what /me/ says is owed, else the
                                  current privacy policy again (200, the earlier record)
toggle a consent             2    PUT /me/consents/{purpose}/ {"channels": {channel: bool}}
download a PDF               2    GET .../versions/{n}/pdf/ (rendered once, from S3)
orders page (gated)          1    GET /account/orders/: 200, or 302 to the accept page
========================  ======  ==========================================================

It prints requests, req/s, median and 99th percentile per endpoint and the failures (any
response other than the expected ones counts) over the whole run, ramp-up included (each
customer first opens the storefront, the policy list and their consents), then stops
everything and removes the database, the Redis database's keys and the files. It exits
non-zero when a request failed. Locust runs in one process beside the servers on the same
machine: the figures are the whole machine's.
"""

import argparse
import csv
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API = "/api/privacy/v1"

# ------------------------------------------------------------------------------------------
# The locust side: this module is also the locustfile (``locust -f benchmarks/load_test.py``).

if __name__ != "__main__" and os.environ.get("LOAD_TEST_SESSIONS"):
    from locust import HttpUser, between, task

    SESSIONS = json.loads(Path(os.environ["LOAD_TEST_SESSIONS"]).read_text())
    NEXT = itertools.count()

    THINK = [float(value) for value in os.environ.get("LOAD_TEST_THINK", "5,15").split(",")]

    class Customer(HttpUser):
        wait_time = between(*THINK)

        def on_start(self):
            account = SESSIONS[next(NEXT) % len(SESSIONS)]
            self.language = account["language"]
            self.client.headers["Accept-Language"] = self.language
            self.client.cookies.set("sessionid", account["session"])
            # The storefront's page sets the CSRF cookie, as for a browser.
            self.client.get("/storefront/", name="GET /storefront/ (CSRF cookie)")
            self.client.headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
            listing = self.client.get(f"{API}/policies/", name="GET /policies/").json()
            self.versions = {}
            for policy in listing:
                current = policy["current"]["number"]
                self.versions[policy["slug"]] = list(range(1, current + 1))
            consents = self.client.get(f"{API}/me/consents/", name="GET /me/consents/").json()
            self.channels = [
                (purpose["key"], channel["channel"], channel["granted"])
                for purpose in consents
                for channel in purpose["channels"]
                if channel["offered"]
            ]

        def _version(self):
            slug = random.choice(list(self.versions))
            return slug, random.choice(self.versions[slug])

        @task(4)
        def policies(self):
            self.client.get(f"{API}/policies/", name="GET /policies/")

        @task(3)
        def policy(self):
            slug = random.choice(list(self.versions))
            self.client.get(f"{API}/policies/{slug}/", name="GET /policies/{slug}/")

        @task(2)
        def version(self):
            slug, number = self._version()
            self.client.get(
                f"{API}/policies/{slug}/versions/{number}/",
                name="GET /policies/{slug}/versions/{n}/",
            )

        @task(4)
        def me(self):
            self.client.get(f"{API}/me/", name="GET /me/")

        @task(1)
        def accept(self):
            owed = self.client.get(f"{API}/me/", name="GET /me/").json()["acceptances_required"]
            payloads = [{"policy": item["policy"], "version": item["version"]} for item in owed]
            if not payloads:  # accepted already: accepting again answers the earlier record
                current = max(self.versions["privacy-policy"])
                payloads = [{"policy": "privacy-policy", "version": current}]
            for payload in payloads:
                with self.client.post(
                    f"{API}/me/acceptances/",
                    json=payload,
                    name="POST /me/acceptances/",
                    catch_response=True,
                ) as response:
                    if response.status_code in (200, 201):
                        response.success()
                    else:
                        response.failure(f"{response.status_code}: {response.text[:200]}")

        @task(2)
        def toggle_consent(self):
            index = random.randrange(len(self.channels))
            purpose, channel, granted = self.channels[index]
            self.client.put(
                f"{API}/me/consents/{purpose}/",
                json={"channels": {channel: not granted}},
                name="PUT /me/consents/{purpose}/",
            )
            self.channels[index] = (purpose, channel, not granted)

        @task(2)
        def pdf(self):
            slug, number = self._version()
            self.client.get(
                f"{API}/policies/{slug}/versions/{number}/pdf/?locale={self.language}",
                name="GET /policies/{slug}/versions/{n}/pdf/",
            )

        @task(1)
        def orders(self):
            with self.client.get(
                "/account/orders/",
                name="GET /account/orders/ (gated)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code == 200 or (
                    response.status_code == 302 and location.startswith("/privacy/accept/")
                ):
                    response.success()
                else:
                    response.failure(f"{response.status_code} {location}")


# ------------------------------------------------------------------------------------------
# The orchestrating side

CUSTOMERS = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from importlib import import_module

from shop.models import CustomerProfile

count, path = {count}, {path!r}
User = get_user_model()
languages = ["en", "sl", "sq", "hr"]
password = make_password("load-test")  # hashed once: nobody signs in with it
users = User.objects.bulk_create(
    [
        User(username=f"load{{i:04d}}", email=f"load{{i:04d}}@example.com", password=password)
        for i in range(count)
    ]
)
users = list(User.objects.filter(username__startswith="load").order_by("username"))
CustomerProfile.objects.bulk_create(
    [CustomerProfile(user=u, language=languages[i % 4]) for i, u in enumerate(users)]
)
engine = import_module(settings.SESSION_ENGINE)
accounts = []
for i, user in enumerate(users):
    request = HttpRequest()
    request.session = engine.SessionStore()
    login(request, user, backend="shop.auth.EmailOrUsernameBackend")
    request.session.save()
    accounts.append({{"session": request.session.session_key, "language": languages[i % 4]}})
with open(path, "w") as handle:
    json.dump(accounts, handle)
print("CUSTOMERS", len(accounts))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=500, help="customers, one locust user each")
    parser.add_argument("--seconds", type=int, default=60, help="how long locust runs (60)")
    parser.add_argument("--spawn-rate", type=float, default=20, help="users started per second")
    parser.add_argument("--web", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--workers", type=int, default=2, help="RQ task workers (2)")
    parser.add_argument(
        "--think",
        default="5,15",
        metavar="MIN,MAX",
        help="seconds each customer waits between two actions, drawn evenly (5,15)",
    )
    options = parser.parse_args()
    try:
        low, high = (float(value) for value in options.think.split(","))
    except ValueError:
        low = high = -1
    if not 0 <= low <= high:
        parser.error("--think takes MIN,MAX with 0 <= MIN <= MAX, e.g. 5,15")
    return options


def report(stats_csv):
    """Print locust's statistics per endpoint and in all; the number of failed requests."""
    rows = list(csv.DictReader(stats_csv.open()))
    header = (
        f"{'endpoint':<42} {'requests':>8} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
    )
    print(header)
    print("-" * len(header))
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        if row["Name"] == "Aggregated":
            failures = int(row["Failure Count"])
        print(
            f"{name[:42]:<42} {int(row['Request Count']):>8} {int(row['Failure Count']):>5} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['99%']:>7}"
        )
    return failures


def main():
    sys.path.insert(0, str(ROOT))
    from tests.topology import harness

    options = parse_args()
    total_start = time.perf_counter()
    directory = harness.make_directory("wagtail-privacy-load-")
    processes = harness.Processes(directory)
    server_url = harness.postgres_server_url()
    database = f"wagtail_privacy_load_{os.getpid()}"
    database_url = redis_url = cluster = log = None
    try:
        try:
            database_url = harness.create_database(server_url, database)
            redis_url = harness.claim_redis_database()
        except harness.Unavailable as error:
            raise SystemExit(
                f"{error}: the load test needs PostgreSQL and Redis running."
            ) from None
        port = harness.free_port()
        env = harness.shop_environment(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            DJANGO_MEDIA_ROOT=str(directory / "media"),
            DEMO_PORT=str(port),
            DJANGO_BASE_URL=f"http://127.0.0.1:{port}",
        )
        s3_endpoint = harness.start_s3(processes, env)
        s3 = harness.s3_client(s3_endpoint)
        for bucket in ("lipa-media", "lipa-private"):
            s3.create_bucket(Bucket=bucket)
        env.update(
            S3_ENDPOINT_URL=s3_endpoint,
            S3_BUCKET="lipa-media",
            S3_PRIVATE_BUCKET="lipa-private",
            S3_REGION="us-east-1",
            **harness.S3_KEYS,
        )
        log = (directory / "cluster.log").open("wb")
        command = [sys.executable, str(ROOT / "dev.py"), "cluster"]
        command += ["--web", str(options.web), "--workers", str(options.workers)]
        print(f"Starting: {' '.join(command[1:])} (log: {directory / 'cluster.log'})")
        started = time.perf_counter()
        cluster = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, process_group=0
        )
        base = f"http://127.0.0.1:{port}"

        def ready():
            if cluster.poll() is not None:
                tail = (directory / "cluster.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"dev.py cluster exited ({cluster.returncode}):\n{tail}")
            return harness.http_ok(f"{base}/api/privacy/v1/policies/")

        harness.wait_until(ready, 600, "the cluster did not answer")
        harness.wait_until(lambda: harness.queue_idle(redis_url), 300, "the tasks did not drain")
        print(f"Topology up in {time.perf_counter() - started:.0f} s (demo PDFs rendered).")

        shop = harness.Shop(env, directory)
        sessions = directory / "sessions.json"
        output = shop.shell(CUSTOMERS.format(count=options.users, path=str(sessions)))
        print(f"Signed in {output.split('CUSTOMERS')[-1].split()[0]} customers.")

        prefix = directory / "locust"
        print(f"locust: {options.users} users for {options.seconds} s against {base} ...")
        result = subprocess.run(
            [str(Path(sys.executable).with_name("locust")), "-f", __file__, "--headless"]
            + ["--users", str(options.users), "--spawn-rate", str(options.spawn_rate)]
            + ["--run-time", f"{options.seconds}s", "--host", base, "--csv", str(prefix)]
            + ["--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
            cwd=ROOT,
            env={
                **os.environ,
                "LOAD_TEST_SESSIONS": str(sessions),
                "LOAD_TEST_THINK": options.think,
            },
            capture_output=True,
            text=True,
        )
        print()
        print(
            f"Mixed load: {options.users} signed-in customers waiting {options.think} s between "
            f"actions, {options.seconds} s, gunicorn {options.web} workers, {options.workers} RQ "
            "workers, PostgreSQL + Redis + S3 (moto)"
        )
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            print(result.stdout[-3000:], result.stderr[-3000:])
            return 1
        failures = report(stats)
        failed = Path(f"{prefix}_failures.csv")
        if failures and failed.exists():
            print("\nFailures:\n" + failed.read_text()[:5000])
        print(f"\nTotal run time: {time.perf_counter() - total_start:.1f} s")
        return 1 if failures else 0
    finally:
        if cluster is not None and cluster.poll() is None:
            cluster.send_signal(signal.SIGINT)  # dev.py stops its children, then exits
            try:
                cluster.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(cluster.pid, signal.SIGKILL)
                cluster.wait()
        if log is not None:
            log.close()
        processes.stop()
        if database_url:
            harness.drop_database(server_url, database)
        if redis_url:
            harness.release_redis_database(redis_url)
        harness.remove_directory(directory)


if __name__ == "__main__":
    sys.exit(main())
