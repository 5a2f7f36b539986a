"""privacy_tick step of breaches: finish the notification rounds whose tasks were lost."""

from ..tick import tick_step
from .fanout import in_progress, notify
from .models import BreachNotification


@tick_step("breach_notices")
def finish_breach_notices(now, dry_run):
    """Create and send what unfinished rounds left, once their tasks are presumed lost."""
    unfinished = list(BreachNotification.objects.filter(finished_at__isnull=True).order_by("pk"))
    if dry_run:
        return {"rounds_unfinished": len(unfinished)}
    totals = {"rounds": 0, "in_progress": 0, "notices": 0, "emailed": 0, "failed": 0}
    for notification in unfinished:
        if in_progress(notification, now):
            totals["in_progress"] += 1
            continue
        result = notify(notification.pk)
        totals["rounds"] += 1
        for key in ("notices", "emailed", "failed"):
            totals[key] += result[key]
    return totals
