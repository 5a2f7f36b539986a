"""Background work of data rights (django_tasks): module-level tasks, plain arguments.

``privacy_tick`` enqueues the sweeps of the ``accounts`` step as one task per batch; each task
claims its own batch, so any number of task workers share the work, and a task delivered
twice does nothing twice.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ..background import recorded
from . import closure, erasure_warnings, guests, holds
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

    Each task claims its own batch, so none erases an account twice.
    """
    return closure.erase_due(timezone.now(), limit)


@task()
@recorded(_("Warn deactivated accounts before their erasure"))
def send_deactivation_warnings(*, limit: int) -> int:
    """Email up to ``limit`` deactivated accounts due for their warning; returns how many.

    Each task claims its own batch, so no customer is warned twice.
    """
    return erasure_warnings.send_deactivation_warnings(timezone.now(), limit)


@task()
@recorded(_("Warn inactive accounts before their erasure"))
def send_inactivity_warnings(*, limit: int) -> int:
    """Email up to ``limit`` inactive customers their warning; returns how many.

    The erasure date counts from now, when the email goes. Each task claims its own batch,
    so no customer is warned twice.
    """
    return erasure_warnings.send_inactivity_warnings(timezone.now(), limit)


@task()
@recorded(_("Tell customers what to settle before their erasure"))
def send_hold_notices(*, limit: int) -> int:
    """Email up to ``limit`` customers whose erasure is on hold what blocks it; returns how
    many. Each task claims its own batch, so no customer is told twice."""
    return holds.send_notices(timezone.now(), limit)


@task()
@recorded(_("Email the confirmation of a request by email address"))
def send_request_confirmation(request_id: int) -> str:
    """The confirmation link (or, for an account's address, the way to the privacy centre);
    a request no longer awaiting its confirmation is left alone."""
    return guests.send_confirmation(request_id)


@task()
@recorded(_("Erase a guest's records"))
def erase_guest_task(request_id: int) -> str:
    """Erase the records of a confirmed guest's request; safe to run again."""
    request = guests.erase(request_id)
    return request.status if request else ""
