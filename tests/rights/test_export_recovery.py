"""Exports are private files, and an export whose worker was killed is built again."""

import os
import signal
import subprocess
import sys
import zipfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.rights.test_export import download, verified_client
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights.export import RateLimited, request_export, work_path
from wagtail_privacy.rights.models import AccountClosure, DataExport, ExportStatus
from wagtail_privacy.storage import export_storage, private_root
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

ROOT = Path(__file__).resolve().parents[2]
API = "/api/privacy/v1/me"

# A task worker that builds one export and stops for good in the middle of writing it.
WORKER = """
import sys, time
import django
django.setup()
from wagtail_privacy.sources import DataSource, register

@register
class Slow(DataSource):
    name, label, fields, order = "slow", "Slow", ("n",), 1000
    erasable, kept_reason = False, "Generated for the test."

    def records(self, user):
        for n in range(1000):
            if n == 100:
                print("writing", flush=True)
                time.sleep(300)
            yield {"n": n}

from wagtail_privacy.rights.export import build
build(sys.argv[1])
"""


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def kill_worker_midway(export_id):
    """Start a real worker process on the export and SIGKILL it while it writes the ZIP."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(export_id)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout.readline().strip() == "writing"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)


@pytest.fixture
def no_task_runs(settings):
    # The export is queued, but only the worker process of the test builds it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def tick(at):
    with time_machine.travel(at):
        call_command("privacy_tick", "--only", "exports", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_was_killed_is_built_again(customer, no_task_runs, settings):
    export = request_export(customer, proof=NO_STEP_UP)
    kill_worker_midway(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING and export.attempts == 1
    assert work_path(export.pk).exists()  # the half-written archive of the killed worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    tick(timezone.now() + timedelta(minutes=1))  # its heartbeat is still fresh: left alone
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING

    tick(timezone.now() + timedelta(minutes=11))
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.attempts == 2
    assert not work_path(export.pk).exists()
    assert export.request.status == "completed"
    assert "ready" in mail.outbox[-1].subject.lower()
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = download(verified_client(customer), export.pk)
    assert response.status_code == 200
    archive = zipfile.ZipFile(__import__("io").BytesIO(b"".join(response.streaming_content)))
    assert "data.json" in archive.namelist()


@pytest.mark.django_db(transaction=True)
def test_out_of_attempts_the_export_fails_visibly_and_the_customer_can_ask_again(
    customer, no_task_runs, settings
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "EXPORT_MAX_ATTEMPTS": 1}
    export = request_export(customer, proof=NO_STEP_UP)
    kill_worker_midway(export.pk)
    later = timezone.now() + timedelta(minutes=11)
    tick(later)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.failure_reason == "worker_lost"
    request = export.request
    assert request.status == "in_progress"
    assert "failed" in request.events.order_by("-pk").first().note
    assert not work_path(export.pk).exists()

    with time_machine.travel(later):
        again = request_export(customer, proof=NO_STEP_UP)  # not rate-limited by the dead job
    assert again.pk != export.pk and again.request_id == request.pk


@pytest.mark.django_db(transaction=True)
def test_asking_again_queues_a_dead_job_again(customer, no_task_runs):
    export = request_export(customer, proof=NO_STEP_UP)
    kill_worker_midway(export.pk)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        # No privacy_tick ran: asking again finds the dead job and queues it again.
        with pytest.raises(RateLimited):
            request_export(customer, proof=NO_STEP_UP)  # the export asked for is on its way again
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING and export.claim is None


@pytest.mark.django_db(transaction=True)
def test_erasure_removes_the_partial_archive_of_a_killed_worker(customer, no_task_runs):
    export = request_export(customer, proof=NO_STEP_UP)
    kill_worker_midway(export.pk)
    assert work_path(export.pk).exists()
    closure = closures.request_deletion(customer, proof=NO_STEP_UP)
    with time_machine.travel(closure.scheduled_for + timedelta(seconds=1)):
        closures.erase(closure.pk)
    assert AccountClosure.objects.get().state == "erased"
    assert not work_path(export.pk).exists()
    assert not export_storage().exists(f"wagtail_privacy/exports/{export.pk}.zip")
    assert not DataExport.objects.exists()


@pytest.mark.django_db
def test_export_files_are_private(customer, settings, django_capture_on_commit_callbacks):
    client = verified_client(customer)
    with django_capture_on_commit_callbacks(execute=True):
        export_id = client.post(f"{API}/exports/").json()["id"]
    export = DataExport.objects.get(pk=export_id)
    stored = Path(export_storage().path(export.file))
    assert stored.is_file() and stored.is_relative_to(private_root())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.zip"))
    with pytest.raises(ValueError):
        export_storage().url(export.file)
    # Only the owner's signed link serves it.
    assert download(client, export_id).status_code == 200
    assert client.get(f"{API}/exports/{export_id}/download/").json()["code"] == "invalid_link"


def test_a_public_export_storage_is_a_configuration_error(settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "EXPORT_STORAGE": "default"}
    errors = [e for e in run_checks() if e.id == "wagtail_privacy.E012"]
    assert len(errors) == 1 and "MEDIA_ROOT" in errors[0].msg
