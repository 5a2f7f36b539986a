"""privacy_tick steps of data rights."""

from ..tick import tick_step
from . import closure, export, retention


@tick_step("exports")
def expire_exports(now, dry_run):
    """Delete export files past their expiry date."""
    count = export.expire(now, dry_run)
    return {"exports_to_expire": count} if dry_run else {"expired": count}


@tick_step("accounts")
def close_accounts(now, dry_run):
    """Warnings before erasure, inactive accounts, then the erasures that are due."""
    report = {
        "deactivation_warnings": closure.send_warnings(now, dry_run),
        "inactive_warned": retention.warn_inactive(now, dry_run),
    }
    returned, scheduled = retention.settle_warned(now, dry_run)
    report.update(inactive_returned=returned, inactive_scheduled=scheduled)
    due = list(closure.due_erasures(now).values_list("pk", flat=True))
    if dry_run:
        report["erasures_due"] = len(due)
    else:
        report["erased"] = sum(1 for pk in due if closure.erase(pk, now))
    return report


@tick_step("holds")
def purge_holds(now, dry_run):
    """Delete held records whose legal hold has ended (counts per source)."""
    counts = retention.purge_holds(now, dry_run)
    prefix = "expired_" if dry_run else "purged_"
    return {f"{prefix}{name}": count for name, count in counts.items() if count} or {"purged": 0}
