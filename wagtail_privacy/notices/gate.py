"""Which policy versions a customer must have accepted, at zero queries in steady state.

Two cache entries answer every request: the requirements (valid until the next effective
date of any version, so they flip exactly on time) and each customer's accepted versions
(dropped when the customer accepts). Use a shared cache (Redis, Memcached) in production.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from ..policies.models import ChangeLevel, PolicyVersion
from .models import Acceptance

REQUIREMENTS_KEY = "wagtail_privacy:gate:requirements:v1"
ACCEPTED_KEY = "wagtail_privacy:gate:accepted:v1:{}"
USER_TIMEOUT = 24 * 3600
MAX_TIMEOUT = 3600


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
    rows = PolicyVersion.objects.filter(withdrawn_at__isnull=True).values_list(
        "id",
        "policy_id",
        "policy__slug",
        "number",
        "change_level",
        "effective_at",
        "requires_acceptance",
    )
    by_policy, next_flip = {}, None
    for row in rows:
        effective_at = row[5]
        if effective_at > now:
            next_flip = effective_at if next_flip is None else min(next_flip, effective_at)
        else:
            by_policy.setdefault(row[1], []).append(row)
    items = []
    for policy_id, versions in sorted(by_policy.items()):
        versions.sort(key=lambda r: (r[5], r[3]))
        current = versions[-1]
        if not current[6]:
            continue
        # Acceptance is owed again after a major change, or when it became required.
        baseline, previous = versions[0], None
        for row in versions:
            if row[4] == ChangeLevel.MAJOR or (row[6] and previous and not previous[6]):
                baseline = row
            previous = row
        items.append(Requirement(policy_id, current[2], current[0], current[3], baseline[3]))
    return Requirements(tuple(items), next_flip)


def requirements(now=None):
    now = now or timezone.now()
    entry = cache.get(REQUIREMENTS_KEY)
    if entry is None or (entry.valid_until is not None and now >= entry.valid_until):
        entry = compute_requirements(now)
        timeout = MAX_TIMEOUT
        if entry.valid_until is not None:
            timeout = max(1, min(MAX_TIMEOUT, int((entry.valid_until - now).total_seconds())))
        cache.set(REQUIREMENTS_KEY, entry, timeout)
    return entry.items


def accepted_numbers(user_id):
    """The highest version number this customer accepted, per policy id."""
    key = ACCEPTED_KEY.format(user_id)
    accepted = cache.get(key)
    if accepted is None:
        accepted = dict(
            Acceptance.objects.filter(user_id=user_id)
            .values("policy_id")
            .annotate(number=Max("version__number"))
            .values_list("policy_id", "number")
        )
        cache.set(key, accepted, USER_TIMEOUT)
    return accepted


def missing_acceptances(user, now=None):
    """The requirements ``user`` has not met; empty for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return []
    needed = requirements(now)
    if not needed:
        return []
    accepted = accepted_numbers(user.pk)
    return [r for r in needed if accepted.get(r.policy_id, 0) < r.minimum]


def forget_requirements():
    cache.delete(REQUIREMENTS_KEY)


def forget_user(user_id):
    cache.delete(ACCEPTED_KEY.format(user_id))
