"""The fan-out split into chunk tasks: one per batch, any order, any number of times, each
customer emailed once; one claim statement per email; privacy_tick finishes lost chunks."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrency import at_once
from wagtail_privacy.notices import emails, fanout, stats
from wagtail_privacy.notices.claims import CLAIM_AHEAD, RUNS_TABLE, Claims
from wagtail_privacy.notices.models import ChangeNotice, EmailState, NoticeFanOut
from wagtail_privacy.notices.tasks import send_notice_chunk
from wagtail_privacy.policies.models import PolicyVersion
from wagtail_privacy.signals import policy_change_notified

pytestmark = pytest.mark.django_db


def publish_major(policies, page, capture):
    with capture(execute=True):
        policies.publish(page, level="major", effective_at=policies.days(12), summary="More.")
    return PolicyVersion.objects.order_by("-number").first()


def chunks_of(backend):
    return [r for r in backend.results if r.task.name == send_notice_chunk.name]


def test_one_chunk_task_per_batch_each_customer_emailed_once(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, queued, settings
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "NOTICE_BATCH_SIZE": 3}
    customers = make_customers(7)
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    [notify] = [r for r in queued.results if r.task.name == "notify_version"]
    queued.clear()
    notified = []
    policy_change_notified.connect(lambda **kw: notified.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert notify.task.call(*notify.args) == {"notices": 7, "chunks": 3}
        chunks = chunks_of(queued)
        assert [tuple(r.args[2:]) for r in chunks] == [
            (str(customers[0].pk), str(customers[2].pk)),
            (str(customers[3].pk), str(customers[5].pk)),
            (str(customers[6].pk), str(customers[6].pk)),
        ]
        mail.outbox.clear()
        # Workers take them in any order, and a chunk may run twice.
        for result in [*reversed(chunks), chunks[1], chunks[0]]:
            result.task.call(*result.args)
    finally:
        policy_change_notified.disconnect(dispatch_uid="t")
    assert Counter(m.to[0] for m in mail.outbox) == Counter(c.email for c in customers)
    assert set(ChangeNotice.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    assert NoticeFanOut.objects.get(version=version).finished_at is not None
    assert len(notified) == 1 and notified[0]["emailed"] == 7 and notified[0]["failed"] == 0
    # Run again, the task finds nothing to send and queues nothing.
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.task.call(*notify.args) == {"notices": 0, "chunks": 0}
    assert queued.results == []


def test_a_joining_translation_queues_chunks_for_the_waiting_customers(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, queued
):
    make_customers(2, "en", "en")
    slovene = make_customers(2, "sl", "sl")
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        fanout.start(version.pk)
    for result in chunks_of(queued):
        result.task.call(*result.args)
    assert len(mail.outbox) == 2  # the Slovenian customers wait for their text
    queued.clear()
    sl = policy_page.sl
    sl.change_summary = "Hranimo tudi ocene."
    with django_capture_on_commit_callbacks(execute=True):
        sl.save_revision().publish()  # the version's Slovenian text: notify_version again
    for result in [r for r in queued.results if r.task.name == "notify_version"]:
        with django_capture_on_commit_callbacks(execute=True):
            assert result.task.call(*result.args) == {"notices": 0, "chunks": 1}
    for result in chunks_of(queued):
        result.task.call(*result.args)
    assert sorted(m.to[0] for m in mail.outbox[2:]) == sorted(u.email for u in slovene)
    assert "Hranimo tudi ocene." in mail.outbox[-1].body
    assert NoticeFanOut.objects.get(version=version).finished_at is not None


def test_one_statement_per_email(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, queued
):
    customers = make_customers(13 + CLAIM_AHEAD)
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    fanout.create_notices(version)

    def chunk(first, last):
        with CaptureQueriesContext(connection) as queries:
            result = fanout.send_chunk(version.pk, emails.CHANGE, first.pk, last.pk)
        sql = [q["sql"] for q in queries.captured_queries]
        updates = [q for q in sql if q.startswith('UPDATE "wagtail_privacy_changenotice"')]
        return result, len(updates), len(sql)

    four, four_updates, four_all = chunk(customers[0], customers[3])
    eight, eight_updates, eight_all = chunk(customers[4], customers[11])
    assert (four["emailed"], eight["emailed"]) == (4, 8)
    # One claim for the chunk (under CLAIM_AHEAD emails), then one record per email; the
    # rest (the version, its texts, the page for the links, the rows) does not grow.
    assert (four_updates, eight_updates) == (5, 9)
    assert eight_all - eight_updates <= four_all - four_updates
    # Past CLAIM_AHEAD emails, one more claim.
    more, more_updates, _ = chunk(customers[12], customers[12 + CLAIM_AHEAD])
    assert (more["emailed"], more_updates) == (CLAIM_AHEAD + 1, CLAIM_AHEAD + 1 + 2)
    assert len(mail.outbox) == 13 + CLAIM_AHEAD


def test_an_interrupted_chunk_puts_its_email_back(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, monkeypatch
):
    customers = make_customers(5)
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    ChangeNotice.objects.update(email_state=EmailState.PENDING)
    mail.outbox.clear()
    from wagtail_privacy import mail as privacy_mail

    real_send, calls = privacy_mail.Outbox.send, []

    def interrupted(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(privacy_mail.Outbox, "send", interrupted)
    first, last = customers[0].pk, customers[-1].pk
    with pytest.raises(KeyboardInterrupt):
        fanout.send_chunk(version.pk, emails.CHANGE, first, last)
    states = Counter(ChangeNotice.objects.values_list("email_state", flat=True))
    assert states == {EmailState.SENT: 2, EmailState.PENDING: 3}
    monkeypatch.setattr(privacy_mail.Outbox, "send", real_send)
    assert fanout.send_chunk(version.pk, emails.CHANGE, first, last)["emailed"] == 3
    assert Counter(m.to[0] for m in mail.outbox) == Counter(c.email for c in customers)


def tick(at=None, step="notices"):
    out = StringIO()
    if at is None:
        call_command("privacy_tick", "--only", step, stdout=out)
    else:
        with time_machine.travel(at, tick=False):
            call_command("privacy_tick", "--only", step, stdout=out)
    return out.getvalue()


def test_the_tick_finishes_what_a_killed_worker_left(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, queued
):
    customers = make_customers(6)
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        fanout.start(version.pk)
    [chunk] = chunks_of(queued)
    # What SIGKILL mid-chunk leaves: two sent, one claimed (maybe sent), the rest pending.
    notices = list(ChangeNotice.objects.order_by("pk"))
    now = timezone.now()
    ChangeNotice.objects.filter(pk__in=[n.pk for n in notices[:2]]).update(
        email_state=EmailState.SENT, emailed_at=now
    )
    ChangeNotice.objects.filter(pk=notices[2].pk).update(
        email_state=EmailState.SENDING, email_claimed_at=now, message_id="<lost@shop.example>"
    )
    mail.outbox.clear()
    # Its chunk may still be at work: the tick leaves it alone.
    assert "in_progress=1" in tick()
    assert mail.outbox == []
    output = tick(at=now + fanout.lost_after() + timedelta(minutes=1))
    assert "notices: versions=1, notices=0, emailed=3, failed=0" in output
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers[3:])
    figures = stats.notice_figures([version.pk])[version.pk]
    assert (figures["emailed"], figures["unconfirmed"]) == (5, 1)
    # The lost chunk task, should it run after all, sends nothing more.
    assert chunk.task.call(*chunk.args) == {"emailed": 0, "failed": 0}
    assert len(mail.outbox) == 3


def killed_run(version, claimed, sent):
    """What SIGKILL leaves of a run that claimed the first ``claimed`` notices and sent the
    first ``sent`` of them: those recorded, the next in flight, the rest claimed."""
    notices = list(ChangeNotice.objects.filter(version=version).order_by("pk"))
    run = Claims(emails.CHANGE)
    assert run.claim([n.pk for n in notices[:claimed]]) == [n.pk for n in notices[:claimed]]
    for notice in notices[:sent]:
        run.record(notice.pk)
    run.cursor.close()  # no close(): a killed run ends nothing
    return notices


@pytest.mark.parametrize("crashed", [False, True])
def test_the_tick_sends_what_a_killed_run_claimed_but_never_tried(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, queued, crashed
):
    if crashed and connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL records emails without waiting for the disk")
    customers = make_customers(8)
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        fanout.start(version.pk)
    notices = killed_run(version, claimed=6, sent=2)
    if crashed:
        # A crash of the server empties the unlogged table of runs.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {RUNS_TABLE}")
    states = Counter(ChangeNotice.objects.values_list("email_state", flat=True))
    assert states == {EmailState.SENT: 2, EmailState.SENDING: 4, EmailState.PENDING: 2}
    # Claimed and in flight: the fan-out is not finished, the tick leaves the run alone.
    assert not fanout._finish(version)
    assert "in_progress=1" in tick()
    output = tick(at=timezone.now() + fanout.lost_after() + timedelta(minutes=1))
    if crashed:
        # Any of the claimed may have gone out and lost its record: none is sent again.
        assert "emailed=2," in output
        assert sorted(m.to[0] for m in mail.outbox) == [c.email for c in customers[6:]]
        unconfirmed = 4
    else:
        # The one in flight is unconfirmed; the three it never tried go out now.
        assert "emailed=5," in output
        expected = sorted(c.email for c in customers[3:])
        assert sorted(m.to[0] for m in mail.outbox) == expected
        unconfirmed = 1
        in_flight = ChangeNotice.objects.get(pk=notices[2].pk)
        assert in_flight.email_state == EmailState.SENDING
        assert in_flight.message_id.startswith(f"<privacy.{in_flight.pk}.")
    figures = stats.notice_figures([version.pk])[version.pk]
    assert (figures["emailed"], figures["unconfirmed"]) == (8 - unconfirmed, unconfirmed)
    assert NoticeFanOut.objects.get(version=version).finished_at is not None
    # Nothing is left to settle: another tick sends nothing.
    mail.outbox.clear()
    later = timezone.now() + 2 * fanout.lost_after()
    tick(at=later)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chunks_and_a_tick_at_once_email_each_customer_once(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, settings, queued
):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "NOTICE_BATCH_SIZE": 5}
    customers = make_customers(40)
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    fanout.create_notices(version)
    mail.outbox.clear()
    first, last = customers[0].pk, customers[-1].pk
    jobs = iter(
        [
            lambda: fanout.send_chunk(version.pk, emails.CHANGE, first, last),
            lambda: fanout.send_chunk(version.pk, emails.CHANGE, first, last),
            lambda: fanout.fan_out(version.pk),
        ]
    )
    results, errors = at_once(lambda: next(jobs)(), times=3)
    assert not errors
    assert Counter(m.to[0] for m in mail.outbox) == Counter(c.email for c in customers)
    assert ChangeNotice.objects.filter(email_state=EmailState.SENT).count() == 40


def test_now_in_effect_emails_go_as_chunk_tasks_enqueued_once(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, queued, settings
):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "NOTICE_BATCH_SIZE": 2,
        "EMAIL_WHEN_EFFECTIVE": True,
        "NOTICE_TASKS_LOST_AFTER": 120,
    }
    customers = make_customers(5)
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        fanout.start(version.pk)
    for chunk in chunks_of(queued):
        chunk.task.call(*chunk.args, **chunk.kwargs)
    queued.clear()
    mail.outbox.clear()
    effective = version.effective_at + timedelta(minutes=1)

    def tick_effective(at):
        with django_capture_on_commit_callbacks(execute=True):
            return tick(at, step="effective_notices")

    # Before the effective date nothing is due; after it, one task per batch of customers.
    assert "effective_notices: versions=0, tasks=0" in tick_effective(effective - timedelta(days=1))
    assert "effective_notices: versions=1, tasks=3, in_progress=0" in tick_effective(effective)
    first, second, third = chunks_of(queued)
    assert {c.args[1] for c in (first, second, third)} == {emails.EFFECTIVE}
    # The tasks may still be queued: the next ticks leave them alone.
    assert "in_progress=1" in tick_effective(effective + timedelta(seconds=60))
    assert len(chunks_of(queued)) == 3
    with time_machine.travel(effective + timedelta(seconds=61), tick=False):
        assert first.task.call(*first.args, **first.kwargs) == {"emailed": 2, "failed": 0}
    # The other two were lost with their worker: after NOTICE_TASKS_LOST_AFTER without a
    # claim, the tick enqueues what is still pending, and only that.
    assert "in_progress=1" in tick_effective(effective + timedelta(seconds=180))
    queued.clear()
    assert "versions=1, tasks=2" in tick_effective(effective + timedelta(seconds=182))
    with time_machine.travel(effective + timedelta(seconds=183), tick=False):
        for chunk in chunks_of(queued):
            chunk.task.call(*chunk.args, **chunk.kwargs)
        # A lost task that runs after all sends nothing more.
        assert third.task.call(*third.args, **third.kwargs) == {"emailed": 0, "failed": 0}
    received = Counter(m.to[0] for m in mail.outbox)
    assert received == Counter({c.email: 1 for c in customers})
    assert {m.subject for m in mail.outbox} == {"Privacy policy: the new version is now in effect"}
    assert not ChangeNotice.objects.filter(effective_email_state=EmailState.PENDING).exists()
    assert "versions=0, tasks=0, in_progress=0" in tick_effective(effective + timedelta(days=1))
