"""Retention sweeps: inactive accounts (warning, then erasure) and expired legal holds."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from ..batching import batches
from ..conf import privacy_settings
from ..hosts import host
from ..restriction import active as active_restrictions
from ..sources import registry
from .models import AccountClosure, ClosureKind, ClosureState


def _last_activity(users):
    extra = host().last_activity(users)
    activity = {}
    for user in users:
        seen = [d for d in (user.last_login, user.date_joined, extra.get(user.pk)) if d]
        activity[user.pk] = max(seen) if seen else None
    return activity


def inactive_users(now):
    """Customers with no sign-in (or host activity) for ``INACTIVE_ACCOUNT_DAYS``, in batches.

    Restricted accounts are left out: their data is to be kept (GDPR Art. 18)."""
    days = privacy_settings.INACTIVE_ACCOUNT_DAYS
    if not days:
        return
    cutoff = now - timedelta(days=days)
    active = ClosureState.active_values()
    User = get_user_model()
    queryset = (
        User._default_manager.filter(is_active=True, is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        # NOT EXISTS, not NOT IN: an anti-join on the one-active-closure index, so each batch
        # does not read every closure again.
        .filter(~Exists(AccountClosure.objects.filter(user=OuterRef("pk"), state__in=active)))
        .filter(~Exists(active_restrictions().filter(user=OuterRef("pk"))))
        .order_by("pk")
    )
    for batch in batches(queryset, privacy_settings.RETENTION_BATCH_SIZE):
        activity = _last_activity(batch)
        yield [u for u in batch if activity[u.pk] is None or activity[u.pk] < cutoff]


def open_inactive(now, dry_run=False):
    """Open a closure (state ``warned``) for each inactive customer; returns how many there are.

    Their warnings are emailed by tasks (``erasure_warnings.send_inactivity_warnings``).
    """
    count = 0
    for batch in inactive_users(now):
        count += len(batch)
        if not dry_run:
            _open_warned(batch, now)
    return count


def _open_warned(users, now):
    """Closures in ``warned`` state whose warning is still to be sent (``warned_at`` empty)."""
    rows = [
        AccountClosure(
            user=user,
            kind=ClosureKind.INACTIVITY,
            state=ClosureState.WARNED,
            created_at=now,
            scheduled_for=now + timedelta(days=privacy_settings.ERASURE_WARNING_DAYS),
        )
        for user in users
    ]
    try:
        with transaction.atomic():
            AccountClosure.objects.bulk_create(rows)
    except IntegrityError:
        # One of them started a closure meanwhile (deletion, deactivation): go one by one.
        for row in rows:
            try:
                with transaction.atomic():
                    row.pk = None
                    row.save(force_insert=True)
            except IntegrityError:
                continue


def settle_warned(now, dry_run=False):
    """Warned inactive accounts: cancelled if the customer came back, else scheduled now."""
    due = AccountClosure.objects.filter(
        kind=ClosureKind.INACTIVITY,
        state=ClosureState.WARNED,
        warned_at__isnull=False,
        scheduled_for__lte=now,
    ).select_related("user")
    returned = scheduled = 0
    for batch in batches(due, privacy_settings.RETENTION_BATCH_SIZE):
        users = [c.user for c in batch if c.user_id]
        activity = _last_activity(users) if users else {}
        back, gone = [], []
        for closure in batch:
            seen = activity.get(closure.user_id)
            came_back = closure.user_id is None or bool(seen and seen > closure.warned_at)
            (back if came_back else gone).append(closure.pk)
        returned += len(back)
        scheduled += len(gone)
        if dry_run:
            continue
        # Only closures still warned: a customer may have acted meanwhile.
        still = AccountClosure.objects.filter(state=ClosureState.WARNED)
        still.filter(pk__in=back).update(state=ClosureState.CANCELLED, cancelled_at=now)
        still.filter(pk__in=gone).update(state=ClosureState.SCHEDULED)
    return returned, scheduled


def purge_holds(now, dry_run=False):
    """Delete held records whose legal hold has ended, source by source."""
    return {source.name: source.purge_expired(now, dry_run) for source in registry.sources()}
