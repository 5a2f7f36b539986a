"""privacy_tick splits the due erasures into tasks, one per batch: task workers run them in
any order, side by side or twice, and each account is erased once, with one receipt."""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from tests.rights.test_retention import User, customers, schedule, tick
from wagtail_privacy.background import BackgroundFailure
from wagtail_privacy.rights.models import AccountClosure, ClosureState
from wagtail_privacy.rights.tasks import erase_due_accounts

pytestmark = pytest.mark.django_db


def erasure_tasks(backend):
    return [r for r in backend.results if r.task.name == erase_due_accounts.name]


def test_one_task_per_batch_each_account_erased_once(settings, queued):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "RETENTION_BATCH_SIZE": 2,
        "ERASURES_PER_TICK": 5,
    }
    made = customers(6)
    due = schedule(made)
    mail.outbox.clear()
    # Five of the six (the limit per tick), in three tasks of at most two.
    assert "erasure_tasks=3, erased=0" in tick(at=due)
    tasks = erasure_tasks(queued)
    assert [t.kwargs["limit"] for t in tasks] == [2, 2, 1]
    with time_machine.travel(due, tick=False):
        # Out of order, and the last one twice (a duplicate delivery of the queue): a task
        # erases at most its batch of what is due, never an account twice.
        counts = [t.task.call(**t.kwargs) for t in (tasks[2], tasks[0], tasks[1])]
        assert counts == [1, 2, 2]
        assert AccountClosure.objects.filter(state=ClosureState.ERASED).count() == 5
        assert tasks[2].task.call(**tasks[2].kwargs) == 1  # the sixth, due as well
        assert tasks[2].task.call(**tasks[2].kwargs) == 0
    assert not User.objects.filter(username__startswith="c").exists()
    receipts = Counter(m.to[0] for m in mail.outbox)
    assert receipts == Counter({u.email: 1 for u in made})
    queued.clear()
    assert "erasure_tasks=0, erased=0" in tick(at=due)


def test_a_failing_erasure_task_is_a_visible_failure(settings, monkeypatch):
    made = customers(1)
    due = schedule(made)

    def broken(*args, **kwargs):
        raise RuntimeError("the shop's order system is down")

    monkeypatch.setattr("wagtail_privacy.rights.closure._erase_claimed", broken)
    monkeypatch.setattr("wagtail_privacy.rights.closure.erase", broken)
    with pytest.raises(Exception, match="accounts"):
        tick(at=due)
    failure = BackgroundFailure.objects.get(work="rights.tasks.erase_due_accounts")
    assert failure.resolved_at is None and failure.error.startswith("RuntimeError in ")
    monkeypatch.undo()
    # The broken sweep never released its claim: another takes over after the timeout.
    later = due + timedelta(seconds=settings.WAGTAIL_PRIVACY.get("ERASURE_CLAIM_TIMEOUT", 3600))
    assert "erased=1" in tick(at=later + timedelta(minutes=1))
    failure.refresh_from_db()
    assert failure.resolved_at is not None
