"""Background work of change notices (django_tasks)."""

from django_tasks import task

from .fanout import fan_out


@task()
def notify_version(version_id: int) -> dict:
    """Create and email the notices of a version; idempotent and resumable."""
    return fan_out(version_id)
