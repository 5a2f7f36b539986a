"""Reminders to customers who have neither accepted nor declined an upcoming version.

``ACCEPTANCE_REMINDER_DAYS`` lists days before the effective date, e.g. ``(7, 1)``. A
customer's notice counts the reminders that fell due (``reminders_due``); a reminder falling
due marks its email pending and the fan-out's email tasks send it, once: claims make a second
run skip it, and a customer who decides meanwhile has it cancelled (``acceptance.decided``).
Two reminders falling due together (privacy_tick did not run between them) send one email.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef

from ..conf import privacy_settings
from ..policies.models import ChangeLevel, PolicyVersion
from .models import Acceptance, ChangeNotice, Decline, EmailState


def schedule():
    """The reminder days, furthest from the effective date first."""
    return sorted(set(privacy_settings.ACCEPTANCE_REMINDER_DAYS), reverse=True)


def versions_to_remind(now):
    """Upcoming major versions that ask for acceptance and are within the first reminder."""
    days = schedule()
    if not days:
        return PolicyVersion.objects.none()
    return PolicyVersion.objects.filter(
        change_level=ChangeLevel.MAJOR,
        requires_acceptance=True,
        withdrawn_at__isnull=True,
        effective_at__gt=now,
        effective_at__lte=now + timedelta(days=days[0]),
    ).select_related("policy")


def reminders_due(version, now):
    """How many reminders of the schedule have fallen due for ``version`` at ``now``."""
    return sum(1 for days in schedule() if version.effective_at - timedelta(days=days) <= now)


def undecided(version):
    """Notices of ``version`` whose customer was told of it and has not decided on it."""
    accepted = Acceptance.objects.filter(
        user=OuterRef("user"),
        policy_id=version.policy_id,
        version__number__gte=version.number,
    )
    declined = Decline.objects.filter(user=OuterRef("user"), version=version)
    return ChangeNotice.objects.filter(
        version=version, retracted_at__isnull=True, email_state=EmailState.SENT
    ).exclude(Exists(accepted) | Exists(declined))


def mark_due(version, now, dry_run=False):
    """Mark the reminder emails that fell due for ``version``; returns how many."""
    due = reminders_due(version, now)
    owed = undecided(version).filter(reminders_due__lt=due)
    if dry_run:
        return owed.count()
    # Keyed on primary keys: some databases refuse an UPDATE filtered on a subquery of itself.
    pks = list(owed.values_list("pk", flat=True))
    return ChangeNotice.objects.filter(pk__in=pks, reminders_due__lt=due).update(
        reminders_due=due, reminder_email_state=EmailState.PENDING
    )
