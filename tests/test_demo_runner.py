"""``python3 dev.py demo``: the supervisor of its processes, and the demo shop's settings.

The supervisor runs over real child processes (small Python one-liners); the demo shop's
settings are exercised in subprocesses, since the test suite itself runs on tests.settings.
"""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "example_site"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="process groups and signals: POSIX")


def load_dev():
    spec = importlib.util.spec_from_file_location("dev_runner", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = load_dev()
FAST = {"backoff": (0.05, 0.2), "grace": 1.0, "poll": 0.02}


def python(code):
    return [sys.executable, "-c", textwrap.dedent(code)]


def sleeper(seconds=60, pid_file=None, ignore_sigint=False, grandchild_pid_file=None):
    """A child that sleeps; it may write its pid, ignore SIGINT and start a grandchild."""
    return python(
        f"""
        import os, signal, subprocess, sys, time
        if {ignore_sigint!r}:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        if {str(grandchild_pid_file)!r} != "None":
            grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            open({str(grandchild_pid_file)!r}, "w").write(str(grandchild.pid))
        if {str(pid_file)!r} != "None":
            open({str(pid_file)!r}, "w").write(str(os.getpid()))
        time.sleep({seconds})
        """
    )


def alive(pid):
    """Running (a zombie nobody reaped yet counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def supervise_in_thread(children, **options):
    stop, outcome, messages = threading.Event(), {}, []

    def target():
        outcome["code"] = dev.supervise(children, stop, log=messages.append, **{**FAST, **options})

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return stop, thread, outcome, messages


def test_a_worker_that_exits_is_started_again_with_a_backoff():
    server = dev.Child("server", sleeper(), essential=True)
    worker = dev.Child("worker", python("import sys, time; time.sleep(0.05); sys.exit(3)"))
    stop, thread, outcome, messages = supervise_in_thread([server, worker])
    wait_for(lambda: len(messages) >= 4)
    server_process = server.process
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
    assert outcome["code"] is None  # stopped, not ended by the server
    assert server.starts == 1
    assert server_process.poll() is not None and server.process is None
    assert "worker exited with status 3" in messages[0]
    assert "(failure 1 in a row)" in messages[0] and "(failure 3 in a row)" in messages[2]
    # The backoff doubles, up to its maximum.
    assert "again in 0.05 s" in messages[0] and "again in 0.1 s" in messages[1]
    assert "again in 0.2 s" in messages[2] and "again in 0.2 s" in messages[3]


def test_a_worker_that_ran_long_enough_restarts_after_the_shortest_backoff():
    server = dev.Child("server", sleeper(), essential=True)
    worker = dev.Child("worker", python("import time; time.sleep(0.1)"))
    stop, thread, _outcome, messages = supervise_in_thread([server, worker], healthy_after=0.05)
    wait_for(lambda: len(messages) >= 3)
    stop.set()
    thread.join(10)
    assert all("(failure 1 in a row)" in message for message in messages)


def test_the_servers_exit_ends_supervision_and_stops_the_others(tmp_path):
    exits = python("import sys, time; time.sleep(0.3); sys.exit(7)")
    server = dev.Child("server", exits, essential=True)
    worker = dev.Child("worker", sleeper(pid_file=tmp_path / "worker"))
    messages = []
    started = time.monotonic()
    code = dev.supervise([server, worker], log=messages.append, **FAST)
    assert code == 7
    assert time.monotonic() - started < 5
    assert messages == ["server exited with status 7: stopping the demo."]
    assert not alive(int((tmp_path / "worker").read_text()))
    assert worker.starts == 1 and worker.process is None


def test_stopping_ends_every_child_and_what_it_started(tmp_path):
    children = [
        dev.Child("server", sleeper(pid_file=tmp_path / "server"), essential=True),
        dev.Child(
            "worker", sleeper(pid_file=tmp_path / "worker", grandchild_pid_file=tmp_path / "grand")
        ),
        # Deaf to SIGINT: killed once the grace period is over.
        dev.Child("stubborn", sleeper(pid_file=tmp_path / "stubborn", ignore_sigint=True)),
    ]
    stop, thread, outcome, messages = supervise_in_thread(children, grace=0.5)
    names = ("server", "worker", "grand", "stubborn")
    wait_for(lambda: all((tmp_path / name).exists() for name in names))
    pids = {name: int((tmp_path / name).read_text()) for name in names}
    assert all(alive(pid) for pid in pids.values())
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
    assert outcome["code"] is None and messages == []
    wait_for(lambda: not any(alive(pid) for pid in pids.values()), timeout=3)


def test_a_periodic_job_runs_every_period_and_a_failed_one_is_retried_sooner(tmp_path):
    server = dev.Child("server", sleeper(), essential=True)
    tick = dev.Child("tick", python("pass"), every=0.3)
    failing = dev.Child("failing tick", python("raise SystemExit(2)"), every=5)
    failing.due = 0  # first run at once
    stop, thread, _outcome, messages = supervise_in_thread([server, tick, failing])
    time.sleep(1.1)
    stop.set()
    thread.join(10)
    assert 2 <= tick.starts <= 4  # after one period, then once per period
    assert failing.starts >= 4  # the backoff (at most 0.2 s here), not the 5 s period
    assert all(message.startswith("failing tick exited with status 2") for message in messages)


def test_ctrl_c_stops_the_demo_and_every_child(tmp_path):
    """run_supervised() as `dev.py demo` runs it; SIGINT reaches the supervisor only (the
    children have their own process groups) and it stops each child."""
    script = f"""
        import importlib.util, sys
        spec = importlib.util.spec_from_file_location("dev", {str(ROOT / "dev.py")!r})
        dev = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(dev)
        children = [
            dev.Child("server", {sleeper(pid_file=tmp_path / "server")!r}, essential=True),
            dev.Child("worker", {sleeper(pid_file=tmp_path / "worker")!r}),
        ]
        print("exit", dev.run_supervised(children, grace=2.0), flush=True)
    """
    runner = subprocess.Popen(python(script), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: (tmp_path / "server").exists() and (tmp_path / "worker").exists())
        pids = [int((tmp_path / name).read_text()) for name in ("server", "worker")]
        runner.send_signal(signal.SIGINT)
        out, err = runner.communicate(timeout=10)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode == 0, err
    assert out.decode().strip() == "exit 0"
    assert "stopped." in err.decode()
    assert not any(alive(pid) for pid in pids)


def shop(script, tmp_path, **env):
    """Run ``script`` under the demo shop's settings (example_site), DJANGO_DEBUG unset."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        PYTHONPATH=os.pathsep.join([str(SITE), str(ROOT)]),
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


SETTINGS_SCRIPT = """
    import importlib, json, os
    import shop.settings as demo

    def variant(**env):
        os.environ.pop("DJANGO_DEBUG", None)
        os.environ.update(env)
        importlib.reload(demo)
        return {"debug": demo.DEBUG, "options": demo.DATABASES["default"].get("OPTIONS")}

    print(json.dumps({
        "default": variant(),
        "debug": variant(DJANGO_DEBUG="1"),
        "url": variant(DATABASE_URL="sqlite:////tmp/x.sqlite3?timeout=5&transaction_mode=EXCLUSIVE"),
        "postgres": variant(DATABASE_URL="postgres://lipa:secret@localhost/lipa"),
    }))
"""


def test_the_demo_runs_without_debug_and_shares_sqlite_between_processes(tmp_path):
    result = shop(SETTINGS_SCRIPT, tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["default"]["debug"] is False
    assert found["debug"]["debug"] is True
    assert found["default"]["options"] == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 60,
    }
    # DATABASE_URL's own options win; other databases get no SQLite options.
    assert found["url"]["options"]["timeout"] == 5
    assert found["url"]["options"]["transaction_mode"] == "EXCLUSIVE"
    assert found["url"]["options"]["init_command"].startswith("PRAGMA journal_mode=WAL")
    assert found["postgres"]["options"] is None


CLIENT_SCRIPT = """
    import json
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    pages = {}
    for url in [
        "/",  # the database has no tables: Wagtail's page view raises
        "/sl/",
        "/storefront/no-such-file",
        "/media/images/photo.txt",
        "/media/wagtail_privacy/exports/1.zip",
        "/media/images/../wagtail_privacy/exports/1.zip",
    ]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = [response.status_code, body.decode()]
    print(json.dumps({"journal": journal, "pages": pages}))
"""


def test_errors_get_the_shops_pages_without_a_traceback_and_the_console_gets_it(tmp_path):
    for folder in ("images", "wagtail_privacy/exports"):
        (tmp_path / "media" / folder).mkdir(parents=True)
    (tmp_path / "media/images/photo.txt").write_text("a photo")
    (tmp_path / "media/wagtail_privacy/exports/1.zip").write_text("personal data")
    result = shop(CLIENT_SCRIPT, tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["journal"] == "wal"
    pages = found["pages"]

    status, body = pages["/"]
    assert status == 500
    assert "<title>Something went wrong · Lipa &amp; Co.</title>" in body
    assert '<html lang="en">' in body and "Back to the shop" in body
    for leak in ("Traceback", "OperationalError", "no such table", "SECRET_KEY", "settings"):
        assert leak not in body
    # The developer still sees the traceback in the terminal.
    assert "Internal Server Error: /" in result.stderr
    assert "Traceback" in result.stderr and "no such table" in result.stderr

    status, body = pages["/sl/"]
    assert status == 500 and '<html lang="sl">' in body

    status, body = pages["/storefront/no-such-file"]
    assert status == 404
    assert "<title>Page not found · Lipa &amp; Co.</title>" in body
    assert "No such storefront file" not in body  # the exception's text stays private

    # Public media is served without DEBUG; exports (personal data) never are.
    assert pages["/media/images/photo.txt"] == [200, "a photo"]
    assert pages["/media/wagtail_privacy/exports/1.zip"][0] == 404
    assert pages["/media/images/../wagtail_privacy/exports/1.zip"][0] == 404


LOAD_DEMO_SCRIPT = """
    import json
    import django

    django.setup()
    from django.core.management import call_command
    from wagtail.models import Site

    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_demo", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    print(json.dumps([site.hostname, site.port, site.root_url]))
"""


def test_the_demo_site_and_its_email_links_follow_the_demo_port(tmp_path):
    """``DEMO_PORT=8765 python3 dev.py demo``: dev.py passes the address on as
    DJANGO_BASE_URL, and the demo site (whose root URL emails link to) takes it, also when it
    was loaded before on another port."""
    for port in (8000, 8765):
        result = shop(LOAD_DEMO_SCRIPT, tmp_path, DJANGO_BASE_URL=f"http://127.0.0.1:{port}")
        assert result.returncode == 0, result.stderr[-3000:]
        assert json.loads(result.stdout.strip().splitlines()[-1]) == [
            "127.0.0.1",
            port,
            f"http://127.0.0.1:{port}",
        ]
