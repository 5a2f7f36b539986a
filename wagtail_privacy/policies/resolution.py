"""Which version of a policy is current or upcoming at an instant, and its text in a language.

Resolution is computed from ``effective_at`` at read time, so a version becomes current the
moment its date passes, with no publish or cron run. Every function costs a bounded number of
queries whatever the number of versions and languages.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ..i18n import default_language
from .models import Policy, PolicyVersion, PolicyVersionText, VersionStatus


@dataclass
class PolicyState:
    policy: Policy
    now: datetime
    language: str
    current: PolicyVersion | None = None
    upcoming: PolicyVersion | None = None
    requested: PolicyVersion | None = None
    history: list[PolicyVersion] = field(default_factory=list)
    # Full texts (with body) of current/upcoming/requested; brief texts of the history.
    texts: dict[int, PolicyVersionText] = field(default_factory=dict)

    def status(self, version):
        return version.status_at(self.now, self.current.pk if self.current else None)

    def text(self, version):
        return self.texts.get(version.pk) if version else None

    def previous_of(self, version):
        """The nearest older version that was not withdrawn (history must be loaded)."""
        older = [v for v in self.history if v.number < version.number and v.withdrawn_at is None]
        return max(older, key=lambda v: v.number, default=None)

    def text_for_current(self):
        return self.text(self.current)

    @property
    def is_empty(self):
        return self.current is None and self.upcoming is None


def _current_and_upcoming(versions, now):
    live = [v for v in versions if v.withdrawn_at is None]
    past = [v for v in live if v.effective_at <= now]
    future = [v for v in live if v.effective_at > now]
    current = max(past, key=lambda v: (v.effective_at, v.number), default=None)
    upcoming = min(future, key=lambda v: (v.effective_at, v.number), default=None)
    return current, upcoming


def load_texts(version_ids, language, *, full=True):
    """Map version id to its text in ``language``, else the default language, else any.

    One query when every version has the reader's language; one more per fallback step.
    """
    missing = set(version_ids)
    chosen = {}
    for code in dict.fromkeys([language, default_language(), None]):
        if not missing:
            break
        queryset = PolicyVersionText.objects.filter(version_id__in=missing).select_related("locale")
        if code is not None:
            queryset = queryset.filter(locale__language_code=code)
        else:
            queryset = queryset.order_by("version_id", "locale_id")
        if not full:
            queryset = queryset.defer("body_html")
        for text in queryset:
            chosen.setdefault(text.version_id, text)
        missing -= chosen.keys()
    return chosen


def policy_state(policy, language, *, with_history=False, number=None, now=None):
    """The state of one policy: current, upcoming, optionally the history and one version."""
    now = now or timezone.now()
    state = PolicyState(policy=policy, now=now, language=language)
    if with_history:
        state.history = list(policy.versions.order_by("-number"))
        state.current, state.upcoming = _current_and_upcoming(state.history, now)
        if number is not None:
            state.requested = next((v for v in state.history if v.number == number), None)
    else:
        live = policy.versions.filter(withdrawn_at__isnull=True)
        candidates = list(live.filter(effective_at__gt=now).order_by("effective_at", "number")[:1])
        candidates += list(
            live.filter(effective_at__lte=now).order_by("-effective_at", "-number")[:1]
        )
        state.current, state.upcoming = _current_and_upcoming(candidates, now)
        if number is not None:
            state.requested = policy.versions.filter(number=number).first()
    full_ids = {v.pk for v in (state.current, state.upcoming, state.requested) if v}
    state.texts = load_texts(full_ids, language)
    brief_ids = {v.pk for v in state.history} - full_ids
    state.texts.update(load_texts(brief_ids, language, full=False))
    return state


def policy_state_for_key(translation_key, language, **kwargs):
    policy = Policy.objects.filter(translation_key=translation_key).first()
    if policy is None:
        return None
    return policy_state(policy, language, **kwargs)


def all_policy_states(language, *, now=None):
    """Current and upcoming version of every policy that has one: three or four queries."""
    now = now or timezone.now()
    live = PolicyVersion.objects.filter(policy=OuterRef("pk"), withdrawn_at__isnull=True)
    current = live.filter(effective_at__lte=now).order_by("-effective_at", "-number")
    upcoming = live.filter(effective_at__gt=now).order_by("effective_at", "number")
    policies = list(
        Policy.objects.annotate(
            current_id=Subquery(current.values("pk")[:1]),
            upcoming_id=Subquery(upcoming.values("pk")[:1]),
        ).order_by("slug")
    )
    ids = {pid for p in policies for pid in (p.current_id, p.upcoming_id) if pid}
    versions = PolicyVersion.objects.in_bulk(ids)
    texts = load_texts(ids, language)
    states = []
    for policy in policies:
        state = PolicyState(
            policy=policy,
            now=now,
            language=language,
            current=versions.get(policy.current_id),
            upcoming=versions.get(policy.upcoming_id),
            texts=texts,
        )
        if not state.is_empty:
            states.append(state)
    return states


__all__ = [
    "PolicyState",
    "VersionStatus",
    "all_policy_states",
    "default_language",
    "load_texts",
    "policy_state",
    "policy_state_for_key",
]
