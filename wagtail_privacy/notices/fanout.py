"""Telling every affected customer about a version: batched, idempotent, resumable, parallel.

Notices are created in keyset-paginated batches with bulk inserts (one per customer and
version, enforced by a unique constraint). The background task (``tasks.notify_version`` →
``start``) creates them and, as each batch commits, enqueues a task that emails that batch's
customers (``tasks.send_notice_chunk`` → ``send_chunk``), so any number of task workers share
the work. ``fan_out`` does the same work in one process (``privacy_tick``, direct calls).

Emails are claimed a few at a time and recorded one at a time (``claims``): a worker that
dies, even by SIGKILL, leaves the one email it was sending unconfirmed (never sent again) and
the rest of its claims and its chunk for ``privacy_tick``, which sends them once no chunk has
claimed anything for ``NOTICE_TASKS_LOST_AFTER`` seconds. An exception records the email
failed (and stops the chunk if the mail connection is gone); an interrupt puts it back to
``pending``.

Each email is built once per version, kind and language, to bytes (``mail.PreparedEmail``);
per customer only To, Date and Message-ID are filled in, and one mail connection serves a
whole chunk.
"""

from datetime import timedelta
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.db import router, transaction
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.coreutils import get_content_languages

from .. import claims
from ..batching import batches
from ..conf import privacy_settings
from ..i18n import customer_languages
from ..policies.models import ChangeLevel, PolicyVersion
from ..signals import policy_change_notified
from . import emails
from .audience import audience
from .claims import STATE_FIELDS, Claims, recover
from .gate import not_bound_yet
from .models import ChangeNotice, EmailState, NoticeFanOut


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
    created = 0
    # Resumes after the last customer a killed run finished.
    for batch in batches(customers, _batch_size(batch_size), after=fan_out.last_user_id or None):
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


def translation_waits(version, now=None):
    """Who waits for a translation of ``version`` and until when, for the editors.

    {"languages": the content languages the version lacks while emails still wait for them,
    "deadline": when the wait ends (then those customers are emailed the default language's
    text and the version binds them ``NOTICE_DAYS`` after that), "customers": {language:
    notices waiting} (empty until the background task has created the notices)}.
    """
    languages = _waiting_for_translation(version, now or timezone.now())
    waiting = (
        pending_emails(version)
        .filter(language__in=languages)
        .values("language")
        .annotate(n=Count("pk"))
        .values_list("language", "n")
    )
    wait = timedelta(hours=privacy_settings.NOTICE_TRANSLATION_WAIT_HOURS)
    return {
        "languages": sorted(languages),
        "deadline": version.published_at + wait,
        "customers": dict(waiting) if languages else {},
    }


def pending_emails(version, kind=emails.CHANGE):
    state_field, _sent = STATE_FIELDS[kind]
    pending = ChangeNotice.objects.filter(version=version, **{state_field: EmailState.PENDING})
    # A retracted notice gets no email, but the one saying its version was withdrawn.
    return pending if kind == emails.WITHDRAWN else pending.filter(retracted_at__isnull=True)


def _sendable(version, kind, now):
    """The pending emails that may go now: (pk, language, address), in primary-key order.

    "Now in effect" waits for the version to bind the customer (``gate.not_bound_yet``).
    """
    email_field = get_user_model().get_email_field_name()
    pending = pending_emails(version, kind)
    if kind != emails.WITHDRAWN:  # that one goes at once, in whatever text there is
        pending = pending.exclude(language__in=_waiting_for_translation(version, now))
    if kind == emails.EFFECTIVE and (later := not_bound_yet(now)) is not None:
        pending = pending.exclude(later)
    return pending.order_by("pk").values_list("pk", "language", f"user__{email_field}")


def send_pending(version, kind=emails.CHANGE, *, batch_size=None, now=None):
    """Send the pending emails of ``kind`` for ``version`` in this process; (sent, failed).

    Customers whose language the version does not have yet wait for the translation, up to
    ``NOTICE_TRANSLATION_WAIT_HOURS`` after publication.
    """
    now = now or timezone.now()
    recover(version, kind, now - lost_after())
    sendable = _sendable(version, kind, now)
    sending = _Sending(version, kind)
    try:
        for rows in batches(sendable, _batch_size(batch_size), key=itemgetter(0)):
            sending.send(rows)
    finally:
        sending.close()
    return sending.sent, sending.failed


class _Sending(claims.Sending):
    """One run that sends notices of one version and kind over one mail connection."""

    def __init__(self, version, kind, links=None):
        self.templates = _Templates(version, kind, links)
        super().__init__(Claims(kind), lambda language: self.templates[language].prepared)


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


#: The fan-out's field that records when the tasks of each kind of later email were enqueued.
ENQUEUED_FIELDS = {
    emails.EFFECTIVE: "effective_enqueued_at",
    emails.REMINDER: "reminders_enqueued_at",
}


def start_effective(version_id, *, now=None, batch_size=None):
    """Enqueue a task per batch of customers owed the "now in effect" email of a version."""
    return start_pending(version_id, emails.EFFECTIVE, now=now, batch_size=batch_size)


def start_pending(version_id, kind, *, now=None, batch_size=None):
    """Enqueue a task per batch of customers whose ``kind`` email of a version is pending
    (``EFFECTIVE`` or ``REMINDER``).

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
    field = ENQUEUED_FIELDS[kind]
    taken = (
        NoticeFanOut.objects.filter(version=version)
        .filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": since}))
        .update(**{field: now})
    )
    if not taken:
        return None
    recover(version, kind, since)
    chunks = _Chunks(version, kind, _links(version))
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


def _unsettled(version):
    """The change emails still to send or claimed by a run that has not ended."""
    return ChangeNotice.objects.filter(version=version, retracted_at__isnull=True).filter(
        Q(email_state=EmailState.PENDING)
        | Q(email_state=EmailState.SENDING, claim_token__isnull=False)
    )


def _finish(version, created=None):
    """Mark the fan-out finished once every email is settled, and tell the host (once)."""
    if _unsettled(version).exists():
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
    if not _unsettled(version).exists():
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
    """Withdraw the notices of a superseded version: nothing pending is sent any more, and
    the customers already emailed about it are to be told it will not take effect
    (``start_withdrawn``). Returns how many notices were retracted."""
    now = now or timezone.now()
    notices = ChangeNotice.objects.filter(version=version)
    for state_field, _sent in STATE_FIELDS.values():
        notices.filter(**{state_field: EmailState.PENDING}).update(
            **{state_field: EmailState.RETRACTED}
        )
    # Told, or maybe told (unconfirmed): hearing that it will not happen does no harm.
    notices.filter(
        email_state__in=[EmailState.SENT, EmailState.SENDING],
        withdrawal_email_state=EmailState.NONE,
    ).update(withdrawal_email_state=EmailState.PENDING)
    return notices.filter(retracted_at__isnull=True).update(retracted_at=now)


def start_withdrawn(version_id, *, batch_size=None):
    """Enqueue a task per batch of customers to tell that ``version`` will not take effect;
    returns the number of tasks."""
    version = PolicyVersion.objects.select_related("policy").filter(pk=version_id).first()
    if version is None:
        return 0
    chunks = _Chunks(version, emails.WITHDRAWN, {})
    chunks.enqueue_pending(timezone.now(), batch_size)
    return chunks.count


def withdrawals_left(now):
    """Versions whose "will not take effect" emails are still pending though their tasks
    should have sent them (withdrawn, and nothing claimed, ``NOTICE_TASKS_LOST_AFTER`` ago)."""
    since = now - lost_after()
    pending = ChangeNotice.objects.filter(
        withdrawal_email_state=EmailState.PENDING, version__withdrawn_at__lt=since
    )
    versions = PolicyVersion.objects.filter(pk__in=pending.values("version_id")).exclude(
        notices__email_claimed_at__gte=since
    )
    return versions.select_related("policy")
