"""Figures of the requests ledger and of accounts being closed, for the privacy centre.

Each function answers in one query, whatever the number of requests or closures.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from ..conf import privacy_settings
from .models import AccountClosure, ClosureKind, ClosureState, DataRequest, RequestStatus

#: The due states a list of requests can be cut to, as ``ledger.due_state`` names them.
DUE_STATES = ("overdue", "due_soon")


def _deadline_before(moment):
    """The request's deadline (``extended_until``, else ``due_at``) is before ``moment``."""
    return Q(extended_until__lt=moment) | Q(extended_until__isnull=True, due_at__lt=moment)


def _deadline_from(moment):
    return Q(extended_until__gte=moment) | Q(extended_until__isnull=True, due_at__gte=moment)


def due_condition(state, now=None):
    """The requests that are ``overdue`` or ``due_soon`` (open, and due within
    ``REQUEST_DUE_SOON_DAYS``), as ``ledger.due_state`` says: a filter for querysets and
    aggregates."""
    now = now or timezone.now()
    # A request awaiting the person's identity is never late: its clock is paused.
    is_open = Q(status__in=RequestStatus.running_values())
    if state == "overdue":
        return is_open & _deadline_before(now)
    if state == "due_soon":
        soon = now + timedelta(days=privacy_settings.REQUEST_DUE_SOON_DAYS)
        return is_open & _deadline_from(now) & _deadline_before(soon)
    raise ValueError(f"Not a due state: {state!r} (one of {', '.join(DUE_STATES)})")


def requests_by_status():
    """{status: requests}, every status present (zero where there is none)."""
    counted = dict(DataRequest.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {value: counted.get(value, 0) for value in RequestStatus.values}


def due_counts(now=None):
    """{"overdue": requests, "due_soon": requests} of the open requests."""
    now = now or timezone.now()
    return DataRequest.objects.aggregate(
        **{state: Count("pk", filter=due_condition(state, now)) for state in DUE_STATES}
    )


def pending_closures():
    """Accounts on their way out, by kind: ``deletions``, ``deactivations``, ``inactive``;
    and ``held``, those of any kind whose erasure is on hold."""
    return AccountClosure.objects.filter(state__in=ClosureState.active_values()).aggregate(
        deletions=Count("pk", filter=Q(kind=ClosureKind.DELETION)),
        deactivations=Count("pk", filter=Q(kind=ClosureKind.DEACTIVATION)),
        inactive=Count("pk", filter=Q(kind=ClosureKind.INACTIVITY)),
        held=Count("pk", filter=Q(state=ClosureState.BLOCKED)),
    )


def held_erasures(limit=50):
    """The first ``limit`` erasures on hold, the longest held first, with their customers."""
    return list(
        AccountClosure.objects.filter(state=ClosureState.BLOCKED)
        .select_related("user", "request")
        .order_by("blocked_at", "pk")[:limit]
    )


def recent_erasures(limit=10):
    """The last ``limit`` accounts erased, the latest first, with their requests."""
    return list(
        AccountClosure.objects.filter(state=ClosureState.ERASED)
        .select_related("request")
        .order_by("-erased_at")[:limit]
    )
