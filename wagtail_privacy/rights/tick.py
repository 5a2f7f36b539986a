"""privacy_tick steps of data rights."""

from django_tasks import TaskResultStatus

from ..conf import privacy_settings
from ..tick import tick_step
from . import closure, export, retention
from .models import DataExport


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
    """Warnings before erasure, inactive accounts, then the erasures that are due."""
    report = {
        "deactivation_warnings": closure.send_warnings(now, dry_run),
        "inactive_warned": retention.warn_inactive(now, dry_run),
    }
    returned, scheduled = retention.settle_warned(now, dry_run)
    report.update(inactive_returned=returned, inactive_scheduled=scheduled)
    if dry_run:
        due = closure.due_erasures(now)
        report["erasures_due"] = due.count()
        report.update(closure.records_to_erase(due))
    else:
        report.update(_enqueue_erasures(now))
    return report


def _enqueue_erasures(now):
    """A task per batch of the accounts due (at most ``ERASURES_PER_TICK``).

    Tasks that ran at once (an immediate backend) count in ``erased``; one that failed there
    fails the step, as an erasure in this process would.
    """
    from .tasks import erase_due_accounts

    size, limit = privacy_settings.RETENTION_BATCH_SIZE, privacy_settings.ERASURES_PER_TICK
    due = closure.due_erasures(now).count()
    planned = due if limit is None else min(due, limit)
    erased, failed, tasks = 0, None, 0
    while planned > 0:
        result = erase_due_accounts.enqueue(limit=min(size, planned))
        planned -= size
        tasks += 1
        if result.status == TaskResultStatus.SUCCESSFUL:
            erased += result.return_value
        elif result.status == TaskResultStatus.FAILED and failed is None:
            failed = result
    if failed is not None:
        raise ErasureFailed(failed.errors[-1].exception_class_path if failed.errors else "")
    return {"erasure_tasks": tasks, "erased": erased}


class ErasureFailed(Exception):
    """An erasure task run at once failed (recorded among the background failures)."""


@tick_step("holds")
def purge_holds(now, dry_run):
    """Delete held records whose legal hold has ended (counts per source)."""
    counts = retention.purge_holds(now, dry_run)
    prefix = "expired_" if dry_run else "purged_"
    return {f"{prefix}{name}": count for name, count in counts.items() if count} or {"purged": 0}
