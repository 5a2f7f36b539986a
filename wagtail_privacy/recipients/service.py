"""Telling recipients of erasures, rectifications and restrictions (Art. 19), and their answers.

A notification is created with the work it reports (or just after it, idempotently: one per
recipient, action and reference) and delivered on commit by a task. The state is in the
database: a webhook that fails is tried again with backoff by the ``recipient_notices`` step of
``privacy_tick``, so a worker restart loses nothing and the erasure itself never waits. A 2xx
from a webhook is its acknowledgement; an email carries a signed, single-use link.
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from .. import mail
from ..conf import privacy_settings
from ..hosts import host
from ..i18n import default_language, one_per_key
from ..sources import registry
from . import webhook
from .models import (
    UNANSWERED,
    Delivery,
    Identifier,
    NoticeStatus,
    Recipient,
    RecipientNotification,
)

logger = logging.getLogger("wagtail_privacy.recipients")
ACK_SALT = "wagtail_privacy.recipient_ack"


def recipients(language=None):
    """One recipient per key, in ``language`` (else the default language, else any)."""
    found = one_per_key(Recipient.objects.select_related("locale"), language)
    return sorted(found, key=lambda r: (r.name, r.key))


def _identifiers(recipient, users):
    """{user pk: what names each of ``users`` to ``recipient``}: one call to the host for a
    batch, whatever its size."""
    if recipient.identifier == Identifier.HOST:
        found = host().recipient_identifiers(users, recipient)
        return {user.pk: str(found.get(user.pk) or "") for user in users}
    return {user.pk: mail.email_address(user) for user in users}


def record(action, reference, user, sources, fields=(), now=None, among=None):
    """Create the notifications of one action on ``user``'s data in ``sources`` (names of
    sources holding their records); returns the names of the recipients told.

    Idempotent: a second call for the same ``reference`` creates nothing more. Deliveries
    are enqueued once the caller's transaction commits.
    """
    told = record_many(action, [(reference, user, sources)], fields, now=now, among=among)
    return told.get(reference, [])


def record_many(action, items, fields=(), now=None, among=None):
    """``record`` for a batch: ``items`` are ``(reference, user, sources)``; returns
    ``{reference: [names told]}``.

    One insert for the batch (the unique constraint on recipient, action and reference skips
    the notifications an earlier, interrupted run made) and one query for the new rows'
    keys: the statements do not grow with the accounts.
    """
    now = now or timezone.now()
    among = recipients() if among is None else among
    due = now + timedelta(days=privacy_settings.RECIPIENT_DUE_DAYS)
    told, rows = {}, []
    for recipient in among:
        if not recipient.active:
            continue
        mine = []
        for reference, user, sources in items:
            concerned = set(sources)
            received = [name for name in recipient.source_names if name in concerned]
            if received:
                mine.append((reference, user, received))
        if not mine:
            continue
        identifiers = _identifiers(recipient, [user for _ref, user, _received in mine])
        for reference, user, received in mine:
            told.setdefault(reference, []).append(recipient.name)
            rows.append(
                RecipientNotification(
                    recipient=recipient,
                    recipient_key=recipient.key,
                    recipient_name=recipient.name,
                    user=user,
                    action=action,
                    reference=reference,
                    identifier=identifiers[user.pk],
                    sources=received,
                    fields=list(fields),
                    created_at=now,
                    due_at=due,
                    next_attempt_at=now,
                )
            )
    _insert(rows, action, list(told), now)
    return told


def _insert(rows, action, references, now):
    """Insert ``rows`` (those already there are left alone) and deliver the new pending ones
    after the commit: one insert and one query, whatever the number of rows."""
    if not rows:
        return
    RecipientNotification.objects.bulk_create(rows, ignore_conflicts=True)
    # The rows of this call (``created_at`` is its own): those made earlier were enqueued
    # then, and are retried by privacy_tick.
    created = list(
        RecipientNotification.objects.filter(
            recipient_key__in={row.recipient_key for row in rows},
            action=action,
            reference__in=references,
            created_at=now,
            status=NoticeStatus.PENDING,
        ).values_list("pk", flat=True)
    )
    if created:
        transaction.on_commit(lambda: enqueue(created))


#: Why a recipient that knows customers by the shop's identifier is not told of a guest.
NO_GUEST_IDENTIFIER = "not told: a guest has no shop identifier, and nothing else may be sent"


def record_guest(action, reference, email, sources, now=None):
    """The notifications of one action on a guest's records (kept under ``email``, no
    account); returns the names of the recipients told.

    Only what the recipient already holds may name the customer: a recipient given email
    addresses is told the address; one that knows customers by the shop's identifier cannot
    be told (a guest has none), which its notification records (``not_told``, and why).
    Idempotent per ``reference``, like ``record``.
    """
    now = now or timezone.now()
    concerned = set(sources)
    told, rows = [], []
    for recipient in recipients():
        received = [name for name in recipient.source_names if name in concerned]
        if not recipient.active or not received:
            continue
        by_email = recipient.identifier == Identifier.EMAIL
        if by_email:
            told.append(recipient.name)
        rows.append(
            RecipientNotification(
                recipient=recipient,
                recipient_key=recipient.key,
                recipient_name=recipient.name,
                action=action,
                reference=reference,
                identifier=email if by_email else "",
                sources=received,
                status=NoticeStatus.PENDING if by_email else NoticeStatus.NOT_TOLD,
                last_error="" if by_email else NO_GUEST_IDENTIFIER,
                created_at=now,
                due_at=now + timedelta(days=privacy_settings.RECIPIENT_DUE_DAYS),
                next_attempt_at=now if by_email else None,
            )
        )
    _insert(rows, action, [reference], now)
    return told


def enqueue(ids):
    from .tasks import deliver_notification

    for pk in ids:
        try:
            deliver_notification.enqueue(pk)
        except Exception as error:  # the queue down: privacy_tick delivers it later
            logger.warning("Could not enqueue recipient notification %s: %s", pk, error)


def sources_with_records(user, names):
    """Of the sources ``names``, those holding records of ``user``."""
    users = get_user_model()._default_manager.filter(pk=user.pk)
    found = []
    for source in registry.sources():
        if source.name not in names:
            continue
        count = source.count_for(users)
        if count is None:
            count = 1 if next(iter(source.records(user)), None) is not None else 0
        if count:
            found.append(source.name)
    return found


def received_sources():
    return {name for r in recipients() if r.active for name in r.source_names}


# --- Delivery ----------------------------------------------------------------------------


def _retry_delay(attempts):
    delays = list(privacy_settings.RECIPIENT_RETRY_SECONDS) or [60]
    return timedelta(seconds=delays[min(attempts, len(delays)) - 1])


def _claim(notification_id, now):
    """Take the next attempt of a pending notification that is due; False if another worker
    has it, or it is not due. The lease outlasts the attempt's timeout."""
    lease = now + timedelta(seconds=2 * privacy_settings.RECIPIENT_WEBHOOK_TIMEOUT + 60)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        RecipientNotification.objects.filter(
            due, pk=notification_id, status=NoticeStatus.PENDING
        ).update(next_attempt_at=lease, attempts=F("attempts") + 1)
    )


def deliver(notification_id, now=None):
    """Make one attempt at telling the recipient; returns the notification's status.

    A failure is recorded on the notification (tried again later, ``failed`` after
    ``RECIPIENT_MAX_ATTEMPTS``), never raised: the work that caused it is done.
    """
    now = now or timezone.now()
    if not _claim(notification_id, now):
        found = RecipientNotification.objects.filter(pk=notification_id).first()
        return found.status if found else ""
    notification = RecipientNotification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    try:
        if recipient is None or not recipient.active:
            raise webhook.DeliveryFailed("recipient removed or inactive")
        if recipient.delivery == Delivery.WEBHOOK:
            data = webhook.payload(notification, recipient.identifier)
            webhook.post(recipient.webhook_url, recipient.webhook_secret, data)
            notification.status = NoticeStatus.ACKNOWLEDGED
            notification.acknowledged_at = now
        else:
            _email(recipient, notification)
            notification.status = NoticeStatus.DELIVERED
        notification.delivered_at = now
        notification.identifier = ""  # sent: no longer needed here
        notification.next_attempt_at = None
        notification.last_error = ""
    except webhook.DeliveryFailed as error:
        _failed(notification, error.reason, now)
    except Exception as error:  # the mail server down, a template error: tried again
        _failed(notification, type(error).__name__, now)
    notification.save(
        update_fields=[
            "status",
            "acknowledged_at",
            "delivered_at",
            "identifier",
            "next_attempt_at",
            "last_error",
        ]
    )
    return notification.status


def _failed(notification, reason, now):
    notification.last_error = str(reason)[:200]
    if notification.attempts >= privacy_settings.RECIPIENT_MAX_ATTEMPTS:
        notification.status = NoticeStatus.FAILED
        notification.identifier = ""
        notification.next_attempt_at = None
    else:
        notification.next_attempt_at = now + _retry_delay(notification.attempts)
    logger.warning(
        "Recipient notification %s not delivered (attempt %s): %s",
        notification.pk,
        notification.attempts,
        notification.last_error,
    )


def _email(recipient, notification):
    context = {
        "recipient": recipient.name,
        "action": notification.action,
        "identifier": notification.identifier,
        "sources": [_label(name) for name in notification.sources],
        "fields": notification.fields,
        "due": notification.due_at,
        "ack_url": mail.site_root() + ack_path(notification),
    }
    mail.send(recipient.notify_email, "recipient_notice", context, default_language())


def _label(name):
    try:
        return str(registry.get(name).label)
    except KeyError:
        return name


def due_deliveries(now):
    return RecipientNotification.objects.filter(
        status=NoticeStatus.PENDING, next_attempt_at__lte=now
    )


# --- Acknowledgement ----------------------------------------------------------------------


def ack_token(notification):
    return signing.dumps({"n": notification.pk}, salt=ACK_SALT)


def ack_path(notification):
    return reverse("wagtail_privacy:recipient_ack", args=[ack_token(notification)])


class AckLinkInvalid(Exception):
    """``reason``: "invalid", "expired" or "used"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def notification_of(token):
    """The notification an acknowledgement link names; ``AckLinkInvalid`` otherwise."""
    max_age = timedelta(days=privacy_settings.RECIPIENT_ACK_LINK_DAYS)
    try:
        data = signing.loads(token or "", salt=ACK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise AckLinkInvalid("expired") from None
    except signing.BadSignature:
        raise AckLinkInvalid("invalid") from None
    notification = RecipientNotification.objects.filter(pk=data.get("n")).first()
    if notification is None:
        raise AckLinkInvalid("invalid")
    if notification.acknowledged_at is not None:
        raise AckLinkInvalid("used")
    return notification


def acknowledge(token, now=None):
    """Mark the notification of ``token`` acknowledged; the link works once."""
    notification = notification_of(token)
    now = now or timezone.now()
    updated = RecipientNotification.objects.filter(
        pk=notification.pk, acknowledged_at__isnull=True
    ).update(status=NoticeStatus.ACKNOWLEDGED, acknowledged_at=now, identifier="")
    if not updated:  # acknowledged meanwhile through another click
        raise AckLinkInvalid("used")
    notification.refresh_from_db()
    return notification


def overdue(now=None):
    """Notifications the recipient has not answered by their due date (those not told are
    not waiting for an answer)."""
    now = now or timezone.now()
    return RecipientNotification.objects.filter(status__in=UNANSWERED, due_at__lt=now)
