"""Telling every affected customer about a version: batched, idempotent, resumable.

Notices are created in keyset-paginated batches with bulk inserts (one per customer and
version, enforced by a unique constraint). Emails are sent in batches too: a batch is claimed
(state ``sending``, a claim token, a Message-ID per notice) before anything is sent, and the
outcome recorded after; an exception mid-batch releases what was not sent. A notice left
``sending`` by a hard crash is never sent again: it is reported as unconfirmed.
"""

import uuid
from datetime import timedelta
from email.utils import make_msgid

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from wagtail.coreutils import get_content_languages

from ..conf import privacy_settings
from ..policies.models import ChangeLevel, PolicyVersion
from ..signals import policy_change_notified
from . import emails
from .audience import audience, customer_languages
from .models import ChangeNotice, EmailState, NoticeFanOut

STATE_FIELDS = {
    emails.CHANGE: ("email_state", "emailed_at"),
    emails.EFFECTIVE: ("effective_email_state", "effective_emailed_at"),
}


def _batch_size(batch_size=None):
    return batch_size or privacy_settings.NOTICE_BATCH_SIZE


def notifies(version, now=None):
    """Whether customers hear of ``version``: not editorial, not withdrawn, not outdated.

    A version that a newer one has already replaced in effect is history, not news.
    """
    if version.change_level == ChangeLevel.EDITORIAL or version.withdrawn_at is not None:
        return False
    return not PolicyVersion.objects.filter(
        policy_id=version.policy_id,
        number__gt=version.number,
        withdrawn_at__isnull=True,
        effective_at__lte=now or timezone.now(),
    ).exists()


def create_notices(version, *, batch_size=None):
    """Create the notices of ``version``, resuming after the last customer already done."""
    fan_out, _created = NoticeFanOut.objects.get_or_create(version=version)
    if fan_out.notices_created_at is not None:
        return 0
    major = version.change_level == ChangeLevel.MAJOR
    email_state = EmailState.PENDING if major else EmailState.NONE
    effective_state = (
        EmailState.PENDING if major and privacy_settings.EMAIL_WHEN_EFFECTIVE else EmailState.NONE
    )
    customers = audience(version).order_by("pk")
    last = fan_out.last_user_id
    created = 0
    while True:
        page = customers.filter(pk__gt=last) if last != "" else customers
        batch = list(page[: _batch_size(batch_size)])
        if not batch:
            break
        languages = customer_languages(batch)
        with transaction.atomic():
            ChangeNotice.objects.bulk_create(
                [
                    ChangeNotice(
                        version=version,
                        user=user,
                        language=languages[user.pk],
                        email_state=email_state,
                        effective_email_state=effective_state,
                    )
                    for user in batch
                ],
                ignore_conflicts=True,
            )
            last = batch[-1].pk
            fan_out.last_user_id = str(last)
            fan_out.save(update_fields=["last_user_id"])
        created += len(batch)
    fan_out.notices_created_at = timezone.now()
    fan_out.save(update_fields=["notices_created_at"])
    return created


class _Templates:
    """Messages per language, built on first use."""

    def __init__(self, version, kind):
        self.version, self.kind, self.cache = version, kind, {}
        self.previous = (
            PolicyVersion.objects.filter(
                policy_id=version.policy_id,
                number__lt=version.number,
                withdrawn_at__isnull=True,
            )
            .order_by("-number")
            .first()
        )

    def __getitem__(self, language):
        if language not in self.cache:
            self.cache[language] = emails.build(self.version, language, self.kind, self.previous)
        return self.cache[language]


def _waiting_for_translation(version, now):
    """Languages the version lacks while its translation may still come; () once waited out."""
    wait = timedelta(hours=privacy_settings.NOTICE_TRANSLATION_WAIT_HOURS)
    if now >= version.published_at + wait:
        return ()
    available = set(version.texts.values_list("locale__language_code", flat=True))
    return tuple(set(get_content_languages()) - available)


def pending_emails(version, kind=emails.CHANGE):
    state_field, _sent = STATE_FIELDS[kind]
    return ChangeNotice.objects.filter(
        version=version, retracted_at__isnull=True, **{state_field: EmailState.PENDING}
    )


def send_pending(version, kind=emails.CHANGE, *, batch_size=None, now=None):
    """Send the pending emails of ``kind`` for ``version``; returns (sent, failed).

    Customers whose language the version does not have yet wait for the translation, up to
    ``NOTICE_TRANSLATION_WAIT_HOURS`` after publication.
    """
    now = now or timezone.now()
    templates = _Templates(version, kind)
    pending = pending_emails(version, kind).exclude(
        language__in=_waiting_for_translation(version, now)
    )
    sent_total = failed_total = 0
    last = 0
    connection = get_connection()
    while True:
        ids = list(
            pending.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[: _batch_size(batch_size)]
        )
        if not ids:
            break
        last = ids[-1]
        sent, failed = _send_batch(version, ids, kind, templates, connection)
        sent_total += sent
        failed_total += failed
    return sent_total, failed_total


def _send_batch(version, ids, kind, templates, connection):
    state_field, sent_field = STATE_FIELDS[kind]
    token = uuid.uuid4()
    now = timezone.now()
    mine = ChangeNotice.objects.filter(version=version, claim_token=token)
    claim = {state_field: EmailState.SENDING, "claim_token": token, "email_claimed_at": now}
    if kind == emails.CHANGE:
        # Message-IDs are written with the claim, before anything is sent, in one statement.
        claim["message_id"] = Concat(
            Value("<privacy."),
            Cast("pk", CharField()),
            Value(f".{token.hex}@{DNS_NAME}>"),
            output_field=CharField(),
        )
    ChangeNotice.objects.filter(
        pk__in=ids, retracted_at__isnull=True, **{state_field: EmailState.PENDING}
    ).update(**claim)
    email_field = get_user_model().get_email_field_name()
    claimed = list(
        mine.filter(**{state_field: EmailState.SENDING})
        .select_related("user")
        .only("id", "language", "message_id", "user__id", f"user__{email_field}")
        .order_by("pk")
    )
    done, failed = [], []
    try:
        connection.open()
        for notice in claimed:
            address = getattr(notice.user, email_field, "")
            message_id = notice.message_id or make_msgid("privacy", domain=str(DNS_NAME))
            try:
                if not address:
                    raise ValueError("no email address")
                templates[notice.language].message(address, message_id, connection).send()
            except Exception as error:  # noqa: BLE001 - recorded as the failure reason
                setattr(notice, state_field, EmailState.FAILED)
                notice.failure_reason = f"{type(error).__name__}: {error}"[:500]
                failed.append(notice)
            else:
                done.append(notice.pk)
    finally:
        connection.close()
        if done:
            mine.filter(pk__in=done).update(
                **{state_field: EmailState.SENT, sent_field: timezone.now()}
            )
        if failed:
            ChangeNotice.objects.bulk_update(failed, [state_field, "failure_reason"])
        # Whatever this run claimed but did not get to goes back to the queue.
        mine.filter(**{state_field: EmailState.SENDING}).exclude(
            pk__in=done + [n.pk for n in failed]
        ).update(**{state_field: EmailState.PENDING}, claim_token=None, email_claimed_at=None)
    return len(done), len(failed)


def fan_out(version_id, *, batch_size=None):
    """Create and email the notices of one version; safe to run again or after a crash."""
    version = PolicyVersion.objects.select_related("policy").filter(pk=version_id).first()
    if version is None or not notifies(version):
        return {"notices": 0, "emailed": 0, "failed": 0}
    created = create_notices(version, batch_size=batch_size)
    sent, failed = send_pending(version, emails.CHANGE, batch_size=batch_size)
    if not pending_emails(version).exists():
        NoticeFanOut.objects.filter(version=version, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
    policy_change_notified.send(
        sender=PolicyVersion, version=version, notices=created, emailed=sent, failed=failed
    )
    return {"notices": created, "emailed": sent, "failed": failed}


def retract(version, now=None):
    """Withdraw the notices of a superseded version: nothing pending is sent any more."""
    now = now or timezone.now()
    notices = ChangeNotice.objects.filter(version=version)
    for state_field, _sent in STATE_FIELDS.values():
        notices.filter(**{state_field: EmailState.PENDING}).update(
            **{state_field: EmailState.RETRACTED}
        )
    return notices.filter(retracted_at__isnull=True).update(retracted_at=now)
