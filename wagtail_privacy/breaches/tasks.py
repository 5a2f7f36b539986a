"""Background work of breach notifications (django_tasks): thin wrappers taking primary keys."""

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ..background import recorded
from . import fanout


@task()
@recorded(_("Tell customers of a breach"))
def notify_breach(notification_id: int) -> dict:
    """Create the notices of a round and enqueue a ``send_breach_chunk`` per batch."""
    return fanout.start(notification_id)


@task()
@recorded(_("Email a batch of breach notices"))
def send_breach_chunk(breach_id: int, first: str, last: str) -> dict:
    """Email the pending breach notices of the customers ``first``..``last``."""
    return fanout.send_chunk(breach_id, first, last)
