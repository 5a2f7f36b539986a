"""The ``recipient_notices`` step: deliveries that are due (retries, or lost tasks) again."""

from ..batching import batches
from ..tick import tick_step
from . import service


@tick_step("recipient_notices")
def deliver_due(now, dry_run=False):
    due = service.due_deliveries(now)
    if dry_run:
        return {"due": due.count(), "overdue": service.overdue(now).count()}
    enqueued = 0
    for batch in batches(due.values_list("pk", flat=True), 200, key=lambda pk: pk):
        service.enqueue(batch)
        enqueued += len(batch)
    return {"enqueued": enqueued, "overdue": service.overdue(now).count()}
