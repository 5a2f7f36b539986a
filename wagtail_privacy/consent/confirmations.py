"""Every withdrawal of consent is confirmed by email, in the customer's language, and its
record says when (``confirmed_at``, set once).

Withdrawals are confirmed by a task enqueued when they commit; ``privacy_tick`` confirms
those a lost task left, for ``CONFIRMATION_WINDOW`` after the withdrawal. Erasure withdraws
too, but its receipt says so: it is not confirmed again.
"""

from datetime import timedelta

from django.utils import timezone

from .. import mail
from ..conf import privacy_settings
from ..i18n import customer_languages, default_language
from ..tick import tick_step
from .models import Channel, ConsentRecord, ConsentSource

#: How long after a withdrawal privacy_tick still confirms it when its task was lost.
CONFIRMATION_WINDOW = timedelta(days=5)
#: How long the task has before privacy_tick presumes it lost.
TASK_GRACE = timedelta(minutes=10)
#: Withdrawals that are not confirmed by email: the erasure receipt covers erasure, and a
#: guest's withdrawal joined to an account was confirmed when the guest made it.
UNCONFIRMED_SOURCES = (ConsentSource.ERASURE, ConsentSource.JOINED)


def needs_confirmation(record):
    return not record.granted and record.source not in UNCONFIRMED_SOURCES


def _subject_key(record):
    return ("user", record.user_id) if record.user_id else ("guest", record.email_sha256)


def confirm(record_ids, now=None):
    """Email one confirmation per customer (or guest address) for the withdrawals among
    ``record_ids`` not confirmed yet; returns how many emails went."""
    from .service import purposes

    now = now or timezone.now()
    pending = (
        ConsentRecord.objects.filter(pk__in=list(record_ids), granted=False, confirmed_at=None)
        .exclude(source__in=UNCONFIRMED_SOURCES)
        .select_related("user")
        .order_by("pk")
    )
    groups = {}
    for record in pending:
        groups.setdefault(_subject_key(record), []).append(record)
    users = [rows[0].user for rows in groups.values() if rows[0].user is not None]
    languages = customer_languages(users)
    channels = dict(Channel.choices)
    sent = 0
    for rows in groups.values():
        first = rows[0]
        if first.user is not None:
            address, language = mail.email_address(first.user), languages[first.user.pk]
        else:
            address, language = first.email, default_language()
        if not address:
            continue  # nowhere to confirm it; the record stays unconfirmed
        names = {p.key: p.name for p in purposes(language, include_retired=True)}
        context = {
            "withdrawn": [
                {
                    "purpose": names.get(r.purpose_key, r.purpose_key),
                    "channel": channels.get(r.channel, r.channel),
                }
                for r in rows
            ],
            "at": first.at,
            "account_url": privacy_settings.ACCOUNT_URL if first.user_id else None,
        }
        mail.send(address, "consent_withdrawn", context, language)
        ConsentRecord.objects.filter(pk__in=[r.pk for r in rows]).fill_once(confirmed_at=now)
        sent += 1
    return sent


def unconfirmed(now):
    """Withdrawals still unconfirmed that their task should have confirmed by now."""
    return (
        ConsentRecord.objects.filter(
            granted=False,
            confirmed_at=None,
            at__gte=now - CONFIRMATION_WINDOW,
            at__lt=now - TASK_GRACE,
        )
        .exclude(source__in=UNCONFIRMED_SOURCES)
        .exclude(user__isnull=True, email="")
    )


@tick_step("withdrawal_confirmations")
def confirm_left_over(now, dry_run):
    """Confirm the withdrawals whose task was lost (a worker killed, a queue flushed)."""
    ids = list(unconfirmed(now).values_list("pk", flat=True))
    if dry_run:
        return {"to_confirm": len(ids)}
    return {"confirmed": confirm(ids, now)}
