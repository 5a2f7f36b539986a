"""Background work of change notices (django_tasks): thin wrappers taking primary keys."""

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ..background import recorded
from . import fanout


@task()
@recorded(_("Notify customers of a policy version"))
def notify_version(version_id: int) -> dict:
    """Create the notices of a version and enqueue a ``send_notice_chunk`` per batch."""
    return fanout.start(version_id)


@task()
@recorded(_("Email a batch of change notices"))
def send_notice_chunk(
    version_id: int, kind: str, first: str, last: str, links: dict | None = None
) -> dict:
    """Email the pending notices of the customers ``first``..``last`` (primary keys).

    ``links``: the version's URLs per language, resolved once by ``notify_version``.
    """
    return fanout.send_chunk(version_id, kind, first, last, links=links)


@task()
@recorded(_("Tell customers a policy change will not take effect"))
def notify_withdrawal(version_id: int) -> int:
    """Enqueue a ``send_notice_chunk`` per batch of customers emailed about a version that
    was then withdrawn before it took effect."""
    return fanout.start_withdrawn(version_id)
