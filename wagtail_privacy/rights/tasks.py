"""Background work of data rights (django_tasks): module-level tasks, plain arguments."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ..background import recorded
from . import closure
from .export import build


@task()
@recorded(_("Build a data export"))
def build_export_task(export_id: str) -> str:
    """Build one export ZIP; safe to run again (a built export is left alone)."""
    export = build(export_id)
    return export.status if export else ""


@task()
@recorded(_("Erase accounts that are due"))
def erase_due_accounts(*, limit: int) -> int:
    """Erase up to ``limit`` accounts that are due; returns how many.

    privacy_tick enqueues one per batch; each claims its own batch, so any number of task
    workers erase side by side and none erases an account twice.
    """
    return closure.erase_due(timezone.now(), limit)
