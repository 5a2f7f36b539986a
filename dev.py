#!/usr/bin/env python3
"""Developer entry point that needs only Python 3.11+.

python3 dev.py demo      set up .venv, migrate and load the demo shop, serve it with a task worker
python3 dev.py cluster   the same on the production topology: PostgreSQL, Redis (cache, sessions,
                         task queue), S3 when S3_* is set, gunicorn with --web N processes and
                         --workers M RQ task workers (python3 dev.py cluster --help)
python3 dev.py test      set up .venv and run the whole test suite (DATABASE_URL picks the database)
"""

import argparse
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
HOST = os.environ.get("DEMO_HOST", "127.0.0.1")
PORT = os.environ.get("DEMO_PORT", "8000")
WORKER_LOG = ROOT / "example_site" / "logs" / "task-worker.log"
TICK_SECONDS = int(os.environ.get("DEMO_TICK_SECONDS", "60"))
# What ``dev.py cluster`` uses when DATABASE_URL or REDIS_URL is unset.
CLUSTER_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lipa"
CLUSTER_REDIS_URL = "redis://127.0.0.1:6379/0"


def run(*args, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def log(message):
    print(f"[dev.py] {message}", file=sys.stderr, flush=True)


def ensure_environment():
    """Create .venv and install the package with its dev extra, again only when deps change."""
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


class Child:
    """A command the supervisor runs: kept running, or run every ``every`` seconds (a job).

    ``essential``: when it exits, supervision ends (the web server). Otherwise an exit is
    logged and the command started again after a backoff (a job that succeeds: next period).
    Each child gets its own process group, so that stopping it also stops what it started
    and a Ctrl+C in the terminal reaches the supervisor only, which then stops each child once.
    """

    def __init__(self, name, argv, *, essential=False, every=None, env=None, output=None):
        self.name, self.argv = name, [str(a) for a in argv]
        self.essential, self.every = essential, every
        # ``env``: the environment (default: this one's); ``output``: a file that gets its
        # stdout and stderr (default: this terminal).
        self.env, self.output = env, output
        self.process = None
        self.starts = 0
        self.failures = 0  # in a row; the backoff doubles with each
        self.started_at = 0.0
        self.due = time.monotonic() + (every or 0)  # a job first runs after one period

    def start(self, cwd):
        group = {} if os.name == "nt" else {"process_group": 0}
        streams = (
            {} if self.output is None else {"stdout": self.output, "stderr": subprocess.STDOUT}
        )
        self.process = subprocess.Popen(self.argv, cwd=cwd, env=self.env, **streams, **group)
        self.started_at = time.monotonic()
        self.starts += 1

    def signal(self, sig):
        try:
            if os.name == "nt":
                self.process.terminate()
            else:
                os.killpg(self.process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def supervise(
    children,
    stop=None,
    *,
    cwd=ROOT,
    backoff=(1.0, 30.0),
    healthy_after=60.0,
    grace=10.0,
    poll=0.2,
    log=log,
):
    """Run ``children`` until an essential one exits (its exit code is returned) or ``stop``
    (a threading.Event) is set (None is returned); then stop every child, also on an exception
    such as KeyboardInterrupt. A child that ran ``healthy_after`` seconds restarts after the
    shortest backoff again."""
    stop = threading.Event() if stop is None else stop
    try:
        while not stop.is_set():
            now = time.monotonic()
            for child in children:
                if child.process is None:
                    if now >= child.due:
                        child.start(cwd)
                    continue
                code = child.process.poll()
                if code is None:
                    continue
                child.process, ran = None, now - child.started_at
                if child.essential:
                    log(f"{child.name} exited with status {code}: stopping the demo.")
                    return code
                if child.every and code == 0:
                    child.failures, child.due = 0, child.started_at + child.every
                    continue
                child.failures = 1 if ran >= healthy_after else child.failures + 1
                longest = min(backoff[1], child.every or backoff[1])
                delay = min(backoff[0] * 2 ** (child.failures - 1), longest)
                log(
                    f"{child.name} exited with status {code} after {ran:.1f} s: "
                    f"starting it again in {delay:g} s (failure {child.failures} in a row)."
                )
                child.due = now + delay
            stop.wait(poll)
        return None
    finally:
        stop_children(children, grace)


def stop_children(children, grace):
    """SIGINT to every child's process group, SIGKILL to what is left after ``grace`` seconds
    (at once on a second Ctrl+C)."""
    running = [child for child in children if child.process is not None]
    for child in running:
        if child.process.poll() is None:
            child.signal(signal.SIGINT)
    deadline = time.monotonic() + grace
    try:
        for child in running:
            child.process.wait(timeout=max(deadline - time.monotonic(), 0))
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        pass
    for child in running:
        child.signal(getattr(signal, "SIGKILL", signal.SIGTERM))  # and what it started
        child.process.wait()
        child.process = None


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def run_supervised(children, **options):
    """supervise() as the demo runs it: SIGTERM and SIGHUP stop it like Ctrl+C. Exit status."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), raise_interrupt)
    try:
        return supervise(children, **options) or 0
    except KeyboardInterrupt:
        log("stopped.")
        return 0


def serve(children, banner, banner_after):
    """Supervise ``children``; print ``banner`` once they have had time to start."""
    timer = threading.Timer(banner_after, print, [banner], {"flush": True})
    timer.daemon = True
    timer.start()
    try:
        return run_supervised(children)
    finally:
        timer.cancel()


def demo():
    ensure_environment()
    base = f"http://{HOST}:{PORT}"
    # Links in emails and the demo site's address follow DEMO_PORT.
    os.environ.setdefault("DJANGO_BASE_URL", base)
    manage = [PYTHON, ROOT / "example_site" / "manage.py"]
    run(*manage, "migrate", "--no-input", "-v", "0")
    run(*manage, "load_demo")
    # One line per task would bury the banner: the worker writes to a file instead.
    WORKER_LOG.parent.mkdir(exist_ok=True)
    worker_log = open(WORKER_LOG, "a")  # noqa: SIM115 - open while the worker runs
    children = [
        # --insecure: static files (admin, storefront) without DEBUG. The shop serves media.
        Child(
            "web server",
            [*manage, "runserver", f"{HOST}:{PORT}", "--noreload", "--insecure"],
            essential=True,
        ),
        # --no-reload: the autoreloader would run the worker in a thread that can die while
        # the process lives on; without it any error ends the process and it is restarted.
        Child("task worker", [*manage, "db_worker", "--no-reload"], output=worker_log),
        # The periodic work a shop runs from cron: notices, erasures that are due, expired holds.
        Child("privacy_tick", [*manage, "privacy_tick"], every=TICK_SECONDS),
    ]
    text = (
        f"\nThe demo shop is running. Stop with Ctrl+C.\n"
        f"  Shop:        {base}/\n"
        f"  Storefront:  {base}/storefront/\n"
        f"  Admin:       {base}/admin/   editor / editor-demo\n"
        f"  Officer:     {base}/admin/   officer / officer-demo (privacy centre only)\n"
        f"  Privacy API: {base}/api/privacy/v1/policies/\n"
        f"  OpenAPI:     {base}/api/privacy/v1/openapi.json  (docs: {base}/api/privacy/v1/docs)\n"
        f"  Customers:   ana@example.com, bor@example.com, eva@example.com / customer-demo\n"
        f"  privacy_tick runs every {TICK_SECONDS} s; a task worker that exits is restarted.\n"
        f"  Task worker log: {WORKER_LOG.relative_to(ROOT)}\n"
    )
    try:
        return serve(children, text, banner_after=2)
    finally:
        worker_log.close()


def endpoint(url, default_port):
    """(host, port) of a service URL; host None for a Unix socket."""
    parts = urlsplit(url)
    host = unquote(parts.hostname or "")
    if not host or host.startswith("/"):
        return None, None
    return host, parts.port or default_port


def answers(host, port, timeout=2.0):
    try:
        socket.create_connection((host, port), timeout).close()
    except OSError:
        return False
    return True


def missing_services(database_url, redis_url):
    """What ``dev.py cluster`` needs and cannot reach, as sentences for the terminal."""
    missing = []
    if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        missing.append(
            f"DATABASE_URL is {database_url.split('@')[-1]!r}: the cluster runs on PostgreSQL "
            "(use `python3 dev.py demo` for the embedded SQLite setup)."
        )
    else:
        host, port = endpoint(database_url, 5432)
        if host and not answers(host, port):
            missing.append(
                f"PostgreSQL is not running at {host}:{port} (DATABASE_URL): start it (e.g. "
                "`sudo service postgresql start`) or point DATABASE_URL at your server."
            )
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        missing.append(f"REDIS_URL must be a redis:// URL, not {redis_url!r}.")
    else:
        host, port = endpoint(redis_url, 6379)
        if host and not answers(host, port):
            missing.append(
                f"Redis is not running at {host}:{port} (REDIS_URL): start it (e.g. "
                "`sudo service redis-server start`) or point REDIS_URL at your server."
            )
    return missing


def gunicorn_command(bind, workers):
    """gunicorn serving the demo shop (``example_site/shop/wsgi.py``) with ``workers`` processes."""
    return [
        BIN / "gunicorn",
        "--chdir",
        ROOT / "example_site",
        "--bind",
        bind,
        "--workers",
        workers,
        # A first PDF download renders it (a second or two); leave room for a slow machine.
        "--timeout",
        "60",
        "shop.wsgi:application",
    ]


def rqworker_command():
    """An RQ worker running the shop's django_tasks (``--with-scheduler``: tasks to run later;
    RQ lets one worker at a time schedule them)."""
    manage = [PYTHON, ROOT / "example_site" / "manage.py"]
    return [
        *manage,
        "rqworker",
        "--job-class",
        "django_tasks_rq.Job",
        "--with-scheduler",
        "default",
    ]


CREATE_DATABASE = """
import sys
import dj_database_url, psycopg
from psycopg import sql

config = dj_database_url.parse(sys.argv[1])
options = {
    "host": config["HOST"] or None, "port": config["PORT"] or None,
    "user": config["USER"] or None, "password": config["PASSWORD"] or None,
}
try:
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **options) as db:
        found = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if not found.fetchone():
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Created the database {config['NAME']}.")
except psycopg.Error as error:
    sys.exit(f"PostgreSQL refused: {error}".strip())
"""


def cluster(argv):
    parser = argparse.ArgumentParser(
        prog="python3 dev.py cluster",
        description="Run the demo shop on the production topology: PostgreSQL (DATABASE_URL), "
        "Redis (REDIS_URL: cache, sessions, task queue), S3 when S3_BUCKET is set (else files "
        "on disk), gunicorn and RQ task workers, all supervised like `dev.py demo`.",
    )
    parser.add_argument("--web", type=int, default=4, metavar="N", help="gunicorn workers (4)")
    parser.add_argument(
        "--workers", type=int, default=2, metavar="M", help="RQ task worker processes (2)"
    )
    options = parser.parse_args(argv)
    if options.web < 1 or options.workers < 1:
        parser.error("--web and --workers need at least one process each")

    database_url = os.environ.setdefault("DATABASE_URL", CLUSTER_DATABASE_URL)
    redis_url = os.environ.setdefault("REDIS_URL", CLUSTER_REDIS_URL)
    missing = missing_services(database_url, redis_url)
    if missing:
        for sentence in missing:
            log(sentence)
        log("dev.py cluster needs PostgreSQL and Redis running; nothing was started.")
        return 1
    base = f"http://{HOST}:{PORT}"
    os.environ.setdefault("DJANGO_BASE_URL", base)
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    os.environ["DJANGO_ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*hosts, HOST]))

    ensure_environment()
    manage = [PYTHON, ROOT / "example_site" / "manage.py"]
    created = subprocess.run([str(PYTHON), "-c", CREATE_DATABASE, database_url], cwd=ROOT)
    if created.returncode:
        log("The database could not be created: nothing was started.")
        return created.returncode
    steps = [
        ("migrate", ["migrate", "--no-input", "-v", "0"]),
        ("load_demo", ["load_demo"]),
        # Redis and S3 answer, storages are private, settings make sense: else stop here with
        # the system checks' messages rather than fail at the first request.
        ("The system checks", ["check", "--deploy", "--fail-level", "ERROR"]),
    ]
    for name, args in steps:
        try:
            run(*manage, *args)
        except subprocess.CalledProcessError as error:
            log(f"{name} failed (status {error.returncode}): nothing was started.")
            return error.returncode or 1

    children = [
        Child("gunicorn", gunicorn_command(f"{HOST}:{PORT}", options.web), essential=True),
        *(
            Child(f"task worker {number}", rqworker_command())
            for number in range(1, options.workers + 1)
        ),
        Child("privacy_tick", [*manage, "privacy_tick"], every=TICK_SECONDS),
    ]
    storage = "files on disk (set S3_BUCKET and S3_* for S3)"
    if os.environ.get("S3_BUCKET"):
        storage = f"S3 bucket {os.environ['S3_BUCKET']} at "
        storage += os.environ.get("S3_ENDPOINT_URL") or "AWS"
    text = (
        f"\nThe demo shop is running on the production topology. Stop with Ctrl+C.\n"
        f"  Shop:        {base}/   (orders behind the acceptance gate: {base}/account/orders/)\n"
        f"  Storefront:  {base}/storefront/\n"
        f"  Admin:       {base}/admin/   editor / editor-demo\n"
        f"  Officer:     {base}/admin/   officer / officer-demo (privacy centre only)\n"
        f"  Privacy API: {base}/api/privacy/v1/policies/\n"
        f"  Customers:   ana@example.com, bor@example.com, eva@example.com / customer-demo\n"
        f"  Database:    {database_url.split('@')[-1]}\n"
        f"  Redis:       {redis_url.split('@')[-1]} (cache, sessions, task queue)\n"
        f"  Files:       {storage}\n"
        f"  gunicorn with {options.web} workers, {options.workers} RQ task workers, "
        f"privacy_tick every {TICK_SECONDS} s.\n"
    )
    return serve(children, text, banner_after=3)


def test(pytest_args):
    ensure_environment()
    database = os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1]
    print(f"Running the test suite on {database}", flush=True)
    return subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def main(argv):
    if not argv or argv[0] not in {"demo", "cluster", "test"}:
        print(__doc__)
        return 2
    if argv[0] == "demo":
        return demo()
    if argv[0] == "cluster":
        return cluster(argv[1:])
    return test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
