"""Consent: recording grants and withdrawals, reading the current state, and ``has_consent``.

The ledger is append-only; the current state of a subject is the latest record per purpose
and channel, read in one query however long the history. ``has_consent`` answers from the
cache and is refreshed as soon as anything changes, so a withdrawal counts at once.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import NotFound, PrivacyError
from ..notices.acceptance import minimise_ip
from ..policies.resolution import default_language
from .models import Channel, ConsentPurpose, ConsentRecord, ConsentSource, email_hash

STATE_KEY = "wagtail_privacy:consent:v1:{}"
STATE_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Subject:
    """Whose consent: a signed-in customer, or an email address (guests, newsletter sign-ups)."""

    user: object = None
    email: str = ""

    @classmethod
    def of(cls, user_or_email):
        if isinstance(user_or_email, cls):
            return user_or_email
        if isinstance(user_or_email, str):
            return cls(email=user_or_email.strip().lower())
        return cls(user=user_or_email)

    @property
    def cache_key(self):
        if self.user is not None:
            return STATE_KEY.format(f"u{self.user.pk}")
        return STATE_KEY.format(f"g{email_hash(self.email)}")

    def records(self):
        if self.user is not None:
            return ConsentRecord.objects.filter(user=self.user)
        return ConsentRecord.objects.filter(user__isnull=True, email_sha256=email_hash(self.email))


def purposes(language=None, *, include_retired=False):
    """One purpose per key, in ``language`` (else the default language, else any)."""
    language = language or default_language()
    preferred = [language, default_language()]
    chosen = {}
    queryset = ConsentPurpose.objects.select_related("locale")
    if not include_retired:
        queryset = queryset.filter(retired=False)
    for purpose in queryset:
        code = purpose.locale.language_code
        rank = preferred.index(code) if code in preferred else len(preferred)
        held = chosen.get(purpose.key)
        if held is None or rank < held[0]:
            chosen[purpose.key] = (rank, purpose)
    return sorted((p for _rank, p in chosen.values()), key=lambda p: (p.sort_order, p.key))


def get_purpose(key, language=None):
    for purpose in purposes(language, include_retired=True):
        if purpose.key == key:
            return purpose
    raise NotFound(
        _("There is no consent purpose “%(key)s”.") % {"key": str(key)[:64]},
        code="unknown_purpose",
    )


def current_records(subject):
    """The latest record per (purpose, channel) of ``subject``: one query."""
    subject = Subject.of(subject)
    latest = subject.records().values("purpose_key", "channel").annotate(last=Max("pk"))
    return {
        (r.purpose_key, r.channel): r
        for r in ConsentRecord.objects.filter(pk__in=latest.values("last"))
    }


def state(subject):
    """{(purpose, channel): granted} from the cache, or one query."""
    subject = Subject.of(subject)
    cached = cache.get(subject.cache_key)
    if cached is None:
        cached = {key: r.granted for key, r in current_records(subject).items()}
        cache.set(subject.cache_key, cached, STATE_TIMEOUT)
    return cached


def has_consent(subject, purpose, channel):
    """Whether ``subject`` currently agrees to ``purpose`` by ``channel`` (for host mailers)."""
    return state(subject).get((purpose, channel), False)


def _forget(subject):
    cache.delete(subject.cache_key)
    transaction.on_commit(lambda: cache.delete(subject.cache_key))


def _privacy_policy_version(now):
    from ..policies.models import PolicyVersion

    return (
        PolicyVersion.objects.filter(
            policy__kind="privacy", withdrawn_at__isnull=True, effective_at__lte=now
        )
        .order_by("-effective_at", "-number")
        .first()
    )


def record(subject, purpose_key, channel, granted, *, source, ip=None, user_agent="", now=None):
    """Append a grant or withdrawal when it changes the state; returns the record or None."""
    return set_channels(
        subject,
        purpose_key,
        {channel: granted},
        source=source,
        ip=ip,
        user_agent=user_agent,
        now=now,
    ).get(channel)


def set_channels(subject, purpose_key, channels, *, source, ip=None, user_agent="", now=None):
    """Set several channels of one purpose at once; returns {channel: new record}."""
    subject = Subject.of(subject)
    if source not in ConsentSource.values:
        raise PrivacyError(_("Unknown consent source."), code="invalid_input", status=422)
    purpose = get_purpose(purpose_key)
    for channel, granted in channels.items():
        if channel not in Channel.values or channel not in purpose.channels:
            raise PrivacyError(
                _("“%(purpose)s” is not offered by “%(channel)s”.")
                % {"purpose": purpose.key, "channel": str(channel)[:20]},
                code="unknown_channel",
                status=422,
            )
        if granted and purpose.retired:
            raise PrivacyError(
                _("“%(purpose)s” is no longer offered.") % {"purpose": purpose.key},
                code="purpose_retired",
                status=409,
            )
    now = now or timezone.now()
    created = {}
    with transaction.atomic():
        current = current_records(subject)
        policy_version = _privacy_policy_version(now)
        for channel, granted in channels.items():
            last = current.get((purpose.key, channel))
            if (last.granted if last else False) == bool(granted):
                continue  # no change, nothing to prove
            created[channel] = _new_record(
                subject,
                purpose.key,
                purpose,
                channel,
                granted,
                source=source,
                policy_version=policy_version,
                at=now,
                ip=ip,
                user_agent=user_agent,
            )
            created[channel].save()
        _forget(subject)
    return created


def withdraw_all(subject, *, source, ip=None, user_agent=""):
    """Withdraw every consent the subject has given; returns the new records."""
    subject = Subject.of(subject)
    granted = [key for key, r in current_records(subject).items() if r.granted]
    records = []
    with transaction.atomic():
        for purpose_key, channel in granted:
            records.append(
                record(
                    subject,
                    purpose_key,
                    channel,
                    False,
                    source=source,
                    ip=ip,
                    user_agent=user_agent,
                )
            )
    return [r for r in records if r]


def withdraw_all_of(users, *, source, now=None):
    """``withdraw_all`` for many customers at once (erasure sweeps): a few queries a batch."""
    now = now or timezone.now()
    by_pk = {user.pk: user for user in users}
    latest = (
        ConsentRecord.objects.filter(user__in=list(by_pk))
        .values("user", "purpose_key", "channel")
        .annotate(last=Max("pk"))
    )
    granted = list(ConsentRecord.objects.filter(pk__in=latest.values("last"), granted=True))
    if not granted:
        return []
    known = {purpose.key: purpose for purpose in purposes(include_retired=True)}
    policy_version = _privacy_policy_version(now)
    records = [
        _new_record(
            Subject.of(by_pk[grant.user_id]),
            grant.purpose_key,
            # A purpose deleted since: withdrawn under the wording that was agreed to.
            known.get(grant.purpose_key, grant),
            grant.channel,
            False,
            source=source,
            policy_version=policy_version,
            at=now,
        )
        for grant in granted
    ]
    with transaction.atomic():
        ConsentRecord.objects.bulk_create(records)
        keys = {Subject.of(by_pk[grant.user_id]).cache_key for grant in granted}
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
    return records


def _new_record(
    subject,
    purpose_key,
    wording,
    channel,
    granted,
    *,
    source,
    policy_version,
    at,
    ip=None,
    user_agent="",
):
    """An unsaved ledger record of ``subject``'s decision under ``wording`` (a purpose, or an
    earlier record: anything with ``wording_version`` and ``wording_sha256``)."""
    return ConsentRecord(
        user=subject.user,
        email=subject.email if subject.user is None else "",
        email_sha256=email_hash(subject.email) if subject.user is None else "",
        purpose_key=purpose_key,
        channel=channel,
        granted=bool(granted),
        wording_version=wording.wording_version,
        wording_sha256=wording.wording_sha256,
        policy_version=policy_version,
        at=at,
        source=source,
        ip_address=minimise_ip(ip),
        user_agent=(user_agent or "")[:512],
    )


def join_guest(user):
    """Carry a guest's consents (given with the user's email) over to the account.

    Call it once the user has proved the address is theirs. The guest records stay as they
    are; the account gets records of its own (source ``joined``) where its state differs.
    """
    address = getattr(user, user.get_email_field_name(), "")
    if not address:
        return []
    guest = current_records(Subject.of(address))
    mine = current_records(Subject.of(user))
    joined = []
    with transaction.atomic():
        for key, guest_record in sorted(guest.items(), key=lambda item: item[1].pk):
            own = mine.get(key)
            if own is not None and own.pk > guest_record.pk:
                continue  # the account decided later
            if own is not None and own.granted == guest_record.granted:
                continue
            joined.append(
                ConsentRecord.objects.create(
                    user=user,
                    purpose_key=guest_record.purpose_key,
                    channel=guest_record.channel,
                    granted=guest_record.granted,
                    wording_version=guest_record.wording_version,
                    wording_sha256=guest_record.wording_sha256,
                    policy_version=guest_record.policy_version,
                    at=timezone.now(),
                    source=ConsentSource.JOINED,
                )
            )
        _forget(Subject.of(user))
    return joined


def history(subject):
    return Subject.of(subject).records().order_by("-at", "-pk")
