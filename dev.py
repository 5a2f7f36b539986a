#!/usr/bin/env python3
"""Developer entry point that needs only Python 3.11+.

python3 dev.py demo    set up .venv, migrate and load the demo shop, serve it with a task worker
python3 dev.py test    set up .venv and run the whole test suite (DATABASE_URL picks the database)
"""

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
HOST = os.environ.get("DEMO_HOST", "127.0.0.1")
PORT = os.environ.get("DEMO_PORT", "8000")
TICK_SECONDS = int(os.environ.get("DEMO_TICK_SECONDS", "60"))


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

    def __init__(self, name, argv, *, essential=False, every=None):
        self.name, self.argv = name, [str(a) for a in argv]
        self.essential, self.every = essential, every
        self.process = None
        self.starts = 0
        self.failures = 0  # in a row; the backoff doubles with each
        self.started_at = 0.0
        self.due = time.monotonic() + (every or 0)  # a job first runs after one period

    def start(self, cwd):
        group = {} if os.name == "nt" else {"process_group": 0}
        self.process = subprocess.Popen(self.argv, cwd=cwd, **group)
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


def demo():
    ensure_environment()
    manage = [PYTHON, ROOT / "example_site" / "manage.py"]
    run(*manage, "migrate", "--no-input", "-v", "0")
    run(*manage, "load_demo")
    children = [
        # --insecure: static files (admin, storefront) without DEBUG. The shop serves media.
        Child(
            "web server",
            [*manage, "runserver", f"{HOST}:{PORT}", "--noreload", "--insecure"],
            essential=True,
        ),
        # --no-reload: the autoreloader would run the worker in a thread that can die while
        # the process lives on; without it any error ends the process and it is restarted.
        Child("task worker", [*manage, "db_worker", "--no-reload"]),
        # The periodic work a shop runs from cron: notices, erasures that are due, expired holds.
        Child("privacy_tick", [*manage, "privacy_tick"], every=TICK_SECONDS),
    ]
    base = f"http://{HOST}:{PORT}"
    text = (
        f"\nThe demo shop is running. Stop with Ctrl+C.\n"
        f"  Shop:        {base}/\n"
        f"  Storefront:  {base}/storefront/\n"
        f"  Admin:       {base}/admin/   editor / editor-demo\n"
        f"  Privacy API: {base}/api/privacy/v1/policies/\n"
        f"  OpenAPI:     {base}/api/privacy/v1/openapi.json  (docs: {base}/api/privacy/v1/docs)\n"
        f"  Customers:   ana@example.com / customer-demo, bor@example.com / customer-demo\n"
        f"  privacy_tick runs every {TICK_SECONDS} s; a task worker that exits is restarted.\n"
    )
    banner = threading.Timer(2, print, [text], {"flush": True})
    banner.daemon = True
    banner.start()
    try:
        return run_supervised(children)
    finally:
        banner.cancel()


def test(pytest_args):
    ensure_environment()
    database = os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1]
    print(f"Running the test suite on {database}", flush=True)
    return subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def main(argv):
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    if argv[0] == "demo":
        return demo()
    return test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
