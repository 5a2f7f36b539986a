"""privacy_tick hands the warnings before erasure to tasks, one per batch: task workers send
them in any order, side by side or twice, and each customer is warned once."""

import uuid
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tests.concurrency import at_once
from tests.rights.test_retention import customers, schedule, tick
from wagtail_privacy.background import BackgroundFailure, unresolved
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights import retention
from wagtail_privacy.rights.models import AccountClosure, ClosureState
from wagtail_privacy.rights.tasks import send_deactivation_warnings, send_inactivity_warnings
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db
WARNING_TASKS = (send_deactivation_warnings.name, send_inactivity_warnings.name)


@pytest.fixture
def backlog(settings):
    """Three deactivated accounts and three inactive customers, all to be warned at ``when``.

    The deactivated accounts are erased 365 days on, so warned from day 335; the others
    never signed in, so are inactive after INACTIVE_ACCOUNT_DAYS.
    """
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "RETENTION_BATCH_SIZE": 2,
        "INACTIVE_ACCOUNT_DAYS": 100,
    }
    deactivated = customers(3)
    for user in deactivated:
        closures.deactivate(user, proof=NO_STEP_UP)
    inactive = customers(3, start=3)
    mail.outbox.clear()
    return deactivated, inactive, timezone.now() + timedelta(days=340)


def warning_tasks(backend):
    return [r for r in backend.results if r.task.name in WARNING_TASKS]


def run(result):
    return result.task.call(**result.kwargs)


def warned(users):
    return Counter(m.to[0] for m in mail.outbox if m.to[0] in {u.email for u in users})


def test_one_task_per_batch_each_customer_warned_once(backlog, queued):
    deactivated, inactive, when = backlog
    report = tick(at=when)
    # Counted, not sent: 3 + 3 warnings in batches of two.
    assert "deactivation_warnings=0, inactive_warned=0, warning_tasks=4" in report
    tasks = warning_tasks(queued)
    assert [(t.task.name, t.kwargs["limit"]) for t in tasks] == [
        (send_deactivation_warnings.name, 2),
        (send_deactivation_warnings.name, 1),
        (send_inactivity_warnings.name, 2),
        (send_inactivity_warnings.name, 1),
    ]
    assert not mail.outbox
    # The tick opened the inactive customers' closures; their warnings are the tasks' to send.
    opened = AccountClosure.objects.filter(kind="inactivity", state=ClosureState.WARNED)
    assert opened.count() == 3 and not opened.exclude(warned_at=None).exists()
    with time_machine.travel(when, tick=False):
        # Out of order, and each twice (a duplicate delivery of the queue).
        assert [run(t) for t in (tasks[1], tasks[0], tasks[1], tasks[0])] == [1, 2, 0, 0]
    # A worker that gets to the inactivity warnings a day later: the erasure date counts from
    # the email it sends.
    later = when + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        assert [run(t) for t in (tasks[2], tasks[3], tasks[3])] == [2, 1, 0]
    assert warned(deactivated) == Counter({u.email: 1 for u in deactivated})
    assert warned(inactive) == Counter({u.email: 1 for u in inactive})
    assert len(mail.outbox) == 6
    assert set(opened.values_list("warned_at", "scheduled_for")) == {
        (later, later + timedelta(days=30))
    }
    deactivations = AccountClosure.objects.filter(kind="deactivation")
    assert set(deactivations.values_list("warned_at", flat=True)) == {when}
    assert not AccountClosure.objects.exclude(claim=None).exists()
    queued.clear()
    assert "warning_tasks=0" in tick(at=later)


def test_the_dry_run_counts_and_enqueues_nothing(backlog, queued):
    _deactivated, _inactive, when = backlog
    report = tick("--dry-run", at=when)
    assert "deactivation_warnings=3, inactive_warned=3" in report
    assert not queued.results and not mail.outbox
    assert not AccountClosure.objects.filter(kind="inactivity").exists()


def test_the_immediate_backend_sends_them_in_the_tick(backlog):
    deactivated, inactive, when = backlog
    assert "deactivation_warnings=3, inactive_warned=3, warning_tasks=4" in tick(at=when)
    assert len(mail.outbox) == 6
    assert "deactivation_warnings=0, inactive_warned=0, warning_tasks=0" in tick(at=when)


def test_a_batch_claimed_by_a_worker_that_died_is_sent_after_the_claim_expires(
    backlog, settings, queued
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "ERASURE_CLAIM_TIMEOUT": 600}
    deactivated, _inactive, when = backlog
    dead = AccountClosure.objects.filter(kind="deactivation").order_by("pk")[:2]
    with time_machine.travel(when, tick=False):
        # A worker claimed two warnings, then was killed before sending them.
        AccountClosure.objects.filter(pk__in=dead.values("pk")).update(
            claim=uuid.uuid4(), claimed_at=timezone.now()
        )
        assert send_deactivation_warnings.call(limit=3) == 1
    tick(at=when + timedelta(minutes=9))
    (task,) = [t for t in warning_tasks(queued) if t.task == send_deactivation_warnings]
    with time_machine.travel(when + timedelta(minutes=9), tick=False):
        assert run(task) == 0  # still held
    with time_machine.travel(when + timedelta(minutes=11), tick=False):
        assert send_deactivation_warnings.call(limit=3) == 2
        assert send_deactivation_warnings.call(limit=3) == 0
    assert warned(deactivated) == Counter({u.email: 1 for u in deactivated})


def test_a_failing_warning_task_fails_the_step_and_is_a_visible_failure(backlog):
    deactivated, _inactive, when = backlog
    schedule(customers(1, start=9))  # a deletion, due by then
    deletion = AccountClosure.objects.get(kind="deletion")
    mail.outbox.clear()
    # The site's URLconf lacks the plugin's pages, which the deactivation warnings link to.
    with override_settings(ROOT_URLCONF="tests.rights.urls_without_pages"):
        with pytest.raises(Exception, match="accounts"):
            tick(at=when)
    failure = BackgroundFailure.objects.get(work="rights.tasks.send_deactivation_warnings")
    assert failure.resolved_at is None
    assert failure.error.startswith("ImproperlyConfigured in reactivation_url")
    step = BackgroundFailure.objects.get(work="privacy_tick.accounts")
    assert step.error.startswith("TaskFailed in close_accounts")
    # The other work of the step went on: inactivity warnings, and the erasure that was due.
    assert len(mail.outbox) == 3 + 1  # three warnings and the erasure's receipt
    deletion.refresh_from_db()
    assert deletion.state == ClosureState.ERASED
    # Nothing was sent nor left claimed: fixed, the next tick sends the warnings at once.
    assert not AccountClosure.objects.exclude(claim=None).exists()
    assert "deactivation_warnings=3" in tick(at=when)
    assert warned(deactivated) == Counter({u.email: 1 for u in deactivated})
    assert not unresolved().exists()


@pytest.mark.django_db(transaction=True)
def test_tasks_running_at_once_warn_each_customer_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 3}
    deactivated = customers(15)
    for user in deactivated:
        closures.deactivate(user, proof=NO_STEP_UP)
    soon = timezone.now() + timedelta(days=10)
    AccountClosure.objects.update(scheduled_for=soon)
    inactive = customers(15, start=15)
    retention._open_warned(inactive, timezone.now())
    mail.outbox.clear()

    def worker():
        return send_deactivation_warnings.call(limit=15) + send_inactivity_warnings.call(limit=15)

    sent, errors = at_once(worker, times=3)
    assert not errors
    assert sum(sent) == 30
    assert len(mail.outbox) == 30 and len({m.to[0] for m in mail.outbox}) == 30
    assert not AccountClosure.objects.filter(warned_at__isnull=True).exists()
    assert not AccountClosure.objects.exclude(claim=None).exists()


def test_a_warning_run_marks_each_email_in_flight_and_a_killed_run_never_sends_twice(
    backlog, queued, monkeypatch, caplog
):
    """A run records each warning before it marks the next in flight: killed (SIGKILL, so
    no cleanup), it leaves one email in doubt, which the next run counts as given."""
    from wagtail_privacy import mail as privacy_mail

    deactivated, _inactive, when = backlog
    real_send, seen = privacy_mail.Outbox.send_message, []

    def send_and_look(self, message):
        # What the database shows while this email goes out.
        seen.append(
            {
                c.user.email: (c.email_in_flight, c.warned_at is not None)
                for c in AccountClosure.objects.filter(kind="deactivation").select_related("user")
            }
        )
        return real_send(self, message)

    monkeypatch.setattr(privacy_mail.Outbox, "send_message", send_and_look)
    with time_machine.travel(when, tick=False):
        assert send_deactivation_warnings.call(limit=3) == 3
    emails = [u.email for u in deactivated]
    assert seen[1] == {
        emails[0]: ("", True),
        emails[1]: ("erasure_warning", False),
        emails[2]: ("", False),
    }
    assert not AccountClosure.objects.exclude(email_in_flight="").exists()

    # What SIGKILL during the second email leaves: the first recorded, the second in flight,
    # the third claimed, the run registered (PostgreSQL); the claim expires after
    # ERASURE_CLAIM_TIMEOUT.
    AccountClosure.objects.update(warned_at=None)
    mail.outbox.clear()
    first, second, third = AccountClosure.objects.filter(kind="deactivation").order_by("pk")
    dead = uuid.uuid4()
    AccountClosure.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(
        claim=dead, claimed_at=when
    )
    closures._register_run(connection, dead)
    AccountClosure.objects.filter(pk=first.pk).update(warned_at=when)
    AccountClosure.objects.filter(pk=second.pk).update(email_in_flight="erasure_warning")
    with time_machine.travel(when + timedelta(minutes=5), tick=False):
        assert send_deactivation_warnings.call(limit=3) == 0  # still held by the dead run
    later = when + timedelta(seconds=closures.privacy_settings.ERASURE_CLAIM_TIMEOUT + 60)
    with time_machine.travel(later, tick=False), caplog.at_level("WARNING"):
        assert send_deactivation_warnings.call(limit=3) == 1
    assert [m.to[0] for m in mail.outbox] == [emails[2]]
    second.refresh_from_db()
    assert second.warned_at is not None and second.email_in_flight == ""
    assert "counted as sent, not resent" in caplog.text
    # Nothing is left to send.
    with time_machine.travel(later + timedelta(hours=2), tick=False):
        assert send_deactivation_warnings.call(limit=3) == 0
