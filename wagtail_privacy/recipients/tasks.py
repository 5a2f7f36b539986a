"""Background work of the recipients domain: one delivery attempt per task."""

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ..background import recorded
from . import service


@task()
@recorded(_("Tell a recipient of an erasure, rectification or restriction"))
def deliver_notification(notification_id: int) -> str:
    """One attempt; a failure is kept on the notification and tried again by privacy_tick."""
    return service.deliver(notification_id)
