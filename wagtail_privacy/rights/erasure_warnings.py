"""The warnings emailed before an erasure, sent by task workers (``rights.tasks``).

Deactivated accounts are warned ``ERASURE_WARNING_DAYS`` before their erasure date. Inactive
customers are warned once ``privacy_tick`` has opened their closure (state ``warned``,
``retention.open_inactive``); their erasure date counts from the email actually sent.

``privacy_tick`` counts the warnings to send and enqueues a task per batch; each task claims
its own batch (``closure.email_pending``), so tasks running side by side, a task delivered
twice and overlapping ticks email each customer once. A warning counts as given once its
email has gone (``warned_at``); the batch of a worker that died unsent is sent by a later
task after ``ERASURE_CLAIM_TIMEOUT``.
"""

from datetime import timedelta

from django.db.models import Q

from .. import mail
from ..conf import privacy_settings
from . import closure as closures
from .models import ClosureKind, ClosureState


def _warning_days():
    return timedelta(days=privacy_settings.ERASURE_WARNING_DAYS)


def deactivation_pending(now):
    """Deactivated accounts erased within ``ERASURE_WARNING_DAYS`` of ``now``, not warned."""
    return Q(
        kind=ClosureKind.DEACTIVATION,
        state=ClosureState.SCHEDULED,
        warned_at__isnull=True,
        scheduled_for__lte=now + _warning_days(),
    )


def inactivity_pending():
    """Closures of inactive customers whose warning is still to be sent."""
    return Q(kind=ClosureKind.INACTIVITY, state=ClosureState.WARNED, warned_at__isnull=True)


def send_deactivation_warnings(now, limit):
    """Send up to ``limit`` warnings to deactivated accounts; returns how many were sent."""
    root = mail.site_root()
    return closures.email_pending(
        deactivation_pending(now),
        "erasure_warning",
        lambda closure: {
            "date": mail.local_date(closure.scheduled_for),
            "reactivate_url": closures.reactivation_url(closure, root),
        },
        done={"warned_at": now},
        limit=limit,
    )


def send_inactivity_warnings(now, limit):
    """Send up to ``limit`` warnings to inactive customers; returns how many were sent.

    Each account is then erased ``ERASURE_WARNING_DAYS`` after ``now``, unless the customer
    signs in meanwhile.
    """
    scheduled_for = now + _warning_days()
    return closures.email_pending(
        inactivity_pending(),
        "inactive_warning",
        lambda closure: {
            "date": mail.local_date(scheduled_for),
            "account_url": privacy_settings.ACCOUNT_URL,
        },
        done={"warned_at": now, "scheduled_for": scheduled_for},
        limit=limit,
    )
