"""Telling the selected customers of a breach: batched, idempotent, resumable, parallel.

The pattern of the policy notices (``notices/fanout.py``) on the breach's own rows, with the
same claims (``wagtail_privacy.claims``, on ``BreachNotice``'s columns):

- ``start`` (the ``notify_breach`` task) creates one ``BreachNotice`` per selected customer
  in keyset-paginated batches (bulk inserts; a unique constraint makes it once per customer
  and breach, however many rounds select them) and, as each batch commits, enqueues a
  ``send_breach_chunk`` task for that batch.
- A chunk claims a few pending notices at a time (state ``sending``, its token, the time) in
  one durable commit, then sends them in primary-key order, recording each one before the
  next (on PostgreSQL without waiting for the disk). An exception records the email failed;
  an interrupt puts what was not sent back to ``pending``.
- A run killed outright leaves its claims; ``recover`` keeps the first as unconfirmed (it may
  have gone out: never sent again) and puts the rest back, or keeps them all where the
  database server lost the run's records. The ``breach_notices`` step of ``privacy_tick``
  finishes rounds whose tasks are lost (nothing created or claimed for
  ``NOTICE_TASKS_LOST_AFTER`` seconds) in its own process.
"""

from datetime import timedelta
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.db import router, transaction
from django.db.models import Q
from django.utils import timezone

from .. import claims
from ..batching import batches
from ..conf import privacy_settings
from ..i18n import customer_languages
from . import emails
from .audience import keep_selected, selected
from .models import BreachNotice, BreachNotification, EmailState


def lost_after():
    return timedelta(seconds=privacy_settings.NOTICE_TASKS_LOST_AFTER)


def _batch_size(batch_size=None):
    return batch_size or privacy_settings.NOTICE_BATCH_SIZE


def create_notices(notification, *, batch_size=None, on_batch=None):
    """Create the notices of one round, resuming after the last customer already done.

    ``on_batch(first, last)`` is called inside each batch's transaction with the primary keys
    of its first and last customer. Returns how many customers the batches held.
    """
    if notification.notices_created_at is not None:
        return 0
    breach_id, chosen = notification.breach_id, notification.selection
    created = 0
    after = notification.last_user_id or None
    for batch in batches(selected(chosen).order_by("pk"), _batch_size(batch_size), after=after):
        last = batch[-1].pk
        kept = keep_selected(chosen, batch)
        languages = customer_languages(kept)
        with transaction.atomic():
            BreachNotice.objects.bulk_create(
                [
                    BreachNotice(breach_id=breach_id, user=user, language=languages[user.pk])
                    for user in kept
                ],
                ignore_conflicts=True,
            )
            notification.last_user_id = str(last)
            notification.save(update_fields=["last_user_id"])
            if on_batch is not None and kept:
                on_batch(batch[0].pk, last)
        created += len(kept)
    notification.notices_created_at = timezone.now()
    notification.save(update_fields=["notices_created_at"])
    return created


#: Where a breach notice keeps its email's state; the Message-ID is kept with the email sent.
COLUMNS = claims.Columns(BreachNotice, keep_message_id="record", message_id_prefix="privacy.breach")


def recover(breach_id, since):
    """Settle the claims of runs that stopped before ``since`` (presumed dead): per run, the
    first ``sending`` notice is the email in flight, kept as unconfirmed; the rest go back to
    ``pending``. Returns how many went back."""
    return claims.recover(COLUMNS, BreachNotice.objects.filter(breach_id=breach_id), since)


class _Templates(dict):
    def __init__(self, breach):
        super().__init__()
        self.breach = breach

    def __missing__(self, language):
        self[language] = emails.build(self.breach, language)
        return self[language]


def _sendable(breach_id):
    email_field = get_user_model().get_email_field_name()
    pending = BreachNotice.objects.filter(breach_id=breach_id, email_state=EmailState.PENDING)
    return pending.order_by("pk").values_list("pk", "language", f"user__{email_field}")


def _send(breach, rows):
    """Claim, send and record ``rows`` (pk, language, address); (sent, failed)."""
    run = claims.Sending(claims.Claims(COLUMNS), _Templates(breach).__getitem__)
    try:
        run.send(rows)
    finally:
        run.close()
    return run.sent, run.failed


def _breach(breach_id):
    from .models import Breach

    return Breach.objects.filter(pk=breach_id).first()


def send_chunk(breach_id, first, last):
    """Email the pending notices of the customers ``first``..``last`` (primary keys): the
    work of one chunk task; safe to run twice or beside another run."""
    breach = _breach(breach_id)
    if breach is None:
        return {"emailed": 0, "failed": 0}
    rows = list(_sendable(breach_id).filter(user_id__gte=first, user_id__lte=last))
    sent, failed = _send(breach, rows)
    finish(breach_id)
    return {"emailed": sent, "failed": failed}


def send_pending(breach_id, *, batch_size=None, now=None):
    """Send every pending notice of a breach in this process; (sent, failed)."""
    breach = _breach(breach_id)
    now = now or timezone.now()
    recover(breach_id, now - lost_after())
    sent = failed = 0
    for rows in batches(_sendable(breach_id), _batch_size(batch_size), key=itemgetter(0)):
        s, f = _send(breach, rows)
        sent, failed = sent + s, failed + f
    return sent, failed


def _unsettled(breach_id):
    return BreachNotice.objects.filter(breach_id=breach_id).filter(
        Q(email_state=EmailState.PENDING)
        | Q(email_state=EmailState.SENDING, claim_token__isnull=False)
    )


def finish(breach_id):
    """Mark the breach's rounds finished once their notices exist and every email settled."""
    if _unsettled(breach_id).exists():
        return 0
    return BreachNotification.objects.filter(
        breach_id=breach_id, notices_created_at__isnull=False, finished_at__isnull=True
    ).update(finished_at=timezone.now())


def _enqueue_chunk(breach_id, first, last):
    from .tasks import send_breach_chunk

    send_breach_chunk.enqueue(breach_id, str(first), str(last))


def start(notification_id, *, batch_size=None):
    """Create the notices of one round and enqueue a task per batch to email them.

    Run again (a duplicate task, a crash), it goes on where it stopped. Returns
    {"notices": created, "chunks": tasks enqueued}.
    """
    notification = BreachNotification.objects.filter(pk=notification_id).first()
    if notification is None:
        return {"notices": 0, "chunks": 0}
    chunks = []
    breach_id, alias = notification.breach_id, router.db_for_write(BreachNotice)

    def enqueue(first, last):
        chunks.append((first, last))
        transaction.on_commit(lambda: _enqueue_chunk(breach_id, first, last), using=alias)

    created = create_notices(notification, batch_size=batch_size, on_batch=enqueue)
    # Chunks that ran before the last batch was created could not mark the round finished.
    finish(breach_id)
    return {"notices": created, "chunks": len(chunks)}


def notify(notification_id, *, batch_size=None):
    """Create and email the notices of one round in this process; safe to run again."""
    notification = BreachNotification.objects.filter(pk=notification_id).first()
    if notification is None:
        return {"notices": 0, "emailed": 0, "failed": 0}
    created = create_notices(notification, batch_size=batch_size)
    sent, failed = send_pending(notification.breach_id, batch_size=batch_size)
    finish(notification.breach_id)
    return {"notices": created, "emailed": sent, "failed": failed}


def in_progress(notification, now=None):
    """Whether tasks may still be at work on a round: started, created its notices or
    claimed an email less than ``NOTICE_TASKS_LOST_AFTER`` ago."""
    since = (now or timezone.now()) - lost_after()
    if (notification.notices_created_at or notification.started_at) >= since:
        return True
    return BreachNotice.objects.filter(
        breach_id=notification.breach_id, email_claimed_at__gte=since
    ).exists()
