"""privacy_tick steps of data rights."""

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
        report["erased"] = closure.erase_due(now, privacy_settings.ERASURES_PER_TICK)
    return report


@tick_step("holds")
def purge_holds(now, dry_run):
    """Delete held records whose legal hold has ended (counts per source)."""
    counts = retention.purge_holds(now, dry_run)
    prefix = "expired_" if dry_run else "purged_"
    return {f"{prefix}{name}": count for name, count in counts.items() if count} or {"purged": 0}
