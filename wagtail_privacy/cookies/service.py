"""Cookie consent: the categories, the visitors' choices and ``has_cookie_consent``.

A choice is recorded per category in the append-only ledger (``CookieConsentRecord``) and
counts while it was made under the category's current *fingerprint* (its wording version and
cookies) and is younger than ``COOKIE_CONSENT_MAX_AGE``; otherwise the visitor is asked again,
for that category only. Signed-in customers' choices are read by account, so they follow
them to every device; anyone else's by the visitor id of their cookie (``visitor``).

Reading is the page view's business, so it costs no database query in steady state: the
categories' rules and the subject's latest choices are cached apart and fetched together in
one round trip, memoised on the request. Every write forgets the state it changed, and saving
a category (or its cookies) forgets the rules (``receivers``), so a choice or a new wording
counts at once.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import throttling
from ..client import client_details, minimise_ip
from ..conf import privacy_settings
from ..exceptions import PrivacyError
from ..i18n import active_language, default_language, one_per_key
from . import visitor
from .models import CookieCategory, CookieConsentRecord, CookieSource

RULES_KEY = "wagtail_privacy:cookies:rules:v2"
# Saving a category forgets the rules at once; this bounds a stale copy written by a reader
# that raced the save.
RULES_TIMEOUT = 600
STATE_KEY = "wagtail_privacy:cookies:v1:{}"
# Every write forgets the state; this bounds a stale copy written by a reader that raced the
# write (read before its commit, stored after its forgetting).
STATE_TIMEOUT = 600
#: The attribute of the request memoising what it read.
MEMO = "_privacy_cookie_snapshot"


@dataclass(frozen=True)
class Rule:
    """What decides whether a choice about a category counts (the default language's
    category: choices are recorded under its fingerprint)."""

    necessary: bool
    marketing: bool
    wording_version: int
    fingerprint: str
    wording_sha256: str = ""

    @classmethod
    def of(cls, category):
        return cls(
            category.necessary,
            category.marketing,
            category.wording_version,
            category.fingerprint,
            category.wording_sha256,
        )


@dataclass(frozen=True)
class Choice:
    """The latest choice of a subject about a category."""

    granted: bool
    fingerprint: str
    at: object  # datetime


@dataclass(frozen=True)
class Subject:
    """Whose choices: a signed-in customer (``user``), or a browser (``visitor_id``)."""

    user: object = None
    visitor_id: str = ""

    @property
    def cache_key(self):
        if self.user is not None:
            return STATE_KEY.format(f"u{self.user.pk}")
        return STATE_KEY.format(f"v{self.visitor_id}")

    def records(self):
        if self.user is not None:
            return CookieConsentRecord.objects.filter(user=self.user)
        return CookieConsentRecord.objects.filter(visitor_id=self.visitor_id)


def signed_in(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def subject_of(request):
    """The request's ``Subject``, or None: an anonymous visitor without a valid cookie."""
    user = signed_in(request)
    if user is not None:
        return Subject(user=user)
    found = visitor.from_request(request)
    return Subject(visitor_id=found) if found else None


def gpc(request):
    """Whether the browser sends Global Privacy Control (``Sec-GPC: 1``)."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


# --- categories and their rules ---------------------------------------------------------------


def categories(language=None):
    """One category per key, in ``language`` (else the default language, else any), ordered;
    each with ``items``, its cookies."""
    queryset = CookieCategory.objects.select_related("locale").prefetch_related("cookies")
    found = one_per_key(queryset, language or active_language())
    return sorted(found, key=lambda c: (c.sort_order, c.key))


def rules():
    """{category key: ``Rule``} from the cache, or two queries."""
    found = cache.get(RULES_KEY)
    return found if found is not None else _load_rules()


def _load_rules():
    found = {c.key: Rule.of(c) for c in categories(default_language())}
    cache.set(RULES_KEY, found, RULES_TIMEOUT)
    return found


def forget_rules():
    """Called when a category or one of its cookies is saved or deleted (``receivers``)."""
    cache.delete(RULES_KEY)
    transaction.on_commit(lambda: cache.delete(RULES_KEY))


# --- reading ------------------------------------------------------------------------------------


def current_records(subject):
    """The latest record per category of ``subject``: one query."""
    latest = subject.records().values("category_key").annotate(last=Max("pk"))
    return {
        r.category_key: r for r in CookieConsentRecord.objects.filter(pk__in=latest.values("last"))
    }


def _load_state(subject):
    found = {
        key: Choice(r.granted, r.fingerprint, r.at) for key, r in current_records(subject).items()
    }
    cache.set(subject.cache_key, found, STATE_TIMEOUT)
    return found


@dataclass(frozen=True)
class Snapshot:
    subject: Subject | None
    rules: dict
    state: dict  # {category key: Choice}


def snapshot(request):
    """The rules and the request's subject's choices: one cache round trip in steady state,
    once per request."""
    held = getattr(request, MEMO, None)
    if held is not None:
        return held
    subject = subject_of(request)
    keys = [RULES_KEY] + ([subject.cache_key] if subject else [])
    found = cache.get_many(keys)
    known = found.get(RULES_KEY)
    if known is None:
        known = _load_rules()
    state = {}
    if subject is not None:
        state = found.get(subject.cache_key)
        if state is None:
            state = _load_state(subject)
    held = Snapshot(subject, known, state)
    setattr(request, MEMO, held)
    return held


def _max_age():
    return timedelta(seconds=privacy_settings.COOKIE_CONSENT_MAX_AGE)


def counting(rule, choice, now=None):
    """Whether ``choice`` still counts: made under the category's fingerprint, not too old."""
    if rule is None or choice is None or choice.fingerprint != rule.fingerprint:
        return False
    return choice.at > (now or timezone.now()) - _max_age()


def changed(rule, choice):
    """The choice was made about another wording or other cookies: asked again."""
    return rule is not None and choice is not None and choice.fingerprint != rule.fingerprint


def has_cookie_consent(request, key):
    """Whether cookies of category ``key`` may be set for this request's visitor.

    Strictly necessary categories: always. An unknown key: never. Marketing categories: never
    while the browser sends Global Privacy Control. Otherwise: the visitor (or signed-in
    customer) allowed it, and that choice still counts. No database query in steady state.
    """
    held = snapshot(request)
    rule = held.rules.get(key)
    if rule is None:
        return False
    if rule.necessary:
        return True
    if rule.marketing and gpc(request):
        return False
    choice = held.state.get(key)
    return counting(rule, choice) and choice.granted


def allowed(request):
    """{key: whether it is allowed now} of every category that is not strictly necessary."""
    held = snapshot(request)
    return {
        key: has_cookie_consent(request, key) for key, r in held.rules.items() if not r.necessary
    }


def banner_needed(request):
    """Whether some category that is not strictly necessary has no counting choice (marketing
    ones are decided by Global Privacy Control when the browser sends it)."""
    held = snapshot(request)
    now = timezone.now()
    sends_gpc = gpc(request)
    return any(
        not counting(rule, held.state.get(key), now)
        for key, rule in held.rules.items()
        if not rule.necessary and not (rule.marketing and sends_gpc)
    )


# --- recording ----------------------------------------------------------------------------------


def cookie_policy_version(now=None):
    """The cookie policy version in effect (a policy of kind "cookies"), or None."""
    from ..policies.models import PolicyVersion

    return PolicyVersion.objects.filter(policy__kind="cookies").current_at(now or timezone.now())


def cookie_policy_page(language=None):
    """The live cookie policy page in ``language`` (else the default language), or None."""
    from ..policies.pages import PolicyPage

    language = language or active_language()
    pages = {
        page.locale.language_code: page
        for page in PolicyPage.objects.live().filter(kind="cookies").select_related("locale")
    }
    return pages.get(language) or pages.get(default_language()) or next(iter(pages.values()), None)


def cookie_policy_url(language=None):
    """The URL of the live cookie policy page in ``language`` (else the default one), or ""."""
    page = cookie_policy_page(language)
    return (page.get_full_url() or "") if page is not None else ""


def _forget(keys):
    keys = set(keys)
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _write(records, request=None):
    """Append ``records`` and forget the cached state of everyone they concern."""
    if not records:
        return []
    keys = set()
    for record in records:
        keys.add(Subject(visitor_id=record.visitor_id).cache_key)
        if record.user_id is not None:
            keys.add(STATE_KEY.format(f"u{record.user_id}"))
    with transaction.atomic():
        CookieConsentRecord.objects.bulk_create(records)
        _forget(keys)
    if request is not None and hasattr(request, MEMO):
        delattr(request, MEMO)
    return records


def _record(request, key, rule, granted, *, source, visitor_id, policy_version, now, sends_gpc):
    details = client_details(request)
    return CookieConsentRecord(
        visitor_id=visitor_id,
        user=signed_in(request),
        category_key=key,
        granted=bool(granted),
        wording_version=rule.wording_version,
        wording_sha256=rule.wording_sha256,
        fingerprint=rule.fingerprint,
        policy_version=policy_version,
        at=now,
        source=source,
        ip_address=minimise_ip(details["ip"]),
        user_agent=details["user_agent"],
        gpc=sends_gpc,
    )


NEW_VISITORS_KEY = "wagtail_privacy:cookie_visitors"
NEW_VISITORS_WINDOW = 3600


def _subject_for_writing(request):
    """Whose state a write is judged against, and the visitor id the records carry (the
    request's, or a new one: the caller sets the cookie).

    New visitors are counted per IP address (``COOKIE_NEW_VISITORS_PER_IP`` an hour): a
    client that keeps no cookie is a new visitor on every request, and each adds proof."""
    user = signed_in(request)
    if user is None and visitor.from_request(request) is None:
        limit = privacy_settings.COOKIE_NEW_VISITORS_PER_IP
        ip = client_details(request)["ip"]
        if throttling.hit(NEW_VISITORS_KEY, ip, limit, NEW_VISITORS_WINDOW):
            raise PrivacyError(
                _("Too many requests: try again later."),
                code="throttled",
                status=429,
                params={"retry_after": NEW_VISITORS_WINDOW},
            )
    visitor_id = visitor.ensure(request)
    return (Subject(user=user) if user is not None else Subject(visitor_id=visitor_id)), visitor_id


def unknown_category(key):
    return PrivacyError(
        _("There is no cookie category “%(key)s”.") % {"key": str(key)[:64]},
        code="unknown_cookie_category",
        status=422,
        params={"category": str(key)[:64]},
    )


def necessary_category(key):
    return PrivacyError(
        _("“%(key)s” cookies are strictly necessary: they cannot be refused.")
        % {"key": str(key)[:64]},
        code="cookie_category_necessary",
        status=422,
        params={"category": str(key)[:64]},
    )


def record_choices(request, choices, *, source=CookieSource.API):
    """Record the visitor's ``choices`` ({key: allowed}); returns the new records.

    Only what differs from the current counting choice is recorded. Categories left out keep
    their counting choice, or are refused when they have none, so that afterwards every
    category is decided. Under Global Privacy Control, marketing categories are refused
    (source ``gpc`` when the visitor asked for them). Refuses unknown keys
    (``unknown_cookie_category``) and refusing a strictly necessary one
    (``cookie_category_necessary``), before anything is recorded.
    """
    if source not in (CookieSource.BANNER, CookieSource.SETTINGS, CookieSource.API):
        raise PrivacyError(
            _("Unknown source of a cookie choice."), code="invalid_input", status=422
        )
    known = rules()
    for key, granted in choices.items():
        rule = known.get(key)
        if rule is None:
            raise unknown_category(key)
        if rule.necessary and not granted:
            raise necessary_category(key)
    subject, visitor_id = _subject_for_writing(request)
    now = timezone.now()
    sends_gpc = gpc(request)
    policy_version = cookie_policy_version(now)
    current = current_records(subject)
    records = []
    for key, rule in known.items():
        if rule.necessary:
            continue
        last = current.get(key)
        held = Choice(last.granted, last.fingerprint, last.at) if last else None
        counts = counting(rule, held, now)
        if key in choices:
            wanted, how = bool(choices[key]), source
        elif counts:
            continue
        else:
            wanted, how = False, source
        if wanted and rule.marketing and sends_gpc:
            wanted, how = False, CookieSource.GPC
        if counts and held.granted == wanted:
            continue
        records.append(
            _record(
                request,
                key,
                rule,
                wanted,
                source=how,
                visitor_id=visitor_id,
                policy_version=policy_version,
                now=now,
                sends_gpc=sends_gpc,
            )
        )
    return _write(records, request)


def apply_gpc(request):
    """Record, once per category and fingerprint, the refusal of marketing categories that
    Global Privacy Control says (source ``gpc``); returns the new records.

    Only for a known browser (a valid visitor cookie) or a signed-in customer: a client that
    keeps no cookie would add records on every request. For anyone else the header decides
    alone (``has_cookie_consent``), until their first choice records it.

    In steady state (refusals recorded) it reads the cache only."""
    if not gpc(request):
        return []
    held = snapshot(request)
    if held.subject is None:
        return []
    now = timezone.now()
    due = [
        key
        for key, rule in held.rules.items()
        if rule.marketing
        and not rule.necessary
        and not (counting(rule, held.state.get(key), now) and not held.state[key].granted)
    ]
    if not due:
        return []
    subject, visitor_id = _subject_for_writing(request)
    current = current_records(subject)  # the cache may lag a write of another request
    policy_version = cookie_policy_version(now)
    records = []
    for key in due:
        rule = held.rules[key]
        last = current.get(key)
        if (
            last is not None
            and not last.granted
            and counting(rule, Choice(last.granted, last.fingerprint, last.at), now)
        ):
            continue
        records.append(
            _record(
                request,
                key,
                rule,
                False,
                source=CookieSource.GPC,
                visitor_id=visitor_id,
                policy_version=policy_version,
                now=now,
                sends_gpc=True,
            )
        )
    return _write(records, request)


def join_visitor(user, visitor_id):
    """On sign-in: the choices the visitor made (signed out) that are newer than the account's
    are recorded for the account (source ``joined``), so they follow the customer."""
    if not visitor_id or user is None or user.pk is None:
        return []
    anonymous = Subject(visitor_id=visitor_id)
    theirs = {
        key: record for key, record in current_records(anonymous).items() if record.user_id is None
    }
    if not theirs:
        return []
    mine = current_records(Subject(user=user))
    known = rules()
    now = timezone.now()
    records = []
    for key, record in sorted(theirs.items()):
        choice = Choice(record.granted, record.fingerprint, record.at)
        if not counting(known.get(key), choice, now):
            continue  # lapsed (an older wording, or too old): not carried over, asked again
        own = mine.get(key)
        if own is not None and own.at >= record.at:
            continue  # the account decided later
        if own is not None and (own.granted, own.fingerprint) == (
            record.granted,
            record.fingerprint,
        ):
            continue
        records.append(
            CookieConsentRecord(
                visitor_id=visitor_id,
                user=user,
                category_key=key,
                granted=record.granted,
                wording_version=record.wording_version,
                wording_sha256=record.wording_sha256,
                fingerprint=record.fingerprint,
                policy_version=record.policy_version,
                # When the choice was made: it lasts COOKIE_CONSENT_MAX_AGE from then, and a
                # choice made later on another device still wins.
                at=record.at,
                source=CookieSource.JOINED,
                gpc=record.gpc,
            )
        )
    return _write(records)


def forget_user(user_pk):
    """Drop a customer's cached choices (their records were erased)."""
    _forget([STATE_KEY.format(f"u{user_pk}")])


def history(user):
    """A customer's cookie choices, newest first."""
    return CookieConsentRecord.objects.filter(user=user).order_by("-at", "-pk")
