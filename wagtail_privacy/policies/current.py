"""The one rule for which version of a policy is current and which is upcoming.

Policy pages, the JSON API, Wagtail's API v2, the acceptance gate and the consent ledger all
apply this rule, in SQL (the queryset methods) or in Python on rows already read
(``current_and_upcoming``); tests hold the two to the same answers.

* A version is **live** unless it was withdrawn. A withdrawn version is never current nor
  upcoming.
* At an instant ``now``, the **current** version is the live version with the latest
  ``effective_at`` not after ``now``; of two with the same ``effective_at``, the one with the
  higher number. In SQL: live, ``effective_at <= now``, ordered ``-effective_at, -number``,
  the first row.
* The **upcoming** version is the live version with the earliest ``effective_at`` after
  ``now``; of two with the same ``effective_at``, the one with the lower number. In SQL: live,
  ``effective_at > now``, ordered ``effective_at, number``, the first row.

A policy with no live version in effect yet has no current version (``None``).
"""

from ..records import AppendOnlyQuerySet

#: The order of versions in effect, the current one first.
NEWEST_FIRST = ("-effective_at", "-number")
#: The order of versions still to come, the upcoming one first.
SOONEST_FIRST = ("effective_at", "number")


def rank(version):
    """Where ``version`` (a model instance or a named row) stands in the rule's order."""
    return (version.effective_at, version.number)


def is_live(version):
    """Not withdrawn. Rows read without ``withdrawn_at`` count as live (read with ``live()``)."""
    return getattr(version, "withdrawn_at", None) is None


def in_effect(versions, now):
    """The live ``versions`` in effect at ``now``, the current one first."""
    return sorted(
        (v for v in versions if is_live(v) and v.effective_at <= now), key=rank, reverse=True
    )


def current_and_upcoming(versions, now):
    """(current, upcoming) among ``versions`` of one policy at ``now``, each possibly None.

    ``versions`` are model instances or rows with ``effective_at``, ``number`` and (unless
    read live) ``withdrawn_at``; they need not be sorted. Any subset of a policy's versions
    that contains its current and upcoming version gives the same answer as all of them.
    """
    current = upcoming = None
    for version in versions:
        if not is_live(version):
            continue
        if version.effective_at <= now:
            if current is None or rank(version) > rank(current):
                current = version
        elif upcoming is None or rank(version) < rank(upcoming):
            upcoming = version
    return current, upcoming


class PolicyVersionQuerySet(AppendOnlyQuerySet):
    """``PolicyVersion.objects`` and ``policy.versions``: the rule in SQL."""

    def live(self):
        """Versions not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def in_effect_at(self, now):
        """Live versions in effect at ``now``, the current one first (per policy)."""
        return self.live().filter(effective_at__lte=now).order_by(*NEWEST_FIRST)

    def pending_at(self, now):
        """Live versions still to take effect at ``now``, the upcoming one first (per policy)."""
        return self.live().filter(effective_at__gt=now).order_by(*SOONEST_FIRST)

    def current_at(self, now):
        """The current version at ``now`` of the versions in this queryset, or None.

        For one policy's versions (``policy.versions.current_at(now)``) it is that policy's
        current version; for versions of several policies, the most recent one in effect.
        """
        return self.in_effect_at(now).first()

    def upcoming_at(self, now):
        """The upcoming version at ``now`` of the versions in this queryset, or None."""
        return self.pending_at(now).first()
