"""privacy_tick steps of data rights."""

from typing import NamedTuple

from django_tasks import TaskResult, TaskResultStatus

from ..conf import privacy_settings
from ..tick import tick_step
from . import closure, erasure_warnings, export, guests, retention
from .models import AccountClosure, DataExport


@tick_step("exports")
def expire_exports(now, dry_run):
    """Delete export files past their expiry date; rebuild exports whose worker died."""
    count = export.expire(now, dry_run)
    requeued, failed = export.recover(DataExport.objects.all(), now, dry_run)
    if dry_run:
        return {"exports_to_expire": count, "exports_to_retry": requeued, "exports_to_fail": failed}
    return {
        "expired": count,
        "retried": requeued,
        "failed": failed,
        "work_files_removed": export.remove_orphan_work_files(),
    }


@tick_step("accounts")
def close_accounts(now, dry_run):
    """Warnings before erasure, inactive accounts, then the erasures that are due.

    The step opens the closures of inactive customers and settles the warned ones (bulk SQL);
    the warning emails and the erasures are tasks, one per batch (``_enqueue``), which any
    number of task workers share. ``warning_tasks`` and ``erasure_tasks`` count the tasks
    enqueued; ``deactivation_warnings``, ``inactive_warned`` and ``erased`` what the tasks
    that ran at once (an immediate backend) did. The dry run counts and enqueues nothing.
    """
    opened = retention.open_inactive(now, dry_run)
    pending = AccountClosure.objects
    deactivated = pending.filter(erasure_warnings.deactivation_pending(now)).count()
    inactive = pending.filter(erasure_warnings.inactivity_pending()).count()
    if dry_run:
        report = {"deactivation_warnings": deactivated, "inactive_warned": opened + inactive}
        returned, scheduled = retention.settle_warned(now, dry_run)
        report.update(inactive_returned=returned, inactive_scheduled=scheduled)
        due = closure.due_erasures(now)
        report["erasures_due"] = due.count()
        report.update(closure.records_to_erase(due))
        return report
    from .tasks import erase_due_accounts, send_deactivation_warnings, send_inactivity_warnings

    deactivation = _enqueue(send_deactivation_warnings, deactivated)
    inactivity = _enqueue(send_inactivity_warnings, inactive)
    report = {
        "deactivation_warnings": deactivation.done,
        "inactive_warned": inactivity.done,
        "warning_tasks": deactivation.tasks + inactivity.tasks,
    }
    returned, scheduled = retention.settle_warned(now)
    report.update(inactive_returned=returned, inactive_scheduled=scheduled)
    limit = privacy_settings.ERASURES_PER_TICK
    due = closure.due_erasures(now).count()
    erasures = _enqueue(erase_due_accounts, due if limit is None else min(due, limit))
    report.update(erasure_tasks=erasures.tasks, erased=erasures.done)
    for enqueued in (deactivation, inactivity, erasures):
        if enqueued.failed is not None:
            raise TaskFailed(enqueued.failed)
    return report


class Enqueued(NamedTuple):
    tasks: int  # enqueued
    done: int  # the sum of what the tasks that ran at once returned
    failed: TaskResult | None  # the first of them that failed


def _enqueue(task, count):
    """``task(limit=...)`` once per batch of ``RETENTION_BATCH_SIZE`` of ``count`` items.

    Each task claims its own batch when it runs. With an immediate backend the tasks run
    here: ``done`` adds up what they returned, and the step fails (``TaskFailed``) after the
    rest of its work if one of them failed.
    """
    size = privacy_settings.RETENTION_BATCH_SIZE
    tasks, done, failed = 0, 0, None
    while count > 0:
        result = task.enqueue(limit=min(size, count))
        count -= size
        tasks += 1
        if result.status == TaskResultStatus.SUCCESSFUL:
            done += result.return_value
        elif result.status == TaskResultStatus.FAILED and failed is None:
            failed = result
    return Enqueued(tasks, done, failed)


class TaskFailed(Exception):
    """A task run at once (an immediate backend) failed; it is among the background failures.

    The message names the task and the exception's class, never the exception's message.
    """

    def __init__(self, result):
        error = result.errors[-1].exception_class_path if result.errors else "unknown error"
        super().__init__(f"{result.task.name} failed with {error}")


@tick_step("holds")
def purge_holds(now, dry_run):
    """Delete held records whose legal hold has ended (counts per source)."""
    counts = retention.purge_holds(now, dry_run)
    prefix = "expired_" if dry_run else "purged_"
    return {f"{prefix}{name}": count for name, count in counts.items() if count} or {"purged": 0}


@tick_step("guest_requests")
def close_unconfirmed_requests(now, dry_run):
    """Requests by email address whose confirmation link expired unused: closed as unverified."""
    count = guests.close_unconfirmed(now, privacy_settings.RETENTION_BATCH_SIZE, dry_run)
    return {"unverified_to_close": count} if dry_run else {"unverified_closed": count}
