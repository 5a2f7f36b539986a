"""The signed-in customer's privacy centre: notices, acceptances and what is required."""

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError

from ..client import client_details
from ..notices import acceptance as service
from ..notices import declines, gate
from ..notices.models import AcceptanceChannel, Decline
from ..policies.models import ChangeLevel
from ..policies.resolution import load_texts
from .auth import customer_auth
from .errors import COMMON, ErrorOut
from .types import Number, RowId

router = Router(tags=["me"], auth=customer_auth())

ERRORS = {401: ErrorOut, 403: ErrorOut}


def customer(request):
    user = request.auth if getattr(request.auth, "is_authenticated", False) else request.user
    if not getattr(user, "is_authenticated", False):
        raise AuthenticationError()
    return user


def _version_link(name, slug, number, language):
    url = reverse(f"wagtail_privacy_api:{name}", kwargs={"slug": slug, "number": number})
    return f"{url}?{urlencode({'locale': language})}"


def _diff_link(slug, old, new, language):
    if not old or old == new:
        return None
    url = reverse("wagtail_privacy_api:policy_diff", kwargs={"slug": slug})
    return f"{url}?{urlencode({'from': old, 'to': new, 'locale': language})}"


class RequiredOut(Schema):
    policy: str
    title: str
    version: int
    accepted_version: int | None
    declined_at: datetime | None = Field(
        None, description="When the customer declined this version (it is still owed)."
    )
    url: str
    pdf_url: str
    changes_url: str | None


class NoticeOut(Schema):
    id: int
    policy: str
    title: str
    version: int
    change_level: str
    change_level_label: str
    summary: str
    effective_at: datetime
    in_effect: bool
    acknowledged_at: datetime | None
    emailed_at: datetime | None
    url: str
    pdf_url: str


class DecisionOut(Schema):
    """The proof of a decision on a policy version."""

    id: int
    policy: str
    version: int
    language: str
    text_sha256: str
    channel: str
    ip_address: str | None
    user_agent: str


class AcceptanceOut(DecisionOut):
    accepted_at: datetime


class DeclineOut(DecisionOut):
    declined_at: datetime


class DeclinedOut(Schema):
    """A version the customer declined and has not accepted since, and what they can do."""

    policy: str
    title: str
    version: int
    declined_at: datetime
    effective_at: datetime
    in_effect: bool = Field(description="Once true, the gate asks for the acceptance again.")
    url: str
    export_url: str = Field(description="POST here to download your data instead.")
    deletion_url: str = Field(description="POST here to close your account instead.")


class AcceptanceIn(Schema):
    policy: str
    version: Number
    channel: AcceptanceChannel = AcceptanceChannel.API


class AccountOut(Schema):
    state: str


class MeOut(Schema):
    acceptances_required: list[RequiredOut]
    declined: list[DeclinedOut]
    notices: list[NoticeOut]
    account: AccountOut
    corrections_url: str = Field(
        description="The data you can correct (GET) and where to correct it (POST)."
    )


def _required(user, language):
    missing = gate.missing_acceptances(user)
    if not missing:
        return []
    accepted = gate.accepted_numbers(user.pk)
    declined = dict(
        Decline.objects.filter(
            user=user, version_id__in=[r.version_id for r in missing]
        ).values_list("version_id", "declined_at")
    )
    texts = load_texts([r.version_id for r in missing], language, full=False)
    out = []
    for requirement in missing:
        text = texts.get(requirement.version_id)
        previous = accepted.get(requirement.policy_id)
        out.append(
            {
                "policy": requirement.slug,
                "title": text.title if text else requirement.slug,
                "version": requirement.number,
                "accepted_version": previous,
                "declined_at": declined.get(requirement.version_id),
                "url": _version_link(
                    "policy_version", requirement.slug, requirement.number, language
                ),
                "pdf_url": _version_link(
                    "policy_version_pdf",
                    requirement.slug,
                    requirement.number,
                    text.locale.language_code if text else language,
                ),
                "changes_url": _diff_link(requirement.slug, previous, requirement.number, language),
            }
        )
    return out


def _notices(notices, language, now):
    notices = list(notices)
    texts = load_texts([n.version_id for n in notices], language, full=False)
    out = []
    for notice in notices:
        version = notice.version
        text = texts.get(version.pk)
        slug = version.policy.slug
        out.append(
            {
                "id": notice.pk,
                "policy": slug,
                "title": text.title if text else slug,
                "version": version.number,
                "change_level": version.change_level,
                "change_level_label": str(ChangeLevel.short_label(version.change_level)),
                "summary": text.change_summary if text else "",
                "effective_at": version.effective_at,
                "in_effect": version.effective_at <= now,
                "acknowledged_at": notice.acknowledged_at,
                "emailed_at": notice.emailed_at,
                "url": _version_link("policy_version", slug, version.number, language),
                "pdf_url": _version_link(
                    "policy_version_pdf",
                    slug,
                    version.number,
                    text.locale.language_code if text else language,
                ),
            }
        )
    return out


def _declined(records, language, now):
    records = list(records)
    texts = load_texts([r.version_id for r in records], language, full=False)
    export_url = reverse("wagtail_privacy_api:me_exports_create")
    deletion_url = reverse("wagtail_privacy_api:me_delete")
    out = []
    for record in records:
        text, slug, version = texts.get(record.version_id), record.policy.slug, record.version
        out.append(
            {
                "policy": slug,
                "title": text.title if text else slug,
                "version": version.number,
                "declined_at": record.declined_at,
                "effective_at": version.effective_at,
                "in_effect": version.effective_at <= now,
                "url": _version_link("policy_version", slug, version.number, language),
                "export_url": export_url,
                "deletion_url": deletion_url,
            }
        )
    return out


def _decision(record):
    """The proof of an acceptance or a decline (``accepted_at`` or ``declined_at``)."""
    return {
        "id": record.pk,
        "policy": record.policy.slug,
        "version": record.version.number,
        "language": record.language,
        "text_sha256": record.text_sha256,
        record.decided_at_field: getattr(record, record.decided_at_field),
        "channel": record.channel,
        "ip_address": record.ip_address,
        "user_agent": record.user_agent,
    }


@router.get(
    "me/", response={**COMMON, 200: MeOut, **ERRORS}, url_name="me", summary="My privacy summary"
)
def me(request):
    user = customer(request)
    language = request.privacy_language
    pending = service.notices_of(user).filter(acknowledged_at__isnull=True)
    now = timezone.now()
    return {
        "acceptances_required": _required(user, language),
        "declined": _declined(declines.standing(user), language, now),
        "notices": _notices(pending, language, now),
        "account": {"state": "active" if user.is_active else "inactive"},
        "corrections_url": reverse("wagtail_privacy_api:me_corrections"),
    }


@router.get(
    "me/notices/",
    response={**COMMON, 200: list[NoticeOut], **ERRORS},
    url_name="me_notices",
    summary="My change notices",
)
def my_notices(request):
    user = customer(request)
    return _notices(service.notices_of(user), request.privacy_language, timezone.now())


@router.post(
    "me/notices/{notice_id}/acknowledge/",
    response={**COMMON, 200: NoticeOut, 404: ErrorOut, **ERRORS},
    url_name="me_notice_acknowledge",
    summary="Mark a notice as read",
)
def acknowledge_notice(request, notice_id: RowId):
    user = customer(request)
    notice = service.acknowledge(user, notice_id)
    return _notices([notice], request.privacy_language, timezone.now())[0]


@router.get(
    "me/acceptances/",
    response={**COMMON, 200: list[AcceptanceOut], **ERRORS},
    url_name="me_acceptances",
    summary="Proof of what I accepted and when",
)
def my_acceptances(request):
    return [_decision(a) for a in service.acceptances_of(customer(request))]


@router.post(
    "me/acceptances/",
    response={
        **COMMON,
        200: AcceptanceOut,
        201: AcceptanceOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        **ERRORS,
    },
    url_name="me_accept",
    summary="Accept a policy version (the current one, or the upcoming one early)",
)
def accept_version(request, payload: AcceptanceIn):
    return _decide(request, payload, service.accept)


def _decide(request, payload, decide):
    """Accept or decline: 201 with the new proof, or 200 with the one recorded before."""
    record, created = decide(
        customer(request),
        payload.policy,
        payload.version,
        language=request.privacy_language,
        channel=payload.channel,
        **client_details(request),
    )
    return Status(201 if created else 200, _decision(record))


@router.get(
    "me/declines/",
    response={**COMMON, 200: list[DeclineOut], **ERRORS},
    url_name="me_declines",
    summary="Proof of what I declined and when",
)
def my_declines(request):
    return [_decision(d) for d in declines.declines_of(customer(request))]


@router.post(
    "me/declines/",
    response={
        **COMMON,
        200: DeclineOut,
        201: DeclineOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        **ERRORS,
    },
    url_name="me_decline",
    summary="Decline a policy version (the current one, or the upcoming one)",
    description=(
        "Recorded with the same proof as an acceptance. Nothing changes before the version "
        "takes effect; afterwards the acceptance gate keeps asking for it. `/me/` then lists "
        "it under `declined`, with the export and account deletion endpoints. Accepting the "
        "version (or a later one) ends the decline. `409 already_accepted` when the customer "
        "accepted it (or a later one), `409 not_declinable` when it does not ask for acceptance."
    ),
)
def decline_version(request, payload: AcceptanceIn):
    return _decide(request, payload, declines.decline)
