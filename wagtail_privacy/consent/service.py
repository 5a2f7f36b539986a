"""Consent: recording grants and withdrawals, reading the current state, and ``has_consent``.

The ledger is append-only; the current state of a subject is the latest record per purpose
and channel, read in one query however long the history. ``has_consent`` answers from the
cache and is refreshed as soon as anything changes, so a withdrawal counts at once.

A grant counts while it is live: not given to an earlier wording of a purpose that renews on
wording changes, and not older than the purpose's ``valid_for``. The cache holds each grant's
wording version and date, and the purposes' rules apart (forgotten when a purpose is saved),
so neither a new wording nor the passing of time hides behind a cached answer.

Purposes based on legitimate interest are the other way round: they count unless the
subject objected (a record with ``objection`` set), per channel; an objection to direct
marketing is final. A customer who restricted processing (``restriction``) has the purposes
``suspended_by_restriction`` paused, their choices kept; the cached state says so too.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..client import minimise_ip
from ..conf import privacy_settings
from ..exceptions import NotFound, PrivacyError
from ..i18n import default_language, one_per_key
from ..periods import Period
from ..restriction import current as current_restriction
from ..signals import objected
from .models import Channel, ConsentPurpose, ConsentRecord, ConsentSource, LegalBasis, email_hash

# v3: the grants, the refusals (objections) and whether processing is restricted.
STATE_KEY = "wagtail_privacy:consent:v3:{}"
STATE_TIMEOUT = 24 * 3600
RULES_KEY = "wagtail_privacy:consent:rules:v2"
# Saving a purpose forgets the rules at once; this bounds a stale copy written by a reader
# that raced the save.
RULES_TIMEOUT = 600

#: Why a grant no longer counts.
WORDING_CHANGED = "wording_changed"
EXPIRED = "expired"


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
        if not self.email:
            return ConsentRecord.objects.none()  # not the erased records, whose hash is blank
        return ConsentRecord.objects.filter(user__isnull=True, email_sha256=email_hash(self.email))


def purposes(language=None, *, include_retired=False):
    """One purpose per key, in ``language`` (else the default language, else any)."""
    queryset = ConsentPurpose.objects.select_related("locale")
    if not include_retired:
        queryset = queryset.filter(retired=False)
    return sorted(one_per_key(queryset, language), key=lambda p: (p.sort_order, p.key))


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


@dataclass(frozen=True)
class Rule:
    """What decides whether a grant of a purpose still counts: the default-language purpose's
    (the one grants are recorded under, ``get_purpose``)."""

    renew_on_wording_change: bool
    wording_version: int
    valid_for: str  # "" : never expires
    objectable: bool = False  # legitimate interest: counts unless objected to
    suspended_by_restriction: bool = False
    offered: tuple = ()  # channels, none when retired

    @classmethod
    def of(cls, purpose):
        return cls(
            purpose.renew_on_wording_change,
            purpose.wording_version,
            purpose.valid_for,
            purpose.objectable,
            purpose.suspended_by_restriction,
            () if purpose.retired else tuple(purpose.channels),
        )


@dataclass(frozen=True)
class SubjectState:
    """What is cached per subject: {(purpose, channel): (wording version, granted at)} of the
    standing grants, the (purpose, channel) whose latest record refuses (withdrawal or
    objection), and whether the customer restricted processing."""

    grants: dict
    refused: frozenset = frozenset()
    restricted: bool = False


@dataclass(frozen=True)
class Standing:
    """A grant judged at one moment: ``lapsed`` says why it no longer counts ("" if it does);
    ``expires_at``, when it stops (stopped) counting for its age."""

    lapsed: str = ""
    agreed_version: int | None = None
    current_version: int | None = None
    expires_at: datetime | None = None

    @property
    def counts(self):
        return not self.lapsed


@lru_cache(maxsize=64)
def _period(code):
    return Period.parse(code)


def judge(rule, wording_version, granted_at, now):
    """The ``Standing`` at ``now`` of a grant of ``wording_version`` given at ``granted_at``
    (``rule`` None: a purpose deleted since, whose grants count as before)."""
    if rule is None:
        return Standing()
    expires_at = _period(rule.valid_for).after(granted_at) if rule.valid_for else None
    lapsed = ""
    if rule.renew_on_wording_change and wording_version != rule.wording_version:
        lapsed = WORDING_CHANGED
    elif expires_at is not None and expires_at <= now:
        lapsed = EXPIRED
    return Standing(lapsed, wording_version, rule.wording_version, expires_at)


def renewal_window():
    """How long before a grant expires the customer is asked to renew it, and may."""
    return timedelta(days=privacy_settings.CONSENT_RENEWAL_NOTICE_DAYS)


def rules():
    """{purpose key: ``Rule``} from the cache, or one query."""
    found = cache.get(RULES_KEY)
    return found if found is not None else _load_rules()


def _load_rules():
    found = {p.key: Rule.of(p) for p in purposes(default_language(), include_retired=True)}
    cache.set(RULES_KEY, found, RULES_TIMEOUT)
    return found


def forget_rules():
    """Called when a purpose is saved or deleted (``consent.receivers``)."""
    cache.delete(RULES_KEY)
    transaction.on_commit(lambda: cache.delete(RULES_KEY))


def _load_state(subject):
    current = current_records(subject)
    found = SubjectState(
        grants={key: (r.wording_version, r.at) for key, r in current.items() if r.granted},
        refused=frozenset(key for key, r in current.items() if not r.granted),
        restricted=current_restriction(subject.user) is not None,
    )
    cache.set(subject.cache_key, found, STATE_TIMEOUT)
    return found


def _state_and_rules(subject):
    """(``SubjectState``, rules): one cache round trip in steady state."""
    found = cache.get_many([subject.cache_key, RULES_KEY])
    held = found.get(subject.cache_key)
    if held is None:
        held = _load_state(subject)
    known = found.get(RULES_KEY)
    if known is None:
        known = _load_rules()
    return held, known


def suspended(rule, held):
    """Whether a restriction of processing pauses the purpose of ``rule`` for ``held``."""
    return held.restricted and rule is not None and rule.suspended_by_restriction


def _counts(held, rule, key, now):
    if suspended(rule, held):
        return False
    if rule is not None and rule.objectable:
        return key[1] in rule.offered and key not in held.refused
    grant = held.grants.get(key)
    return grant is not None and judge(rule, grant[0], grant[1], now).counts


def state(subject, now=None):
    """{(purpose, channel): whether it counts} for every standing grant of ``subject``
    (withdrawn ones are absent), from the cache."""
    subject = Subject.of(subject)
    now = now or timezone.now()
    held, known = _state_and_rules(subject)
    return {key: _counts(held, known.get(key[0]), key, now) for key in held.grants}


def has_consent(subject, purpose, channel, now=None):
    """Whether ``subject``'s data may be used for ``purpose`` by ``channel`` (for host mailers).

    A consent purpose: granted, and the grant still counts (current wording if the purpose
    renews on wording changes; not expired). A purpose based on legitimate interest: offered
    by ``channel`` and not objected to. Either way, not while the customer restricted
    processing, if the purpose is paused by a restriction."""
    subject = Subject.of(subject)
    held, known = _state_and_rules(subject)
    return _counts(held, known.get(purpose), (purpose, channel), now or timezone.now())


def standing(record, purpose, now=None):
    """The ``Standing`` of the latest ``record`` of a purpose (None if it is not a grant)."""
    if record is None or not record.granted:
        return None
    rule = Rule.of(purpose) if purpose is not None else None
    return judge(rule, record.wording_version, record.at, now or timezone.now())


def _renews(purpose, last, now):
    """Whether granting again records a new grant: the last one lapsed, or it is within the
    renewal window (the customer was asked to renew it)."""
    judged = standing(last, purpose, now)
    if judged is None or not judged.counts:
        return True
    return judged.expires_at is not None and judged.expires_at - renewal_window() <= now


def _forget(subject):
    cache.delete(subject.cache_key)
    transaction.on_commit(lambda: cache.delete(subject.cache_key))


def forget(user):
    """Drop ``user``'s cached state (their restriction changed: ``consent.receivers``)."""
    _forget(Subject(user=user))


def _privacy_policy_version(now):
    """The privacy policy version in effect at ``now`` (the rule of ``policies.current``)."""
    from ..policies.models import PolicyVersion

    return PolicyVersion.objects.filter(policy__kind="privacy").current_at(now)


#: How often a writer re-reads the state after another request wrote the same sequence number.
ATTEMPTS = 8


def _append(build):
    """Append the records ``build()`` computes from a fresh read of the ledger.

    ``build()`` returns (unsaved records, subjects whose cached state to forget). The unique
    sequence per subject, purpose and channel makes a simultaneous writer of the same change
    fail here; it then reads the state again, in a fresh savepoint, and usually finds nothing
    left to write. The state is read before the savepoint opens, so on SQLite the first
    statement of the transaction is the write (a read first would take a lock that cannot be
    upgraded while another connection writes).
    """
    for _attempt in range(ATTEMPTS):
        records, subjects = build()
        if not records:
            return []
        try:
            with transaction.atomic():
                ConsentRecord.objects.bulk_create(records)
                _forget_many(subjects)
                _confirm_on_commit(records)
                _announce_objections(records)
        except IntegrityError:
            continue  # someone else recorded first: read again
        return records
    raise PrivacyError(
        _("Your choices changed elsewhere at the same moment: try again."),
        code="throttled",
        status=429,
        params={"retry_after": 1},
    )


def _confirm_on_commit(records):
    """Each withdrawal among ``records`` is confirmed by email once it commits."""
    from .confirmations import needs_confirmation
    from .tasks import confirm_withdrawals

    ids = [record.pk for record in records if needs_confirmation(record)]
    if ids:
        transaction.on_commit(lambda: confirm_withdrawals.enqueue(ids))


def _announce_objections(records):
    objections = [record for record in records if record.objection]
    if objections:
        transaction.on_commit(lambda: objected.send(sender=ConsentRecord, records=objections))


def _forget_many(subjects):
    keys = {subject.cache_key for subject in subjects}
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _next_sequence(last):
    return last.sequence + 1 if last is not None else 1


def _unknown_channel(purpose_key, channel):
    return PrivacyError(
        _("“%(purpose)s” is not offered by “%(channel)s”.")
        % {"purpose": str(purpose_key)[:64], "channel": str(channel)[:20]},
        code="unknown_channel",
        status=422,
    )


def _find_purpose(purpose_key):
    try:
        return get_purpose(purpose_key)
    except NotFound:
        return None


def _check(purpose, purpose_key, channels, current):
    """Refuse what cannot be set; withdrawing what the subject currently grants always works.

    A grant needs a purpose that exists, offers the channel and is not retired. A withdrawal
    also needs that, unless the subject holds a record of that purpose and channel: then it
    works whatever editors did since (channel removed, purpose retired or deleted).
    """
    held_keys = {key for key, _channel in current}
    if purpose is None and (purpose_key not in held_keys or any(channels.values())):
        raise NotFound(
            _("There is no consent purpose “%(key)s”.") % {"key": str(purpose_key)[:64]},
            code="unknown_purpose",
        )
    for channel, granted in channels.items():
        held = (purpose_key, channel) in current
        if channel not in Channel.values:
            raise _unknown_channel(purpose_key, channel)
        offered = purpose is not None and channel in purpose.channels
        if not offered and (granted or not held):
            raise _unknown_channel(purpose_key, channel)
        if granted and purpose.retired:
            raise PrivacyError(
                _("“%(purpose)s” is no longer offered.") % {"purpose": purpose.key},
                code="purpose_retired",
                status=409,
            )


def _objection_permanent(purpose):
    return PrivacyError(
        _("You objected to “%(purpose)s”, which is direct marketing: that objection is final.")
        % {"purpose": purpose.name},
        code="objection_permanent",
        status=409,
    )


def _changes(purpose, last, granted, now):
    """Whether setting a channel to ``granted`` records something, given its ``last`` record.

    A purpose based on legitimate interest counts unless objected to: ``False`` records an
    objection, ``True`` withdraws one, except a final one (direct marketing)."""
    if purpose is not None and purpose.objectable:
        refused = last is not None and not last.granted
        if granted and refused and last.objection and purpose.direct_marketing:
            raise _objection_permanent(purpose)
        return refused if granted else not refused
    if granted:
        return _renews(purpose, last, now)  # a grant that counts: nothing new to prove
    return bool(last and last.granted)  # else nothing granted to withdraw


def check_withdrawal(subject, purpose_key, channel):
    """The purpose (None if deleted since) whose ``channel`` ``subject`` may withdraw, or the
    error a withdrawal would answer: ``unknown_purpose`` or ``unknown_channel``."""
    subject = Subject.of(subject)
    purpose = _find_purpose(purpose_key)
    _check(purpose, purpose_key, {channel: False}, current_records(subject))
    return purpose


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
    """Set several channels of one purpose at once; returns {channel: new record}.

    Withdrawing a channel the subject grants works even when the channel was removed from the
    purpose, or the purpose retired or deleted since; granting those is refused.
    """
    subject = Subject.of(subject)
    if source not in ConsentSource.values:
        raise PrivacyError(_("Unknown consent source."), code="invalid_input", status=422)
    if subject.user is None and not subject.email:
        raise PrivacyError(
            _("A consent needs a customer or an email address."), code="invalid_input", status=422
        )
    purpose = _find_purpose(purpose_key)
    now = now or timezone.now()
    policy_version = _privacy_policy_version(now)

    def build():
        current = current_records(subject)
        _check(purpose, purpose_key, channels, current)
        records = []
        for channel, granted in channels.items():
            last = current.get((purpose_key, channel))
            if not _changes(purpose, last, granted, now):
                continue
            records.append(
                _new_record(
                    subject,
                    purpose_key,
                    # A purpose deleted since: withdrawn under the wording that was agreed to.
                    purpose or last,
                    channel,
                    granted,
                    sequence=_next_sequence(last),
                    source=source,
                    policy_version=policy_version,
                    at=now,
                    ip=ip,
                    user_agent=user_agent,
                )
            )
        return records, [subject]

    return {r.channel: r for r in _append(build)}


def withdraw_all(subject, *, source, ip=None, user_agent=""):
    """Withdraw every consent the subject has given; returns the new records.

    Withdrawing must be as easy as giving consent (GDPR Art. 7(3)), and giving needs no
    step-up verification, so neither does this. Erasure withdraws with ``withdraw_all_of``.
    Works for purposes and channels editors removed since: each withdrawal is recorded under
    the purpose's wording, or the wording agreed to if the purpose is gone.
    """
    subject = Subject.of(subject)
    if source not in ConsentSource.values:
        raise PrivacyError(_("Unknown consent source."), code="invalid_input", status=422)
    if subject.user is not None:
        return withdraw_all_of([subject.user], source=source, ip=ip, user_agent=user_agent)
    return withdraw_all_of([], emails=[subject.email], source=source, ip=ip, user_agent=user_agent)


def withdraw_all_of(users, *, source, emails=(), now=None, ip=None, user_agent=""):
    """``withdraw_all`` for many customers at once (erasure sweeps): a few queries a batch.

    ``emails``: addresses whose guest consents (given without an account) go too.
    """
    now = now or timezone.now()
    by_pk = {user.pk: user for user in users}
    guests = {email_hash(address): Subject.of(address) for address in emails if address}
    guests.pop("", None)
    everyone = [Subject(user=user) for user in by_pk.values()] + list(guests.values())
    if not everyone:
        return []
    policy_version = _privacy_policy_version(now)
    known = None

    def build():
        nonlocal known
        rows = ConsentRecord.objects.filter(
            Q(user__in=list(by_pk)) | Q(user__isnull=True, email_sha256__in=list(guests))
        )
        latest = rows.values("user", "email_sha256", "purpose_key", "channel").annotate(
            last=Max("pk")
        )
        granted = list(
            ConsentRecord.objects.filter(pk__in=latest.values("last"), granted=True).order_by("pk")
        )
        if granted and known is None:
            known = {purpose.key: purpose for purpose in purposes(include_retired=True)}
        records = [
            _new_record(
                Subject(user=by_pk[grant.user_id])
                if grant.user_id is not None
                else guests[grant.email_sha256],
                grant.purpose_key,
                # A purpose deleted since: withdrawn under the wording that was agreed to.
                known.get(grant.purpose_key, grant),
                grant.channel,
                False,
                sequence=_next_sequence(grant),
                source=source,
                policy_version=policy_version,
                at=now,
                ip=ip,
                user_agent=user_agent,
            )
            for grant in granted
        ]
        # Every subject's cached state goes: erasure changes more than these records.
        return records, everyone

    records = _append(build)
    _forget_many(everyone)
    return records


def _new_record(
    subject,
    purpose_key,
    wording,
    channel,
    granted,
    *,
    sequence,
    source,
    policy_version,
    at,
    ip=None,
    user_agent="",
):
    """An unsaved ledger record of ``subject``'s decision under ``wording`` (a purpose, or an
    earlier record: anything with ``wording_version`` and ``wording_sha256``)."""
    if isinstance(wording, ConsentPurpose):
        objection = not granted and wording.legal_basis == LegalBasis.LEGITIMATE_INTEREST
    else:
        objection = not granted and getattr(wording, "objection", False)
    return ConsentRecord(
        user=subject.user,
        email=subject.email if subject.user is None else "",
        email_sha256=email_hash(subject.email) if subject.user is None else "",
        purpose_key=purpose_key,
        channel=channel,
        granted=bool(granted),
        objection=objection,
        wording_version=wording.wording_version,
        wording_sha256=wording.wording_sha256,
        policy_version=policy_version,
        at=at,
        source=source,
        ip_address=minimise_ip(ip),
        user_agent=(user_agent or "")[:512],
        sequence=sequence,
    )


def join_guest(user):
    """Carry a guest's consents (given with the user's email) over to the account.

    Call it once the user has proved the address is theirs. The guest records stay as they
    are; the account gets records of its own (source ``joined``) where its state differs.
    """
    address = getattr(user, user.get_email_field_name(), "")
    if not address:
        return []
    account = Subject.of(user)

    def build():
        guest = current_records(Subject.of(address))
        mine = current_records(account)
        now = timezone.now()
        records = []
        for key, guest_record in sorted(guest.items(), key=lambda item: item[1].pk):
            own = mine.get(key)
            if own is not None and own.pk > guest_record.pk:
                continue  # the account decided later
            if own is not None and own.granted == guest_record.granted:
                continue
            records.append(
                ConsentRecord(
                    user=user,
                    purpose_key=guest_record.purpose_key,
                    channel=guest_record.channel,
                    granted=guest_record.granted,
                    objection=guest_record.objection,
                    wording_version=guest_record.wording_version,
                    wording_sha256=guest_record.wording_sha256,
                    policy_version=guest_record.policy_version,
                    at=now,
                    source=ConsentSource.JOINED,
                    sequence=_next_sequence(own),
                )
            )
        return records, [account]

    joined = _append(build)
    _forget(account)
    return joined


def history(subject):
    return Subject.of(subject).records().order_by("-at", "-pk")
