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


def tick_every(manage, stop):
    while not stop.wait(TICK_SECONDS):
        subprocess.run([str(a) for a in (*manage, "privacy_tick")], cwd=ROOT, check=False)


def demo():
    ensure_environment()
    manage = [PYTHON, ROOT / "example_site" / "manage.py"]
    run(*manage, "migrate", "--no-input", "-v", "0")
    run(*manage, "load_demo")
    worker = subprocess.Popen([str(a) for a in (*manage, "db_worker")], cwd=ROOT)
    # The periodic work a shop runs from cron: notices, erasures that are due, expired holds.
    stop_ticking = threading.Event()
    ticker = threading.Thread(target=tick_every, args=(manage, stop_ticking), daemon=True)
    ticker.start()
    server = subprocess.Popen(
        [str(a) for a in (*manage, "runserver", f"{HOST}:{PORT}", "--noreload")], cwd=ROOT
    )
    time.sleep(2)
    base = f"http://{HOST}:{PORT}"
    print(
        f"\nThe demo shop is running (task worker pid {worker.pid}). Stop with Ctrl+C.\n"
        f"  Shop:        {base}/\n"
        f"  Storefront:  {base}/storefront/\n"
        f"  Admin:       {base}/admin/   editor / editor-demo\n"
        f"  Privacy API: {base}/api/privacy/v1/policies/\n"
        f"  OpenAPI:     {base}/api/privacy/v1/openapi.json  (docs: {base}/api/privacy/v1/docs)\n"
        f"  Customers:   ana@example.com / customer-demo, bor@example.com / customer-demo\n"
        f"  privacy_tick runs every {TICK_SECONDS} s.\n",
        flush=True,
    )
    try:
        while server.poll() is None and worker.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop_ticking.set()
        for process in (server, worker):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in (server, worker):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


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
