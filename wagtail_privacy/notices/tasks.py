"""Background work of change notices (django_tasks): thin wrappers taking primary keys."""

from django_tasks import task

from . import fanout


@task()
def notify_version(version_id: int) -> dict:
    """Create the notices of a version and enqueue a ``send_notice_chunk`` per batch."""
    return fanout.start(version_id)


@task()
def send_notice_chunk(
    version_id: int, kind: str, first: str, last: str, links: dict | None = None
) -> dict:
    """Email the pending notices of the customers ``first``..``last`` (primary keys).

    ``links``: the version's URLs per language, resolved once by ``notify_version``.
    """
    return fanout.send_chunk(version_id, kind, first, last, links=links)
