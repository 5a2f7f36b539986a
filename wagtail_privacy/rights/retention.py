"""Retention sweeps: inactive accounts (warning, then erasure) and expired legal holds."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.module_loading import import_string

from ..conf import privacy_settings
from . import closure as closures
from .models import AccountClosure, ClosureKind, ClosureState
from .registry import registry

BATCH = 500


def _last_activity(users):
    path = privacy_settings.LAST_ACTIVITY
    extra = import_string(path)(users) if path else {}
    activity = {}
    for user in users:
        seen = [d for d in (user.last_login, user.date_joined, extra.get(user.pk)) if d]
        activity[user.pk] = max(seen) if seen else None
    return activity


def inactive_users(now):
    """Customers with no sign-in (or host activity) for ``INACTIVE_ACCOUNT_DAYS``, in batches."""
    days = privacy_settings.INACTIVE_ACCOUNT_DAYS
    if not days:
        return
    cutoff = now - timedelta(days=days)
    User = get_user_model()
    queryset = (
        User._default_manager.filter(is_active=True, is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(privacy_closures__state__in=ClosureState.active_values())
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        activity = _last_activity(batch)
        yield [u for u in batch if activity[u.pk] is None or activity[u.pk] < cutoff]


def warn_inactive(now, dry_run=False):
    warned = 0
    for batch in inactive_users(now):
        if dry_run:
            warned += len(batch)
            continue
        for user in batch:
            try:
                with transaction.atomic():
                    closure = AccountClosure.objects.create(
                        user=user,
                        kind=ClosureKind.INACTIVITY,
                        state=ClosureState.WARNED,
                        created_at=now,
                        warned_at=now,
                        scheduled_for=now + timedelta(days=privacy_settings.ERASURE_WARNING_DAYS),
                    )
            except IntegrityError:
                continue
            closures._email(
                user,
                "inactive_warning",
                {
                    "date": closures._date(closure.scheduled_for),
                    "account_url": privacy_settings.ACCOUNT_URL,
                },
            )
            warned += 1
    return warned


def settle_warned(now, dry_run=False):
    """Warned inactive accounts: cancelled if the customer came back, else scheduled now."""
    due = AccountClosure.objects.filter(
        kind=ClosureKind.INACTIVITY, state=ClosureState.WARNED, scheduled_for__lte=now
    ).select_related("user")
    returned = scheduled = 0
    for closure in due:
        user = closure.user
        came_back = user is None or (user.last_login and user.last_login > closure.warned_at)
        if not came_back and privacy_settings.LAST_ACTIVITY and user is not None:
            seen = _last_activity([user])[user.pk]
            came_back = bool(seen and seen > closure.warned_at)
        if dry_run:
            returned += bool(came_back)
            scheduled += not came_back
            continue
        if came_back:
            AccountClosure.objects.filter(pk=closure.pk).update(
                state=ClosureState.CANCELLED, cancelled_at=now
            )
            returned += 1
        else:
            AccountClosure.objects.filter(pk=closure.pk).update(state=ClosureState.SCHEDULED)
            scheduled += 1
    return returned, scheduled


def purge_holds(now, dry_run=False):
    """Delete held records whose legal hold has ended, source by source."""
    return {source.name: source.purge_expired(now, dry_run) for source in registry.sources()}
