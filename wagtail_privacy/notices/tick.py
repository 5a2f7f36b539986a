"""privacy_tick steps of notices: finish fan-outs and enqueue "now in effect" emails.

A fan-out whose tasks are still at work (``fanout.in_progress``) is left to them; one whose
tasks were lost (a worker killed, a queue flushed) is finished here, in this process.
"""

from django.db.models import Q

from ..policies.models import ChangeLevel, PolicyVersion
from ..tick import tick_step
from . import emails, reminders
from .fanout import (
    fan_out,
    in_progress,
    notifies,
    send_pending,
    start_effective,
    start_pending,
    withdrawals_left,
)
from .gate import not_bound_yet
from .models import ChangeNotice, EmailState


@tick_step("notices")
def notify_changes(now, dry_run):
    """Fan out every non-editorial version whose fan-out has not finished (lost or crashed)."""
    candidates = (
        PolicyVersion.objects.filter(withdrawn_at__isnull=True)
        .exclude(change_level=ChangeLevel.EDITORIAL)
        .filter(Q(fan_out__isnull=True) | Q(fan_out__finished_at__isnull=True))
    )
    unfinished = [version for version in candidates if notifies(version, now)]
    if dry_run:
        return {"versions_to_notify": len(unfinished)}
    totals = {"versions": 0, "notices": 0, "emailed": 0, "failed": 0}
    # "Will not take effect" emails whose tasks were lost.
    for version in withdrawals_left(now):
        sent, failed = send_pending(version, emails.WITHDRAWN, now=now)
        totals["withdrawal_emails"] = totals.get("withdrawal_emails", 0) + sent
        totals["failed"] += failed
    for version in unfinished:
        if in_progress(version, now):
            totals["in_progress"] = totals.get("in_progress", 0) + 1
            continue
        result = fan_out(version.pk)
        totals["versions"] += 1
        for key in ("notices", "emailed", "failed"):
            totals[key] += result[key]
    return totals


@tick_step("effective_notices")
def notify_in_effect(now, dry_run):
    """Enqueue the "now in effect" emails of versions whose effective date has passed."""
    due = ChangeNotice.objects.filter(
        effective_email_state=EmailState.PENDING,
        retracted_at__isnull=True,
        version__effective_at__lte=now,
        version__withdrawn_at__isnull=True,
    )
    if (later := not_bound_yet(now)) is not None:
        due = due.exclude(later)
    if dry_run:
        return {"emails_due": due.count()}
    report = {"versions": 0, "tasks": 0, "in_progress": 0}
    for version_id in due.values_list("version_id", flat=True).distinct():
        tasks = start_effective(version_id, now=now)
        if tasks is None:
            report["in_progress"] += 1
        else:
            report["versions"] += 1
            report["tasks"] += tasks
    return report


@tick_step("acceptance_reminders")
def remind_undecided(now, dry_run):
    """Mark the reminders that fell due (``ACCEPTANCE_REMINDER_DAYS``) and enqueue their
    emails; pending ones whose tasks were lost are enqueued again."""
    report = {"reminders": 0, "tasks": 0}
    for version in reminders.versions_to_remind(now):
        report["reminders"] += reminders.mark_due(version, now, dry_run)
    if dry_run:
        return {"reminders_due": report["reminders"]}
    pending = ChangeNotice.objects.filter(
        reminder_email_state=EmailState.PENDING, retracted_at__isnull=True
    )
    for version_id in pending.values_list("version_id", flat=True).distinct():
        tasks = start_pending(version_id, emails.REMINDER, now=now)
        report["tasks"] += tasks or 0
    return report
