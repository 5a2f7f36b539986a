"""The demo shop on its production topology, in real processes, for tests and benchmarks.

PostgreSQL and Redis are the machine's own (a dedicated database and a dedicated Redis database
number, both removed at the end); S3 is moto's server and email an aiosmtpd sink, each started
here on a free port. The web servers (gunicorn) and task workers (``rqworker``) are started with
``dev.py``'s commands and stopped with its supervisor's helper, process group by process group.
"""

import email
import email.policy
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.processes import free_port

REPO_DIR = Path(__file__).resolve().parents[2]
MANAGE = REPO_DIR / "example_site" / "manage.py"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
S3_KEYS = {"S3_ACCESS_KEY_ID": "topology", "S3_SECRET_ACCESS_KEY": "topology-secret"}
REDIS_CLAIM = "wagtail_privacy:topology:claim"


class Unavailable(Exception):
    """A service the topology needs is not running (skipped locally, failed in CI)."""


def load_dev():
    """dev.py as a module: its supervisor and the commands ``dev.py cluster`` runs."""
    spec = importlib.util.spec_from_file_location("dev_runner", REPO_DIR / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = load_dev()


def wait_until(condition, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout} s")
        time.sleep(interval)


def http_ok(url, timeout=2.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 400
    except (urllib.error.URLError, OSError):
        return False


# ------------------------------------------------------------------------------------------
# PostgreSQL: a database of our own on the machine's server


def postgres_server_url():
    """The server to create the database on: DATABASE_URL when it is PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return os.environ.get("CI_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def _pg_connect(server_url, database="postgres"):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(server_url)
    return psycopg.connect(
        dbname=database,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        autocommit=True,
        connect_timeout=3,
    )


def create_database(server_url, name):
    """Create database ``name`` (dropped first if left over); its URL."""
    import psycopg
    from psycopg import sql

    try:
        connection = _pg_connect(server_url)
    except psycopg.OperationalError as error:
        where = server_url.split("@")[-1]
        raise Unavailable(f"PostgreSQL does not answer at {where}: {error}".strip()) from error
    with connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    scheme, rest = server_url.split("://", 1)
    authority = rest.split("/", 1)[0]
    return f"{scheme}://{authority}/{name}"


def drop_database(server_url, name):
    from psycopg import sql

    with _pg_connect(server_url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# ------------------------------------------------------------------------------------------
# Redis: a database number of our own, empty, flushed at the end


def claim_redis_database(server_url=None):
    """The URL of an empty Redis database that no other run uses (numbers 15 down to 1)."""
    import redis

    server_url = (server_url or os.environ.get("TOPOLOGY_REDIS_URL") or DEFAULT_REDIS_URL).rstrip(
        "/"
    )
    server_url = re.sub(r"/\d+$", "", server_url)
    try:
        first = redis.Redis.from_url(f"{server_url}/0", socket_connect_timeout=3)
        count = int(first.config_get("databases").get("databases", 16))
        first.close()
    except redis.exceptions.RedisError as error:
        raise Unavailable(f"Redis does not answer at {server_url}: {error}") from error
    for number in range(count - 1, 0, -1):
        client = redis.Redis.from_url(f"{server_url}/{number}")
        try:
            if client.dbsize() == 0 and client.set(REDIS_CLAIM, os.getpid(), nx=True, ex=6 * 3600):
                return f"{server_url}/{number}"
        finally:
            client.close()
    raise Unavailable(f"Redis at {server_url} has no empty database left to use")


def release_redis_database(url):
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def queue_idle(redis_url, queue="default"):
    """No task of ``queue`` waiting or running."""
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(redis_url)
    try:
        jobs = Queue(queue, connection=connection)
        return jobs.count == 0 and jobs.started_job_registry.count == 0
    finally:
        connection.close()


# ------------------------------------------------------------------------------------------
# Processes


class Processes:
    """Long-running children in their own process groups, each logging to a file."""

    def __init__(self, directory):
        self.directory = directory
        self.children = []
        self.handles = []

    def start(self, name, argv, env, cwd=REPO_DIR):
        log = (self.directory / f"{name}.log").open("ab")
        self.handles.append(log)
        child = dev.Child(name, argv, env=env, output=log)
        child.start(cwd)
        self.children.append(child)
        return child

    def check_alive(self):
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                raise RuntimeError(
                    f"{child.name} exited with status {child.process.returncode}:\n"
                    + self.log(child.name)[-3000:]
                )

    def log(self, name):
        path = self.directory / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self, limit=2000):
        return "\n".join(
            f"----- {child.name} -----\n{self.log(child.name)[-limit:]}" for child in self.children
        )

    def stop(self, grace=10.0):
        """SIGINT to every group, SIGKILL to what is left after ``grace`` seconds."""
        dev.stop_children(self.children, grace)
        for handle in self.handles:
            handle.close()


def start_s3(processes, env):
    """moto's S3 server on a free port: its endpoint URL."""
    port = free_port()
    processes.start(
        "s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env
    )
    endpoint = f"http://127.0.0.1:{port}"
    wait_until(lambda: http_ok(f"{endpoint}/moto-api/"), 60, "moto's S3 server did not start")
    return endpoint


def s3_client(endpoint):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )


def start_smtp_sink(processes, env, maildir):
    """aiosmtpd on a free port, writing every message to ``maildir``: its port."""
    port = free_port()
    processes.start(
        "smtp",
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
        + ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
        env,
    )
    wait_until(lambda: _accepts(port), 30, "the SMTP sink did not start")
    return port


def _accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
    except OSError:
        return False
    return True


def read_maildir(maildir):
    """Every message the SMTP sink received, oldest first."""
    files = sorted(Path(maildir, "new").glob("*"), key=lambda path: path.stat().st_mtime)
    messages = []
    for path in files:
        with path.open("rb") as handle:
            messages.append(email.message_from_binary_file(handle, policy=email.policy.default))
    return messages


# ------------------------------------------------------------------------------------------
# The shop


class Shop:
    """The demo shop's settings and commands for one topology (an environment)."""

    def __init__(self, env, directory):
        self.env, self.directory = env, directory

    def manage(self, *args, timeout=600, check=True):
        result = subprocess.run(
            [sys.executable, str(MANAGE), *args],
            cwd=REPO_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        with (self.directory / "manage.log").open("a") as log:
            log.write(f"$ manage.py {' '.join(args)[:200]}\n{result.stdout}{result.stderr}\n")
        if check and result.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args)[:200]} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
            )
        return result

    def shell(self, code, timeout=300):
        """Run ``code`` in ``manage.py shell``; its standard output."""
        return self.manage("shell", "-c", code, timeout=timeout).stdout


def shop_environment(**values):
    """The environment of the shop's processes: this one's, minus what would confuse them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_DEBUG", "TEST_MEDIA_ROOT", "PYTEST_CURRENT_TEST"}
        and not key.startswith(("S3_", "EMAIL_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="shop.settings", PYTHONUNBUFFERED="1", **values)
    return env


def make_directory(prefix):
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_directory(directory):
    shutil.rmtree(directory, ignore_errors=True)
