"""Which policy versions a customer must have accepted, with no I/O per request in steady state.

Two pieces of state answer a request, neither in a shared cache:

* The requirements live in a memo of this process, valid until a horizon known when it is
  computed: the next effective instant of any version not withdrawn, or
  ``GATE_REFRESH_SECONDS`` after computing, whichever comes first. A version announced ahead
  therefore becomes required in every process exactly at its effective instant; a requirement
  another process introduces with immediate effect is seen here within
  ``GATE_REFRESH_SECONDS``. Publishing in this process resets the memo at once.
* What a customer accepted travels in their session (one small entry, per policy id the
  highest number accepted). The session is trusted only to let a customer through: when it
  shows a requirement unmet (or has no entry), the gate asks the database (the requirements
  afresh and the customer's acceptances), updates the session if they changed and answers from
  what it read. An acceptance made in any process, on any device, is thus seen on the
  customer's next request, and a stale memo can never keep anyone out.

A customer is never held to a version sooner than ``NOTICE_DAYS`` after their own notice
email: one emailed late (their language waited for a translation, a fan-out was held up) owes
the acceptance only from then on, and one still waiting for their email owes nothing yet. That
is read from the database with the acceptances and carried in the session too, with the
instant it ends.

Without a session (token authentication, a call outside a request) the acceptances are read
from the database on every call.
"""

import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import time

from django.db.models import Max, Q
from django.utils import timezone

from ..conf import privacy_settings
from ..policies.current import current_and_upcoming, in_effect
from ..policies.models import ChangeLevel, PolicyVersion
from .models import Acceptance, ChangeNotice, EmailState

SESSION_KEY = "_wagtail_privacy_accepted"


@dataclass(frozen=True)
class Requirement:
    """Customers must have accepted version ``minimum`` (or later) of the policy ``slug``.

    ``number`` and ``version_id`` name the version to accept now: the current one.
    """

    policy_id: int
    slug: str
    version_id: int
    number: int
    minimum: int


@dataclass(frozen=True)
class Requirements:
    items: tuple[Requirement, ...]
    valid_until: datetime | None


def compute_requirements(now):
    """What customers must have accepted at ``now``, valid until the next version takes effect.

    Which version is current is the rule of ``policies.current`` (the pages and the API use
    the same): one query reads every live version, each policy's current one is picked from
    them.
    """
    rows = PolicyVersion.objects.live().values_list(
        "id",
        "policy_id",
        "policy__slug",
        "number",
        "change_level",
        "effective_at",
        "requires_acceptance",
        named=True,
    )
    by_policy = {}
    for row in rows:
        by_policy.setdefault(row.policy_id, []).append(row)
    items, next_flip = [], None
    for policy_id, versions in sorted(by_policy.items()):
        current, upcoming = current_and_upcoming(versions, now)
        if upcoming is not None:
            flip = upcoming.effective_at
            next_flip = flip if next_flip is None else min(next_flip, flip)
        if current is None or not current.requires_acceptance:
            continue
        # Acceptance is owed again after a major change, or when it became required: walk the
        # versions in effect in the rule's order, oldest first, up to the current one.
        in_force = in_effect(versions, now)[::-1]
        baseline, previous = in_force[0], None
        for row in in_force:
            if row.change_level == ChangeLevel.MAJOR or (
                row.requires_acceptance and previous and not previous.requires_acceptance
            ):
                baseline = row
            previous = row
        items.append(
            Requirement(
                policy_id, current.policy__slug, current.id, current.number, baseline.number
            )
        )
    return Requirements(tuple(items), next_flip)


# --- The requirements memo of this process ------------------------------------------------


class _Memo:
    """Requirements valid for every instant in ``[computed_at, horizon)`` (POSIX seconds).

    ``checks`` are ``(session key of the policy, minimum number)`` pairs, for the hot path.
    """

    __slots__ = ("computed_at", "horizon", "items", "checks")

    def __init__(self, computed_at, horizon, items):
        self.computed_at = computed_at
        self.horizon = horizon
        self.items = items
        self.checks = tuple((str(r.policy_id), r.minimum) for r in items)


_memo = None
_epoch = object()  # replaced by every reset: a computation started before it is not kept
_lock = threading.Lock()


def refresh_seconds():
    """``GATE_REFRESH_SECONDS``: the longest a memo of the requirements is used."""
    return privacy_settings.GATE_REFRESH_SECONDS


def _compute(now):
    computed = compute_requirements(now)
    computed_at = now.timestamp()
    horizon = computed_at + refresh_seconds()
    if computed.valid_until is not None:
        horizon = min(horizon, computed.valid_until.timestamp())
    return _Memo(computed_at, horizon, computed.items)


def _refresh():
    """Compute the requirements now and keep them, unless a reset happened meanwhile."""
    global _memo
    epoch = _epoch
    memo = _compute(timezone.now())
    with _lock:
        if _epoch is epoch:
            _memo = memo
    return memo


def _fresh(now):
    """Requirements read from the database now (or at ``now``), never from the memo."""
    return _refresh() if now is None else _compute(now)


def _current(now=None):
    """The memo when it covers now (or ``now``), else requirements computed afresh."""
    memo = _memo
    if now is None:
        if memo is not None and memo.computed_at <= time() < memo.horizon:
            return memo
        return _refresh()
    if memo is not None and memo.computed_at <= now.timestamp() < memo.horizon:
        return memo
    return _compute(now)


def requirements(now=None):
    """What every customer must have accepted now (or at ``now``)."""
    return _current(now).items


def forget_requirements():
    """Reset this process's memo (on publication; other processes rely on its horizon)."""
    global _memo, _epoch
    with _lock:
        _memo = None
        _epoch = object()


def _after_fork_in_child():
    global _memo, _epoch, _lock
    _memo = None
    _epoch = object()
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


# --- What the customer accepted -----------------------------------------------------------


def accepted_numbers(user_id):
    """The highest version number this customer accepted, per policy id (one query)."""
    return dict(
        Acceptance.objects.filter(user_id=user_id)
        .values("policy_id")
        .annotate(number=Max("version__number"))
        .values_list("policy_id", "number")
    )


def not_bound_yet(now):
    """A filter of notices whose version does not bind their customer yet: the change email
    still to go, or sent less than ``NOTICE_DAYS`` ago. None when ``NOTICE_DAYS`` is 0: a shop
    that promises no notice binds everyone at the effective date."""
    if not privacy_settings.notice_days("major"):
        return None
    return Q(email_state=EmailState.PENDING) | Q(
        email_state=EmailState.SENT, emailed_at__gt=now - privacy_settings.notice_period
    )


def deferrals(user_id, items, now):
    """{policy id: instant} of the requirements ``items`` this customer owes only later.

    The notice of the version that made acceptance due again (the requirement's minimum):
    emailed less than ``NOTICE_DAYS`` before now, it is owed ``NOTICE_DAYS`` after the email;
    still to be emailed, it is not owed yet (asked again after ``GATE_REFRESH_SECONDS``). One
    query, only on the database path.
    """
    later_than = not_bound_yet(now)
    if not items or later_than is None:
        return {}
    which = Q()
    for r in items:
        which |= Q(version__policy_id=r.policy_id, version__number=r.minimum)
    rows = (
        ChangeNotice.objects.filter(which, user_id=user_id, retracted_at__isnull=True)
        .filter(later_than)
        .values_list("version__policy_id", "emailed_at")
    )
    later = now + timedelta(seconds=refresh_seconds())
    return {
        policy_id: later if emailed_at is None else emailed_at + privacy_settings.notice_period
        for policy_id, emailed_at in rows
    }


def _session_entry(user, accepted, deferred=None):
    """The session entry for ``accepted`` (and ``deferred``: {policy id: (minimum, until)}):
    JSON-safe, tied to the user it describes."""
    entry = [str(user.pk), {str(policy_id): number for policy_id, number in accepted.items()}]
    if deferred:
        entry.append(
            {
                str(policy_id): [minimum, until.timestamp()]
                for policy_id, (minimum, until) in deferred.items()
            }
        )
    return entry


def _met_in_session(checks, user, session):
    try:
        user_key, accepted, *rest = session.get(SESSION_KEY)
        if user_key != str(user.pk):
            return False
        for key, minimum in checks:
            if accepted.get(key, 0) < minimum:
                # Not owed yet: a deferral of this very requirement that has not ended.
                minimum_deferred, until = rest[0][key] if rest else (None, 0)
                if minimum_deferred != minimum or until <= time():
                    return False
    except (TypeError, ValueError, AttributeError, KeyError):  # no entry the gate wrote
        return False
    return True


def _remember(session, user, accepted, deferred=None):
    """Store the entry only when it changed: steady state never writes."""
    entry = _session_entry(user, accepted, deferred)
    if session.get(SESSION_KEY) != entry:
        session[SESSION_KEY] = entry


def passes(user, session):
    """True when ``session`` shows that ``user`` met every requirement, with no I/O at all.

    False means "ask ``missing_acceptances``": the session may just be behind the database.
    Apart from the memo's refresh (once per horizon per process), nothing is read or written.
    """
    memo = _memo
    if memo is None or not memo.computed_at <= time() < memo.horizon:
        memo = _refresh()
    checks = memo.checks
    return not checks or (session is not None and _met_in_session(checks, user, session))


def _missing(items, accepted):
    return [r for r in items if accepted.get(r.policy_id, 0) < r.minimum]


def missing_acceptances(user, now=None, *, request=None, session=None):
    """The requirements ``user`` has not met and owes now; empty for anonymous users.

    Pass the ``request`` (or its ``session``): when the session shows every requirement met
    (or not owed yet), this costs no query. Otherwise (and without a session) the database
    decides.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    if session is None and request is not None:
        session = getattr(request, "session", None)
    memo = _current(now)
    if not memo.items:
        return []
    if session is not None:
        if _met_in_session(memo.checks, user, session):
            return []
        accepted = None
    else:
        accepted = accepted_numbers(user.pk)
        if not _missing(memo.items, accepted):
            return []
    # Something looks unmet: confirm against the database before keeping anyone out.
    items = _fresh(now).items
    if not items:
        return []
    if accepted is None:
        accepted = accepted_numbers(user.pk)
    missing = _missing(items, accepted)
    deferred = deferrals(user.pk, missing, now or timezone.now())
    if session is not None:
        minimums = {r.policy_id: r.minimum for r in missing}
        _remember(
            session,
            user,
            accepted,
            {policy_id: (minimums[policy_id], until) for policy_id, until in deferred.items()},
        )
    return [r for r in missing if r.policy_id not in deferred]
