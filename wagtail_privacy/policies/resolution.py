"""Which version of a policy is current or upcoming at an instant, and its text in a language.

Resolution is computed from ``effective_at`` at read time, so a version becomes current the
moment its date passes, with no publish or cron run. Which version is current or upcoming is
the rule of ``current.py``. Every function costs a number of queries that does not depend on
the number of versions (nor, when every version has the reader's language, on the languages):
the public pages and the API read the history one page at a time (``history_page``).
"""

from dataclasses import dataclass, field
from datetime import datetime
from math import ceil

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.utils import timezone

from ..i18n import default_language
from .current import current_and_upcoming
from .models import Policy, PolicyVersion, PolicyVersionText, VersionStatus

#: Versions per page of a policy's history (public page and API), unless asked otherwise.
HISTORY_PAGE_SIZE = 20
#: The most versions one page of history may hold (the API's ``page_size``).
HISTORY_MAX_PAGE_SIZE = 100
#: The latest versions the policy page and the API's detail show, before the full history.
HISTORY_PREVIEW = 5


@dataclass
class HistoryPage:
    """One page of a policy's history, newest first (by number).

    ``count`` is the number of versions in the whole history (withdrawn ones included).
    Unless read without, every version in ``versions`` carries ``previous_number``: the number
    of the nearest older version not withdrawn, for the link to what changed, or None.
    """

    number: int
    size: int
    count: int
    versions: list[PolicyVersion] = field(default_factory=list)

    @property
    def pages(self):
        return max(1, ceil(self.count / self.size))

    @property
    def exists(self):
        """False for a page number past the last page (page 1 always exists)."""
        return self.number == 1 or bool(self.versions)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages

    @property
    def is_partial(self):
        """True when the history has versions that this page does not show."""
        return self.count > len(self.versions)


@dataclass
class PolicyState:
    policy: Policy
    now: datetime
    language: str
    current: PolicyVersion | None = None
    upcoming: PolicyVersion | None = None
    requested: PolicyVersion | None = None
    # The versions of the history that were read: all of them (``with_history``) or one page.
    history: list[PolicyVersion] = field(default_factory=list)
    history_page: HistoryPage | None = None
    # Full texts (with body) of current/upcoming/requested; brief texts of the history.
    texts: dict[int, PolicyVersionText] = field(default_factory=dict)
    _by_number: dict[int, PolicyVersion] | None = field(default=None, repr=False)

    def status(self, version):
        return version.status_at(self.now, self.current.pk if self.current else None)

    def text(self, version):
        return self.texts.get(version.pk) if version else None

    def previous_of(self, version):
        """The nearest older version that was not withdrawn, among the history read."""
        if not hasattr(version, "previous_number"):
            older = [
                v for v in self.history if v.number < version.number and v.withdrawn_at is None
            ]
            return max(older, key=lambda v: v.number, default=None)
        if self._by_number is None:
            self._by_number = {v.number: v for v in self.history}
        return self._by_number.get(version.previous_number)

    def text_for_current(self):
        return self.text(self.current)

    @property
    def is_empty(self):
        return self.current is None and self.upcoming is None


def load_texts(version_ids, language, *, full=True):
    """Map version id to its text in ``language``, else the default language, else any.

    ``full``: True to read every text's body, False for none, or the ids of the versions whose
    body to read (the others' is left unread, in the same query). One query when every version
    has the reader's language; one more per fallback step.
    """
    missing = set(version_ids)
    if full is True or full is False:
        bodies = missing if full else set()
    else:
        bodies = set(full) & missing
    chosen = {}
    for code in dict.fromkeys([language, default_language(), None]):
        if not missing:
            break
        queryset = PolicyVersionText.objects.filter(version_id__in=missing).select_related("locale")
        if code is not None:
            queryset = queryset.filter(locale__language_code=code)
        else:
            queryset = queryset.order_by("version_id", "locale_id")
        if bodies != missing:
            queryset = queryset.defer("body_html")
            if bodies:
                queryset = queryset.annotate(
                    wanted_body=Case(When(version_id__in=bodies, then=F("body_html")))
                )
        for text in queryset:
            if text.version_id not in chosen:
                chosen[text.version_id] = text
                if bodies and bodies != missing and text.version_id in bodies:
                    text.body_html = text.wanted_body
        missing -= chosen.keys()
        bodies -= chosen.keys()
    return chosen


def _with_previous_numbers(versions):
    """Set ``previous_number`` on each of ``versions`` (the whole history, in any order)."""
    previous = None
    for version in sorted(versions, key=lambda v: v.number):
        version.previous_number = previous
        if version.withdrawn_at is None:
            previous = version.number
    return versions


def _previous_number():
    """The number of the nearest older version not withdrawn, as a subquery of a version."""
    older = PolicyVersion.objects.live().filter(
        policy_id=OuterRef("policy_id"), number__lt=OuterRef("number")
    )
    return Subquery(older.order_by("-number").values("number")[:1])


def load_history_page(policy, number=1, size=HISTORY_PAGE_SIZE, *, with_previous=True):
    """Page ``number`` of ``policy``'s history, newest first: one query.

    The rows come from the index on (policy, number), so only the page's rows are read; the
    count is a subquery of the same statement (not a window over the whole history, which
    would read every version). ``with_previous=False`` leaves out ``previous_number`` (a
    subquery per row that only the links to what changed need).
    """
    offset = (number - 1) * size
    count = (
        PolicyVersion.objects.filter(policy_id=policy.pk)
        .order_by()
        .values("policy_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    annotations = {"history_count": Subquery(count)}
    if with_previous:
        annotations["previous_number"] = _previous_number()
    rows = list(policy.versions.annotate(**annotations).order_by("-number")[offset : offset + size])
    count = rows[0].history_count if rows else (policy.versions.count() if offset else 0)
    return HistoryPage(number=number, size=size, count=count, versions=rows)


def _key_versions(policy, now, number=None):
    """(current, upcoming, version ``number``) of ``policy`` at ``now``: one query.

    Each is found through an index (the primary key, or the policy and number): the query
    reads three rows at most, however long the history.
    """
    versions = PolicyVersion.objects.filter(policy_id=policy.pk)
    current = Subquery(versions.in_effect_at(now).values("pk")[:1])
    upcoming = Subquery(versions.pending_at(now).values("pk")[:1])
    wanted = Q(pk__in=[current, upcoming])
    if number is not None:
        wanted |= Q(policy_id=policy.pk, number=number)
    rows = list(PolicyVersion.objects.filter(wanted).order_by())
    for row in rows:
        row.policy = policy
    current, upcoming = current_and_upcoming(rows, now)
    requested = next((v for v in rows if v.number == number), None)
    return current, upcoming, requested


def policy_state(
    policy,
    language,
    *,
    with_history=False,
    history_page=None,
    history_size=None,
    history_previous=True,
    number=None,
    with_bodies=True,
    with_texts=True,
    now=None,
):
    """The state of one policy: current, upcoming, optionally history and one version.

    ``with_history`` reads the whole history (the editors' screen); ``history_page`` reads
    that page of it (``history_size`` versions each, ``HISTORY_PAGE_SIZE`` by default) into
    ``state.history_page`` and ``state.history`` (``history_previous=False``: without
    ``previous_number``). ``number`` loads that version as ``requested`` (None when the
    policy has no such version). ``with_bodies=False`` leaves the bodies of every text unread
    (a list of versions shows none); ``with_texts=False`` reads no text at all (numbers and
    dates only).

    Queries: the current, upcoming and requested versions (1), the page of history (1), their
    texts (1; only those three with their body), plus one per language fallback step.
    """
    now = now or timezone.now()
    state = PolicyState(policy=policy, now=now, language=language)
    if with_history:
        state.history = _with_previous_numbers(list(policy.versions.order_by("-number")))
        state.current, state.upcoming = current_and_upcoming(state.history, now)
        if number is not None:
            state.requested = next((v for v in state.history if v.number == number), None)
    else:
        state.current, state.upcoming, state.requested = _key_versions(policy, now, number)
        if history_page is not None:
            page = load_history_page(
                policy,
                history_page,
                history_size or HISTORY_PAGE_SIZE,
                with_previous=history_previous,
            )
            state.history_page = page
            state.history = page.versions
    if not with_texts:
        return state
    key_ids = {v.pk for v in (state.current, state.upcoming, state.requested) if v}
    ids = key_ids | {v.pk for v in state.history}
    state.texts = load_texts(ids, language, full=key_ids if with_bodies else False)
    return state


def policy_state_for_key(translation_key, language, **kwargs):
    policy = Policy.objects.filter(translation_key=translation_key).first()
    if policy is None:
        return None
    return policy_state(policy, language, **kwargs)


def all_policy_states(language, *, with_bodies=True, now=None):
    """Current and upcoming version of every policy that has one: three or four queries.

    ``with_bodies=False`` leaves the texts' bodies unread (a list shows none).
    """
    now = now or timezone.now()
    versions = PolicyVersion.objects.filter(policy=OuterRef("pk"))
    current = versions.in_effect_at(now)
    upcoming = versions.pending_at(now)
    policies = list(
        Policy.objects.annotate(
            current_id=Subquery(current.values("pk")[:1]),
            upcoming_id=Subquery(upcoming.values("pk")[:1]),
        ).order_by("slug")
    )
    ids = {pid for p in policies for pid in (p.current_id, p.upcoming_id) if pid}
    versions = PolicyVersion.objects.in_bulk(ids)
    texts = load_texts(ids, language, full=with_bodies)
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
    "HISTORY_PAGE_SIZE",
    "HISTORY_PREVIEW",
    "HistoryPage",
    "PolicyState",
    "VersionStatus",
    "all_policy_states",
    "default_language",
    "load_history_page",
    "load_texts",
    "policy_state",
    "policy_state_for_key",
]
