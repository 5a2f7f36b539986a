"""Real-browser journeys through the demo shop: a live server, a task worker and Chromium.

The demo shop (``example_site``) runs as real subprocesses on a throw-away SQLite database:
``runserver`` on a free port and ``db_worker`` for the background tasks. The tests talk to it
over HTTP only, never to pytest-django's test database. Emails go to the console backend, so
one-time codes and subjects are read from the subprocesses' logs.

Skipped when the ``playwright`` package or ``/usr/bin/chromium`` is missing. Screenshots of
every step go to ``$BROWSER_ARTIFACTS`` (default ``<repo>/artifacts/browser/``).

Every step of a journey is also checked for accessibility with axe-core (WCAG 2.1 A and AA, see
axe.py): ``Journey.shot`` checks the page it photographs, and at the end of each journey every
page it loaded must have been checked. axe-core is installed from npm (``npm ci`` in this
folder) when missing: without it the journeys are skipped, except with ``CI=true``, where they
fail.
"""

import email
import email.header
import json
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

import pytest

from . import axe

REPO_DIR = Path(__file__).resolve().parents[2]
MANAGE = REPO_DIR / "example_site" / "manage.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS_DIR = Path(os.environ.get("BROWSER_ARTIFACTS") or REPO_DIR / "artifacts" / "browser")


def _require_browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveShop:
    """The demo shop running in subprocesses, and what it printed."""

    def __init__(self, base_url, directory, env):
        self.base_url = base_url
        self.directory = directory
        self.env = env
        self.logs = [directory / name for name in ("server.log", "worker.log")]

    def shell(self, code):
        """Run Python ``code`` in the demo's ``manage.py shell``; return what it printed."""
        result = subprocess.run(
            [sys.executable, str(MANAGE), "shell", "-v", "0", "-c", code],
            cwd=REPO_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            raise AssertionError(f"manage.py shell failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def url(self, path):
        return self.base_url + path

    def log_text(self):
        """Everything the server and the worker printed so far (emails included)."""
        return "".join(
            path.read_text(encoding="utf-8", errors="replace")
            for path in self.logs
            if path.exists()
        )

    def mark(self):
        """A position in the logs: look only at what was printed after it."""
        return {path: path.stat().st_size if path.exists() else 0 for path in self.logs}

    def since(self, mark):
        text = ""
        for path in self.logs:
            if path.exists():
                with path.open("rb") as handle:
                    handle.seek(mark.get(path, 0))
                    text += handle.read().decode("utf-8", errors="replace")
        return text

    def emails(self, mark=None):
        """The emails the console backend printed after ``mark``: dicts of to, subject, body."""
        text = self.since(mark) if mark else self.log_text()
        found = []
        for chunk in re.split(r"\n-{79}\n", text):
            start = re.search(r"^Content-Type: ", chunk, re.MULTILINE)
            if not start:
                continue
            # From bytes: an 8-bit body's letters then decode as written (a str message turns
            # them into escapes).
            message = email.message_from_bytes((chunk[start.start() :].strip() + "\n").encode())
            if not message["To"]:
                continue
            body = ""
            for part in message.walk():
                if part.get_content_type() == "text/plain":
                    payload = part.get_payload(decode=True) or b""
                    body = payload.decode(part.get_content_charset() or "utf-8", "replace")
                    break
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            found.append({"to": message["To"], "subject": " ".join(subject.split()), "body": body})
        return found

    def wait_for_email(self, to, mark=None, subject=None, timeout=60, body=None):
        """Poll until an email to ``to`` (with ``subject`` in its subject, and a match of the
        regex ``body`` in its text) appears; return it."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.emails(mark):
                if (
                    to in message["to"]
                    and (subject is None or subject in message["subject"])
                    and (body is None or re.search(body, message["body"]))
                ):
                    return message
            if time.monotonic() > deadline:
                seen = [(m["to"], m["subject"]) for m in self.emails(mark)]
                raise AssertionError(
                    f"no email to {to} (subject containing {subject!r}, body matching "
                    f"{body!r}) within {timeout} s; emails seen: {seen}"
                )
            time.sleep(0.5)

    def one_time_code(self, to, mark, timeout=30):
        """The 6-digit code of the verification email sent to ``to`` after ``mark``."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.emails(mark):
                code = re.search(r"\b(\d{6})\b", message["body"])
                if to in message["to"] and code:
                    return code.group(1)
            if time.monotonic() > deadline:
                raise AssertionError(f"no one-time code emailed to {to} within {timeout} s")
            time.sleep(0.3)

    def wait_for_log(self, pattern, mark=None, timeout=60):
        """Poll the logs until ``pattern`` (a regex) appears after ``mark``; return the match."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.since(mark) if mark else self.log_text()
            found = regex.search(text)
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{pattern!r} did not appear in the logs within {timeout} s; "
                    f"the last output was:\n{text[-3000:]}"
                )
            time.sleep(0.5)


@pytest.fixture(scope="session")
def live_shop():
    _require_browser()
    directory = Path(tempfile.mkdtemp(prefix="wagtail-privacy-browser-"))
    port = _free_port()
    env = {
        **os.environ,
        # The server and the worker write to one SQLite file: transactions take the write lock
        # up front and wait for it, instead of failing with "database is locked".
        "DATABASE_URL": (
            f"sqlite:///{directory / 'demo.sqlite3'}?transaction_mode=IMMEDIATE&timeout=20"
        ),
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DJANGO_MEDIA_ROOT": str(directory / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(MANAGE)]

    def run(*args):
        result = subprocess.run(
            [*manage, *args], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        (directory / f"{args[0]}.log").write_text(result.stdout + result.stderr)
        if result.returncode:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    run("migrate", "--no-input", "-v", "0")
    run("load_demo")

    processes = []
    handles = []

    def start(logname, *args):
        handle = (directory / logname).open("wb")
        handles.append(handle)
        processes.append(
            subprocess.Popen(
                [*manage, *args], cwd=REPO_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT
            )
        )

    # The demo runs without DEBUG, as a shop would: --insecure serves the admin's static files.
    start("server.log", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure")
    start("worker.log", "db_worker", "--no-reload")
    shop = LiveShop(f"http://127.0.0.1:{port}", directory, env)
    try:
        deadline = time.monotonic() + 60
        while True:
            if processes[0].poll() is not None:
                pytest.fail(f"runserver exited early:\n{shop.log_text()}")
            try:
                with urllib.request.urlopen(shop.url("/storefront/"), timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the demo shop did not answer within 60 s:\n{shop.log_text()}")
            time.sleep(0.3)
        yield shop
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for handle in handles:
            handle.close()
        if os.environ.get("BROWSER_KEEP_TMP"):
            print(f"\nbrowser journeys: logs and database kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def axe_script():
    """axe-core's ``axe.min.js``, installed from npm once per session when missing."""
    _require_browser()
    return axe.ensure_installed()


@pytest.fixture(scope="session")
def chromium_browser(live_shop):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Load:
    """A document that a page of the journey loaded, and the steps that checked it."""

    def __init__(self, page, url):
        self.page = page
        self.url = url
        self.checked = []


class Journey:
    """A fresh browser context for one journey, with numbered screenshots of its steps.

    Each screenshot is also a check of the page with axe-core (``check``). Every document a
    page of the context loads is recorded; ``finish`` asserts that each one was checked.
    """

    def __init__(self, browser, shop, name):
        self.shop = shop
        self.name = name
        self.context = browser.new_context(
            base_url=shop.base_url,
            accept_downloads=True,
            locale="en-GB",
            timezone_id="Europe/Ljubljana",
            viewport={"width": 1280, "height": 900},
        )
        self.context.set_default_timeout(15_000)
        self.loads = []
        self.checks = []
        self.watched = set()
        self.context.on("page", self.watch)
        self.page = self.context.new_page()
        self.watch(self.page)
        self.directory = ARTIFACTS_DIR / name
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.steps = 0
        self.closed = False

    def watch(self, page):
        """Record every document ``page`` loads, in order, as soon as its DOM is parsed (a page
        left before its ``load`` event is recorded all the same)."""
        if id(page) in self.watched:
            return
        self.watched.add(id(page))
        page.on("domcontentloaded", self.loaded)

    def loaded(self, page):
        if page.url != "about:blank":
            self.loads.append(Load(page, page.url))

    def shot(self, step, page=None):
        """Save a full-page screenshot named ``NN-step.png``, then check the page with axe-core.

        Returns the screenshot's path.
        """
        page = page or self.page
        path = self.screenshot(step, page)
        self.check(page, step)
        return path

    def screenshot(self, step, page=None):
        """Only the screenshot (``shot`` without the accessibility check); returns its path."""
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.directory / f"{self.steps:02d}-{slug}.png"
        (page or self.page).screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    def check(self, page=None, step=None):
        """Run axe-core on the page as it is now; fail on any WCAG 2.1 A/AA violation."""
        page = page or self.page
        page.wait_for_load_state("load")
        url = page.url
        violations = axe.run(page)
        loads = [load for load in self.loads if load.page is page]
        if loads:
            loads[-1].checked.append(step or url)
        self.checks.append({"step": step, "url": url, "violations": violations})
        self.write_record()
        if violations:
            raise AssertionError(axe.report(url, violations, step))

    def write_record(self):
        """What was checked so far, for the artefacts: ``accessibility.json``."""
        record = {
            "journey": self.name,
            "standard": axe.WCAG_TAGS,
            "axe_core": axe.installed_version(),
            "checked_urls": sorted({check["url"] for check in self.checks}),
            "checks": self.checks,
            "loaded": [{"url": load.url, "checked_at": load.checked} for load in self.loads],
        }
        (self.directory / "accessibility.json").write_text(json.dumps(record, indent=2))

    def finish(self):
        """End of the journey: check the pages still open, then assert nothing was missed."""
        for page in self.context.pages:
            loads = [load for load in self.loads if load.page is page]
            if loads and not loads[-1].checked:
                self.check(page, "end of journey")
        missed = [load.url for load in self.loads if not load.checked]
        assert not missed, (
            f"journey {self.name}: these pages were loaded but never checked for accessibility "
            f"(take a journey.shot() or call journey.check() on each page the journey reaches): "
            f"{missed}"
        )
        self.write_record()

    def close(self):
        """End the journey (``finish``: every page checked) and close its browser context."""
        if not self.closed:
            try:
                self.finish()
            finally:
                self.discard()

    def discard(self):
        """Close the browser context, whatever was checked (after a failure)."""
        if not self.closed:
            self.closed = True
            self.context.close()


@pytest.fixture
def journey(request, axe_script, chromium_browser, live_shop):
    """``journey(name)`` opens a browser context; screenshots land in ``<artifacts>/<name>/``.

    When the test returns, each journey it opened must have checked every page it loaded
    (``Journey.finish``, run by ``pytest_runtest_call`` below).
    """
    opened = []
    request.node.journeys = opened

    def open_journey(name):
        started = Journey(chromium_browser, live_shop, name)
        opened.append(started)
        return started

    yield open_journey
    report = getattr(request.node, "rep_call", None)
    for started in opened:
        if report is not None and report.failed:
            try:
                started.screenshot("failed-here")
                (started.directory / "failed-page.html").write_text(started.page.content())
            except Exception:  # the page may be gone; the journey's own screenshots remain
                pass
            for log in live_shop.logs:  # what the server and the worker said, for the diagnosis
                if log.exists():
                    shutil.copy(log, started.directory / log.name)
        started.discard()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a journey test returned (or skipped): every page it loaded was checked by axe."""
    try:
        result = yield
    except pytest.skip.Exception:
        _finish(item)
        raise
    _finish(item)
    return result


def _finish(item):
    for started in getattr(item, "journeys", ()):
        if not started.closed:
            started.finish()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that fixtures see whether a test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
