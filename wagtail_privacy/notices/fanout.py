"""Telling every affected customer about a version: batched, idempotent, resumable, parallel.

Notices are created in keyset-paginated batches with bulk inserts (one per customer and
version, enforced by a unique constraint). The background task (``tasks.notify_version`` →
``start``) creates them and, as each batch commits, enqueues a task that emails that batch's
customers (``tasks.send_notice_chunk`` → ``send_chunk``), so any number of task workers share
the work. ``fan_out`` does the same work in one process (``privacy_tick``, direct calls).

Each email is claimed in the database (state ``sending``, a claim token, its Message-ID)
before it is sent and recorded ``sent`` after, one notice at a time: the statement that
records one email claims the next. A worker that dies, even by SIGKILL, leaves at most the one
email it was sending in ``sending``; it is never sent again and is reported as unconfirmed.
The rest of its chunk is still ``pending``: ``privacy_tick`` sends it once no chunk has
claimed anything for ``NOTICE_TASKS_LOST_AFTER`` seconds. An exception records the email
failed (and stops the chunk if the mail connection is gone); an interrupt puts it back to
``pending``.

Each email is built once per version, kind and language, to bytes (``mail.PreparedEmail``);
per customer only To, Date and Message-ID are filled in, and one mail connection serves a
whole chunk.
"""

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail.utils import DNS_NAME
from django.db import connections, router, transaction
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.coreutils import get_content_languages

from .. import mail
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


def lost_after():
    """How long tasks may go without creating or claiming anything before they are presumed
    lost and privacy_tick sends what they left pending."""
    return timedelta(seconds=privacy_settings.NOTICE_TASKS_LOST_AFTER)


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


def create_notices(version, *, batch_size=None, on_batch=None):
    """Create the notices of ``version``, resuming after the last customer already done.

    ``on_batch(first, last)`` is called inside each batch's transaction with the primary keys
    of its first and last customer (``start`` enqueues the batch's emails on commit).
    """
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
            if on_batch is not None:
                on_batch(batch[0].pk, last)
        created += len(batch)
    fan_out.notices_created_at = timezone.now()
    fan_out.save(update_fields=["notices_created_at"])
    return created


class _Templates:
    """Messages per language, built on first use (with the links given, where given)."""

    def __init__(self, version, kind, links=None):
        self.version, self.kind, self.links, self.cache = version, kind, links or {}, {}
        self.previous = None

    def __getitem__(self, language):
        if language not in self.cache:
            links = self.links.get(language)
            if links is None and self.previous is None:
                self.previous = emails.previous_version(self.version) or False
            self.cache[language] = emails.build(
                self.version, language, self.kind, self.previous or None, links
            )
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


def _sendable(version, kind, now):
    """The pending emails that may go now: (pk, language, address), in primary-key order."""
    email_field = get_user_model().get_email_field_name()
    return (
        pending_emails(version, kind)
        .exclude(language__in=_waiting_for_translation(version, now))
        .order_by("pk")
        .values_list("pk", "language", f"user__{email_field}")
    )


def send_pending(version, kind=emails.CHANGE, *, batch_size=None, now=None):
    """Send the pending emails of ``kind`` for ``version`` in this process; (sent, failed).

    Customers whose language the version does not have yet wait for the translation, up to
    ``NOTICE_TRANSLATION_WAIT_HOURS`` after publication.
    """
    sendable = _sendable(version, kind, now or timezone.now())
    sending = _Sending(version, kind)
    last = 0
    try:
        while True:
            rows = list(sendable.filter(pk__gt=last)[: _batch_size(batch_size)])
            if not rows:
                break
            last = rows[-1][0]
            sending.send(rows)
    finally:
        sending.close()
    return sending.sent, sending.failed


class _Claims:
    """The email state of one sending run, one notice at a time, in plain SQL.

    ``claim`` takes a pending notice (state ``sending``, this run's token, the time and, for
    the change email, its Message-ID) and records the previous notice sent in the same
    statement: one round trip per email, and never more than one email in ``sending``.
    """

    def __init__(self, kind):
        self.kind = kind
        self.token = uuid.uuid4()
        self.connection = connections[router.db_for_write(ChangeNotice)]
        meta, ops = ChangeNotice._meta, self.connection.ops
        state_field, sent_field = STATE_FIELDS[kind]

        def column(name):
            return ops.quote_name(meta.get_field(name).column)

        table, pk = ops.quote_name(meta.db_table), column(meta.pk.name)
        state, sent_at, claimed_at = (
            column(state_field),
            column(sent_field),
            column("email_claimed_at"),
        )
        token, retracted = column("claim_token"), column("retracted_at")
        self.token_value = meta.get_field("claim_token").get_db_prep_value(
            self.token, self.connection
        )
        self.with_id = kind == emails.CHANGE
        set_id = f", {column('message_id')} = %s" if self.with_id else ""
        record_id = (
            f", {column('message_id')} = CASE WHEN {pk} = %s "
            f"THEN {column('message_id')} ELSE %s END"
            if self.with_id
            else ""
        )
        self.claim_sql = (
            f"UPDATE {table} SET {state} = %s, {token} = %s, {claimed_at} = %s{set_id} "
            f"WHERE {pk} = %s AND {state} = %s AND {retracted} IS NULL"
        )
        self.record_and_claim_sql = (
            f"UPDATE {table} SET "
            f"{state} = CASE WHEN {pk} = %s THEN %s ELSE %s END, "
            f"{sent_at} = CASE WHEN {pk} = %s THEN %s ELSE {sent_at} END, "
            f"{token} = %s, "
            f"{claimed_at} = CASE WHEN {pk} = %s THEN {claimed_at} ELSE %s END{record_id} "
            f"WHERE ({pk} = %s AND {token} = %s AND {state} = %s) "
            f"OR ({pk} = %s AND {state} = %s AND {retracted} IS NULL)"
        )
        self.record_sql = (
            f"UPDATE {table} SET {state} = %s, {sent_at} = %s "
            f"WHERE {pk} = %s AND {token} = %s AND {state} = %s"
        )
        self.fail_sql = (
            f"UPDATE {table} SET {state} = %s, {column('failure_reason')} = %s "
            f"WHERE {pk} = %s AND {token} = %s AND {state} = %s"
        )
        self.release_sql = (
            f"UPDATE {table} SET {state} = %s, {token} = NULL, {claimed_at} = NULL "
            f"WHERE {pk} = %s AND {token} = %s AND {state} = %s"
        )
        self.cursor = None

    def _execute(self, sql, params):
        if self.cursor is None:
            self.cursor = self.connection.cursor()
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def _now(self):
        return self.connection.ops.adapt_datetimefield_value(timezone.now())

    def message_id(self, pk):
        if self.with_id:
            return f"<privacy.{pk}.{self.token.hex}@{DNS_NAME}>"
        return mail.new_message_id()

    def claim(self, pk, message_id, sent=None):
        """Claim notice ``pk`` (after recording notice ``sent`` sent); whether it was ours."""
        now, token = self._now(), self.token_value
        pending, sending = EmailState.PENDING.value, EmailState.SENDING.value
        if sent is None:
            params = [sending, token, now] + ([message_id] if self.with_id else [])
            return self._execute(self.claim_sql, [*params, pk, pending]) == 1
        params = [sent, EmailState.SENT.value, sending, sent, now, token, sent, now]
        if self.with_id:
            params += [sent, message_id]
        params += [sent, token, sending, pk, pending]
        # The notice ``sent`` is ours, so it is always updated; ``pk`` only if still pending.
        return self._execute(self.record_and_claim_sql, params) == 2

    def record(self, pk):
        sending = EmailState.SENDING.value
        self._execute(
            self.record_sql, [EmailState.SENT.value, self._now(), pk, self.token_value, sending]
        )

    def fail(self, pk, reason):
        sending = EmailState.SENDING.value
        params = [EmailState.FAILED.value, reason[:500], pk, self.token_value, sending]
        self._execute(self.fail_sql, params)

    def release(self, pk):
        params = [EmailState.PENDING.value, pk, self.token_value, EmailState.SENDING.value]
        self._execute(self.release_sql, params)

    def close(self):
        if self.cursor is not None:
            self.cursor.close()
            self.cursor = None


class _Sending:
    """One run that sends notices of one version and kind over one mail connection."""

    def __init__(self, version, kind, links=None):
        self.templates = _Templates(version, kind, links)
        self.claims = _Claims(kind)
        self.outbox = mail.Outbox()
        self.sent = self.failed = 0

    def send(self, rows):
        """Claim, send and record each of ``rows`` (pk, language, address) in turn."""
        claims, outbox, done = self.claims, self.outbox, None
        try:
            for pk, language, address in rows:
                prepared = self.templates[language].prepared  # built before anything is claimed
                outbox.open()  # a server that is down fails here, before any claim
                message_id = claims.message_id(pk)
                claimed = claims.claim(pk, message_id, sent=done)
                done = None
                if not claimed:
                    continue  # another run has it
                try:
                    if not address:
                        raise ValueError("no email address")
                    outbox.send(prepared, address, message_id)
                except Exception as error:
                    claims.fail(pk, f"{type(error).__name__}: {error}")
                    self.failed += 1
                    if mail.connection_lost(error):
                        raise  # the rest stays pending, for a later run
                except BaseException:
                    claims.release(pk)  # interrupted before it went out: back to the queue
                    raise
                else:
                    done = pk
                    self.sent += 1
        finally:
            if done is not None:
                claims.record(done)

    def close(self):
        try:
            self.outbox.close()
        finally:
            self.claims.close()


def send_chunk(version_id, kind, first, last, *, links=None, now=None):
    """Send the pending emails of ``kind`` to the customers ``first``..``last`` (primary keys).

    The work of one chunk task; safe to run twice or beside another run. ``links`` are the
    version's URLs per language (``emails.links_by_language``), computed once by ``start``.
    The chunk that leaves nothing pending marks the fan-out finished.
    """
    version = PolicyVersion.objects.select_related("policy").filter(pk=version_id).first()
    if version is None:
        return {"emailed": 0, "failed": 0}
    rows = _sendable(version, kind, now or timezone.now()).filter(
        user_id__gte=first, user_id__lte=last
    )
    sending = _Sending(version, kind, links)
    try:
        sending.send(list(rows))
    finally:
        sending.close()
    if kind == emails.CHANGE:
        _finish(version)
    return {"emailed": sending.sent, "failed": sending.failed}


def _enqueue_chunk(version_id, kind, first, last, links):
    from .tasks import send_notice_chunk

    send_notice_chunk.enqueue(version_id, kind, str(first), str(last), links=links)


def start(version_id, *, batch_size=None):
    """Create the notices of one version and enqueue a task per batch to email them.

    Run again (a translation joined, a crash, a duplicate task), it enqueues tasks for the
    emails still pending. Returns {"notices": created, "chunks": tasks enqueued}.
    """
    version = PolicyVersion.objects.select_related("policy").filter(pk=version_id).first()
    if version is None or not notifies(version):
        return {"notices": 0, "chunks": 0}
    major = version.change_level == ChangeLevel.MAJOR
    chunks = _Chunks(version, emails.CHANGE, _links(version) if major else {})
    created = create_notices(
        version, batch_size=batch_size, on_batch=chunks.enqueue if major else None
    )
    if major and not created:
        # The notices were there already: queue what is still to send, by customer range.
        chunks.enqueue_pending(timezone.now(), batch_size)
    if not chunks.count:
        _finish(version, created)
    return {"notices": created, "chunks": chunks.count}


def start_effective(version_id, *, now=None, batch_size=None):
    """Enqueue a task per batch of customers owed the "now in effect" email of a version.

    Left alone while tasks enqueued before may still be at work (enqueued or claiming
    within ``NOTICE_TASKS_LOST_AFTER``); returns the number of tasks enqueued, or None when
    they were left alone.
    """
    now = now or timezone.now()
    since = now - lost_after()
    version = PolicyVersion.objects.select_related("policy").filter(pk=version_id).first()
    if version is None:
        return 0
    if ChangeNotice.objects.filter(version=version, email_claimed_at__gte=since).exists():
        return None
    # The update is the guard: of two ticks at once, one enqueues.
    taken = (
        NoticeFanOut.objects.filter(version=version)
        .filter(Q(effective_enqueued_at__isnull=True) | Q(effective_enqueued_at__lt=since))
        .update(effective_enqueued_at=now)
    )
    if not taken:
        return None
    chunks = _Chunks(version, emails.EFFECTIVE, _links(version))
    chunks.enqueue_pending(now, batch_size)
    return chunks.count


def _links(version):
    languages = get_content_languages()
    return emails.links_by_language(version, languages, emails.previous_version(version))


class _Chunks:
    """The email tasks of one version and kind, each enqueued when its batch commits."""

    def __init__(self, version, kind, links):
        self.version, self.kind, self.links, self.count = version, kind, links, 0

    def enqueue(self, first, last):
        self.count += 1
        args = (self.version.pk, self.kind, first, last, self.links)
        transaction.on_commit(
            lambda: _enqueue_chunk(*args), using=router.db_for_write(ChangeNotice)
        )

    def enqueue_pending(self, now, batch_size=None):
        """A task per batch of the customers whose email is still pending, by customer range."""
        customers = (
            _sendable(self.version, self.kind, now)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        last = None
        while True:
            page = customers if last is None else customers.filter(user_id__gt=last)
            ids = list(page[: _batch_size(batch_size)])
            if not ids:
                break
            last = ids[-1]
            self.enqueue(ids[0], last)


def _finish(version, created=None):
    """Mark the fan-out finished once nothing is pending, and tell the host (once)."""
    if pending_emails(version).exists():
        return False
    finished = NoticeFanOut.objects.filter(version=version, finished_at__isnull=True).update(
        finished_at=timezone.now()
    )
    if finished:
        counts = ChangeNotice.objects.filter(version=version).aggregate(
            notices=Count("pk"),
            emailed=Count("pk", filter=Q(email_state=EmailState.SENT)),
            failed=Count("pk", filter=Q(email_state=EmailState.FAILED)),
        )
        if created is not None:
            counts["notices"] = created
        policy_change_notified.send(sender=PolicyVersion, version=version, **counts)
    return bool(finished)


def fan_out(version_id, *, batch_size=None):
    """Create and email the notices of one version in this process; safe to run again."""
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


def in_progress(version, now=None):
    """Whether tasks may still be at work on the fan-out of ``version``: it started, its
    notices were created or an email was claimed less than ``NOTICE_TASKS_LOST_AFTER`` ago."""
    since = (now or timezone.now()) - lost_after()
    fan = NoticeFanOut.objects.filter(version=version).first()
    if fan is None:
        return False
    if (fan.notices_created_at or fan.started_at) >= since:
        return True
    return ChangeNotice.objects.filter(version=version, email_claimed_at__gte=since).exists()


def retract(version, now=None):
    """Withdraw the notices of a superseded version: nothing pending is sent any more."""
    now = now or timezone.now()
    notices = ChangeNotice.objects.filter(version=version)
    for state_field, _sent in STATE_FIELDS.values():
        notices.filter(**{state_field: EmailState.PENDING}).update(
            **{state_field: EmailState.RETRACTED}
        )
    return notices.filter(retracted_at__isnull=True).update(retracted_at=now)
