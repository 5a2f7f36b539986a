"""The production topology of the demo shop, started once for the ``topology`` tests.

Two gunicorn servers with one worker each ("worker A" and "worker B", so that a test can pin
each request to one process), two RQ task workers, on a dedicated PostgreSQL database and a
dedicated Redis database number; moto's S3 server with a media bucket and a private bucket; an
aiosmtpd sink for the emails. Everything runs in real processes and talks over real sockets;
the tests use HTTP (a real session cookie, signed in through the shop's login view), boto3
against the S3 server and the sink's mailbox.

Without PostgreSQL or Redis the tests are skipped with the reason, except in CI (``CI=true``),
where they fail: CI must run them.
"""

import os
import re
import time

import pytest

from . import harness


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason):
    """Skip, or fail in CI, for want of a service."""
    message = f"{reason} (the topology tests need PostgreSQL and Redis running)"
    if in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


MEDIA_BUCKET = "lipa-media"
PRIVATE_BUCKET = "lipa-private"


class Topology:
    """What the tests reach: the two web workers, the shop's commands, S3 and the mailbox."""

    def __init__(self, *, shop, processes, web, s3, maildir, redis_url):
        self.shop, self.processes, self.web = shop, processes, web
        self.s3, self.maildir, self.redis_url = s3, maildir, redis_url
        self.media_bucket, self.private_bucket = MEDIA_BUCKET, PRIVATE_BUCKET

    def url(self, worker, path):
        return self.web[worker] + path

    def shell(self, code, timeout=300):
        return self.shop.shell(code, timeout=timeout)

    def keys(self, bucket, prefix=""):
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def wait_until_idle(self, timeout=120):
        """Until the task workers have nothing queued or running."""
        self.processes.check_alive()
        harness.wait_until(
            lambda: harness.queue_idle(self.redis_url), timeout, "the task queue did not drain"
        )

    def emails(self):
        return harness.read_maildir(self.maildir)

    def wait_for_email(self, to, pattern, after=0, timeout=60):
        """The first match of ``pattern`` in a text part of an email to ``to`` (among the
        emails after the first ``after``)."""

        def find():
            for message in self.emails()[after:]:
                if to not in str(message["To"]):
                    continue
                for part in message.walk():
                    if part.get_content_type() == "text/plain":
                        found = re.search(pattern, part.get_content())
                        if found:
                            return found
            return None

        return harness.wait_until(find, timeout, f"no email to {to} matching {pattern!r}")

    def logs(self):
        return self.processes.logs()


def start(directory, processes, database_url, redis_url):
    env = harness.shop_environment(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_MEDIA_ROOT=str(directory / "media"),
        # Major changes may take effect at once: a test watches one take effect.
        DEMO_NOTICE_DAYS="0",
    )
    s3_endpoint = harness.start_s3(processes, env)
    s3 = harness.s3_client(s3_endpoint)
    for bucket in (MEDIA_BUCKET, PRIVATE_BUCKET):
        s3.create_bucket(Bucket=bucket)
    maildir = directory / "mail"
    smtp_port = harness.start_smtp_sink(processes, env, maildir)
    env.update(
        S3_ENDPOINT_URL=s3_endpoint,
        S3_BUCKET=MEDIA_BUCKET,
        S3_PRIVATE_BUCKET=PRIVATE_BUCKET,
        S3_REGION="us-east-1",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        **harness.S3_KEYS,
    )
    shop = harness.Shop(env, directory)
    shop.manage("migrate", "--no-input", "-v", "0")
    shop.manage("load_demo")
    # What dev.py cluster runs before it starts the servers.
    shop.manage("check", "--deploy", "--fail-level", "ERROR")

    web = {}
    for worker in ("A", "B"):
        port = harness.free_port()
        # Each gunicorn its own folder for the control socket that gunicorn 25.1+ opens.
        runtime = directory / f"run-{worker}"
        runtime.mkdir(mode=0o700)
        processes.start(
            f"web-{worker}",
            harness.dev.gunicorn_command(f"127.0.0.1:{port}", 1),
            {**env, "XDG_RUNTIME_DIR": str(runtime)},
        )
        web[worker] = f"http://127.0.0.1:{port}"
    for number in (1, 2):
        processes.start(f"tasks-{number}", harness.dev.rqworker_command(), env)
    for worker, base in web.items():
        harness.wait_until(
            lambda base=base: (
                processes.check_alive() or harness.http_ok(f"{base}/api/privacy/v1/policies/")
            ),
            120,
            f"web worker {worker} did not answer",
        )
    topology = Topology(
        shop=shop, processes=processes, web=web, s3=s3, maildir=maildir, redis_url=redis_url
    )
    topology.wait_until_idle(timeout=180)  # the PDFs and notices load_demo queued
    return topology


@pytest.fixture(scope="session")
def topology():
    started = time.monotonic()
    server_url = harness.postgres_server_url()
    database = f"wagtail_privacy_topology_{os.getpid()}"
    directory = harness.make_directory("wagtail-privacy-topology-")
    processes = harness.Processes(directory)
    database_url = redis_url = None
    try:
        try:
            database_url = harness.create_database(server_url, database)
            redis_url = harness.claim_redis_database()
        except harness.Unavailable as error:
            unavailable(str(error))
        try:
            topology = start(directory, processes, database_url, redis_url)
        except (TimeoutError, RuntimeError) as error:
            pytest.fail(f"The topology did not start: {error}\n{processes.logs()}", pytrace=False)
        print(f"\ntopology up in {time.monotonic() - started:.0f} s: {topology.web}")
        yield topology
    finally:
        processes.stop()
        if database_url:
            harness.drop_database(server_url, database)
        if redis_url:
            harness.release_redis_database(redis_url)
        harness.remove_directory(directory)
