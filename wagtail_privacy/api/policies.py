"""Public policy endpoints: list, detail with the latest versions, the history a page at a time,
and one version in full."""

from datetime import datetime
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from ..exceptions import NotFound
from ..policies import resolution
from ..policies.changes import compare_versions
from ..policies.downloads import pdf_response
from ..policies.lookup import get_policy, state_with_version
from ..policies.models import ChangeLevel
from .errors import COMMON, ErrorOut
from .types import INT_MAX, Number

router = Router(tags=["policies"])


class VersionBrief(Schema):
    number: int
    change_level: str
    change_level_label: str
    status: str
    published_at: datetime
    effective_at: datetime
    withdrawn_at: datetime | None
    requires_acceptance: bool
    language: str | None
    title: str
    summary: str
    url: str
    pdf_url: str


class VersionFull(VersionBrief):
    requested_language: str
    fallback: bool
    body_html: str
    sha256: str


class PolicyOut(Schema):
    slug: str
    kind: str
    kind_label: str
    requires_acceptance: bool
    title: str
    current: VersionBrief | None
    upcoming: VersionBrief | None
    changes_url: str | None
    url: str


class PolicyDetail(PolicyOut):
    history: list[VersionBrief]
    history_count: int
    history_url: str


class HistoryOut(Schema):
    slug: str
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    items: list[VersionBrief]


def _kind_label(kind):
    from ..conf import privacy_settings

    return str(dict(privacy_settings.POLICY_KINDS).get(kind, kind))


def _policy_url(policy):
    return reverse("wagtail_privacy_api:policy_detail", kwargs={"slug": policy.slug})


def _version_url(policy, number, base=None):
    # The version routes sit under the policy's own URL; reversing once per policy is enough.
    return f"{base or _policy_url(policy)}versions/{number}/"


def _with_locale(url, language):
    return f"{url}?{urlencode({'locale': language})}"


def _brief(state, version, full=False, base=None):
    if version is None:
        return None
    base = base or _policy_url(state.policy)
    text = state.text(version)
    data = {
        "number": version.number,
        "change_level": version.change_level,
        "change_level_label": str(ChangeLevel.short_label(version.change_level)),
        "status": state.status(version).value,
        "published_at": version.published_at,
        "effective_at": version.effective_at,
        "withdrawn_at": version.withdrawn_at,
        "requires_acceptance": version.requires_acceptance,
        "language": text.locale.language_code if text else None,
        "title": text.title if text else "",
        "summary": text.change_summary if text else "",
        "url": _version_url(state.policy, version.number, base),
        "pdf_url": _with_locale(
            _version_url(state.policy, version.number, base) + "pdf/",
            text.locale.language_code if text else state.language,
        ),
    }
    if full:
        data.update(
            requested_language=state.language,
            fallback=data["language"] != state.language,
            body_html=text.body_html if text else "",
            sha256=text.sha256 if text else "",
        )
    return data


def _policy(state, base=None):
    shown = state.current or state.upcoming
    text = state.text(shown)
    policy = state.policy
    base = base or _policy_url(policy)
    return {
        "slug": policy.slug,
        "kind": policy.kind,
        "kind_label": _kind_label(policy.kind),
        "requires_acceptance": policy.requires_acceptance,
        "title": text.title if text else policy.slug,
        "current": _brief(state, state.current, base=base),
        "upcoming": _brief(state, state.upcoming, base=base),
        "changes_url": _diff_url(policy, state.current, state.upcoming, state.language),
        "url": base,
    }


def _no_version():
    return NotFound(_("This policy has no published version."), code="unknown_policy")


def _diff_url(policy, old, new, language):
    if old is None or new is None:
        return None
    url = reverse("wagtail_privacy_api:policy_diff", kwargs={"slug": policy.slug})
    query = urlencode({"from": old.number, "to": new.number, "locale": language})
    return f"{url}?{query}"


@router.get(
    "policies/",
    response={**COMMON, 200: list[PolicyOut], 400: ErrorOut},
    url_name="policy_list",
    summary="Current and upcoming version of every policy",
)
def list_policies(request):
    states = resolution.all_policy_states(request.privacy_language, with_bodies=False)
    return [_policy(s) for s in states]


@router.get(
    "policies/{slug}/",
    response={**COMMON, 200: PolicyDetail, 400: ErrorOut, 404: ErrorOut},
    url_name="policy_detail",
    summary="A policy with its current and upcoming version and its latest versions",
    description=(
        f"`history` holds the latest {resolution.HISTORY_PREVIEW} versions, newest first; "
        "`history_count` counts them all and `history_url` pages through them."
    ),
)
def policy_detail(request, slug: str):
    policy = get_policy(slug)
    state = resolution.policy_state(
        policy,
        request.privacy_language,
        history_page=1,
        history_size=resolution.HISTORY_PREVIEW,
        history_previous=False,
        with_bodies=False,
    )
    history = state.history_page
    if not history.count:
        raise _no_version()
    base = _policy_url(policy)
    data = _policy(state, base)
    data["history"] = [_brief(state, v, base=base) for v in history.versions]
    data["history_count"] = history.count
    data["history_url"] = f"{base}versions/"
    return data


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return f"{request.path}?{query.urlencode()}"


@router.get(
    "policies/{slug}/versions/",
    response={**COMMON, 200: HistoryOut, 400: ErrorOut, 404: ErrorOut},
    url_name="policy_versions",
    summary="Every version of a policy, newest first, a page at a time",
)
def policy_versions(
    request,
    slug: str,
    page: int = Query(1, ge=1, le=INT_MAX, description="Page number, from 1"),
    page_size: int = Query(
        resolution.HISTORY_PAGE_SIZE,
        ge=1,
        le=resolution.HISTORY_MAX_PAGE_SIZE,
        description=f"Versions per page, at most {resolution.HISTORY_MAX_PAGE_SIZE}",
    ),
):
    policy = get_policy(slug)
    state = resolution.policy_state(
        policy,
        request.privacy_language,
        history_page=page,
        history_size=page_size,
        history_previous=False,
        with_bodies=False,
    )
    history = state.history_page
    if not history.count:
        raise _no_version()
    if not history.exists:
        raise NotFound(
            _("There is no page %(page)s: the last page is %(pages)s.")
            % {"page": page, "pages": history.pages},
            code="not_found",
        )
    base = _policy_url(policy)
    return {
        "slug": policy.slug,
        "count": history.count,
        "page": history.number,
        "page_size": history.size,
        "pages": history.pages,
        "next": _page_url(request, page + 1) if history.has_next else None,
        "previous": _page_url(request, page - 1) if history.has_previous else None,
        "items": [_brief(state, v, base=base) for v in history.versions],
    }


@router.get(
    "policies/{slug}/versions/{number}/",
    response={**COMMON, 200: VersionFull, 400: ErrorOut, 404: ErrorOut},
    url_name="policy_version",
    summary="One version of a policy in full, in the reader's language",
)
def policy_version(request, slug: str, number: Number):
    policy = get_policy(slug)
    state = state_with_version(policy, request.privacy_language, number)
    return _brief(state, state.requested, full=True)


PDF_RESPONSE = {
    "200": {
        "description": "The PDF (immutable; strong ETag, 304 on If-None-Match)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    },
    "304": {"description": "Not modified"},
}


@router.get(
    "policies/{slug}/versions/{number}/pdf/",
    response={**COMMON, 400: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    url_name="policy_version_pdf",
    summary="The typeset PDF of one version in the reader's language",
    openapi_extra={"responses": PDF_RESPONSE},
)
def policy_version_pdf(request, slug: str, number: Number):
    policy = get_policy(slug)
    state = state_with_version(policy, request.privacy_language, number)
    return pdf_response(request, state.text(state.requested))


class ChangeOut(Schema):
    op: str
    label: str
    tag: str
    html: str
    old_text: str
    new_text: str


class DiffStats(Schema):
    added: int
    removed: int
    changed: int
    moved: int


class DiffOut(Schema):
    slug: str
    language: str
    title: str
    title_html: str | None
    old: VersionBrief
    new: VersionBrief
    stats: DiffStats
    changes: list[ChangeOut]
    html: str


@router.get(
    "policies/{slug}/diff/",
    response={**COMMON, 200: DiffOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="policy_diff",
    summary="What changed between two versions, block by block and word by word",
)
def policy_diff(
    request,
    slug: str,
    old: int = Query(
        ..., alias="from", ge=1, le=INT_MAX, description="Number of the older version"
    ),
    new: int = Query(..., alias="to", ge=1, le=INT_MAX, description="Number of the newer version"),
):
    policy = get_policy(slug)
    diff = compare_versions(policy, old, new, request.privacy_language)
    state = resolution.PolicyState(
        policy=policy,
        now=timezone.now(),
        language=diff.language,
        texts={diff.old.pk: diff.old_text, diff.new.pk: diff.new_text},
    )
    current = (
        policy.versions.filter(withdrawn_at__isnull=True, effective_at__lte=state.now)
        .order_by("-effective_at", "-number")
        .first()
    )
    state.current = current
    return {
        "slug": policy.slug,
        "language": diff.language,
        "title": diff.new_text.title,
        "title_html": diff.title_html,
        "old": _brief(state, diff.old),
        "new": _brief(state, diff.new),
        "stats": diff.comparison.stats,
        "changes": [
            {
                "op": c.op,
                "label": str(c.label),
                "tag": c.tag,
                "html": c.html,
                "old_text": c.old_text,
                "new_text": c.new_text,
            }
            for c in diff.comparison.changes
        ],
        "html": render_to_string("wagtail_privacy/policies/_diff.html", {"diff": diff}),
    }
