"""privacy_tick steps of data rights."""

from typing import NamedTuple

from django_tasks import TaskResult, TaskResultStatus

from ..conf import privacy_settings
from ..tick import tick_step
from . import closure, corrections, erasure_warnings, export, guests, holds, retention
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


@tick_step("corrections")
def blank_corrections(now, dry_run):
    """The old values of corrections, once kept long enough after their request closed."""
    count = corrections.blank_old_values(now, dry_run)
    return {"old_values_to_blank": count} if dry_run else {"old_values_blanked": count}


@tick_step("accounts")
def close_accounts(now, dry_run):
    """Warnings before erasure, inactive accounts, then the erasures that are due.

    The step opens the closures of inactive customers and settles the warned ones (bulk SQL);
    the warning emails and the erasures are tasks, one per batch (``_enqueue``), which any
    number of task workers share. ``warning_tasks`` and ``erasure_tasks`` count the tasks
    enqueued; ``deactivation_warnings``, ``inactive_warned`` and ``erased`` what the tasks
    that ran at once (an immediate backend) did. Erasures on hold are checked again first
    (``holds.release``): those released are erased with the others due; ``on_hold`` counts
    the holds left, and ``hold_notices`` the customers told what to settle (tasks too,
    ``hold_notice_tasks``). The dry run counts and enqueues nothing: ``erasures_to_hold``
    are the due erasures that something blocks.
    """
    opened = retention.open_inactive(now, dry_run)
    pending = AccountClosure.objects
    deactivated = pending.filter(erasure_warnings.deactivation_pending(now)).count()
    inactive = pending.filter(erasure_warnings.inactivity_pending()).count()
    if dry_run:
        report = {"deactivation_warnings": deactivated, "inactive_warned": opened + inactive}
        returned, scheduled = retention.settle_warned(now, dry_run)
        report.update(inactive_returned=returned, inactive_scheduled=scheduled)
        released, cancelled = holds.release(now, dry_run)
        report.update(holds_to_release=released, holds_to_cancel=cancelled)
        due = closure.due_erasures(now)
        report["erasures_due"] = due.count()
        report["erasures_to_hold"] = holds.would_hold(now)
        report.update(closure.records_to_erase(due))
        return report
    from .tasks import (
        erase_due_accounts,
        send_deactivation_warnings,
        send_hold_notices,
        send_inactivity_warnings,
    )

    deactivation = _enqueue(send_deactivation_warnings, deactivated)
    inactivity = _enqueue(send_inactivity_warnings, inactive)
    report = {
        "deactivation_warnings": deactivation.done,
        "inactive_warned": inactivity.done,
        "warning_tasks": deactivation.tasks + inactivity.tasks,
    }
    returned, scheduled = retention.settle_warned(now)
    report.update(inactive_returned=returned, inactive_scheduled=scheduled)
    released, cancelled = holds.release(now)
    report.update(holds_released=released, holds_cancelled=cancelled)
    limit = privacy_settings.ERASURES_PER_TICK
    due = closure.due_erasures(now).count()
    erasures = _enqueue(erase_due_accounts, due if limit is None else min(due, limit))
    report.update(erasure_tasks=erasures.tasks, erased=erasures.done)
    # After the erasures: with an immediate backend, the holds they made are told at once.
    untold = AccountClosure.objects.filter(holds.notice_pending()).count()
    notices = _enqueue(send_hold_notices, untold)
    report.update(
        on_hold=holds.on_hold().count(),
        hold_notices=notices.done,
        hold_notice_tasks=notices.tasks,
    )
    for enqueued in (deactivation, inactivity, erasures, notices):
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


@tick_step("retention")
def apply_retention(now, dry_run):
    """Delete or anonymise records past the age their source keeps them for, whether or not
    the account still exists (counts per source; each real run leaves a ``RetentionRun``)."""
    from .record_retention import apply_rules

    counts = apply_rules(now, dry_run)
    prefix = "due_" if dry_run else "retired_"
    return {f"{prefix}{name}": count for name, count in counts.items()} or {"retired": 0}


@tick_step("guest_requests")
def close_unconfirmed_requests(now, dry_run):
    """Requests by email address whose confirmation link expired unused: closed as unverified."""
    count = guests.close_unconfirmed(now, privacy_settings.RETENTION_BATCH_SIZE, dry_run)
    return {"unverified_to_close": count} if dry_run else {"unverified_closed": count}
