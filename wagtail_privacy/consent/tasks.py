"""Background work of consent (django_tasks): module-level tasks taking primary keys."""

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ..background import recorded
from . import confirmations


@task()
@recorded(_("Confirm a withdrawal of consent"))
def confirm_withdrawals(record_ids: list[int]) -> int:
    """Email the confirmation of these withdrawals (once: confirmed ones are skipped)."""
    return confirmations.confirm(record_ids)
