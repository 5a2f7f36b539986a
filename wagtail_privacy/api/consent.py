"""Consent endpoints: the customer's choices, and one-click unsubscribe without signing in."""

from datetime import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema

from ..client import client_details
from ..consent import service, unsubscribe
from ..consent.models import Channel, ConsentSource, LegalBasis
from ..restriction import current as current_restriction
from .auth import customer_auth
from .errors import COMMON, ErrorOut
from .me import customer

router = Router(tags=["me"], auth=customer_auth())
public = Router(tags=["consent"])
ERRORS = {401: ErrorOut, 403: ErrorOut}


class RenewalOut(Schema):
    reason: Literal["wording_changed", "expired"] = Field(
        description="Why the consent no longer counts: the purpose's wording changed since "
        "the customer agreed (and the purpose asks for a new agreement then), or it expired."
    )
    agreed_version: int = Field(description="The wording version the customer agreed to.")
    current_version: int = Field(description="The purpose's wording version now.")
    expired_at: datetime | None = Field(
        description='When it expired (reason "expired"); else null.'
    )


class ChannelState(Schema):
    channel: str
    label: str
    granted: bool = Field(
        description="Whether the customer's consent counts now. False also for a consent "
        "given but lapsed (see renewal): granting it again restores it."
    )
    since: datetime | None
    # False: no longer offered (removed from the purpose, or the purpose retired or deleted);
    # listed only while granted, so the customer can withdraw it.
    offered: bool
    expires_at: datetime | None = Field(
        description="When a consent that counts expires unless renewed (purposes valid for a "
        "period); the customer is emailed before and can renew it by granting it again."
    )
    renewal: RenewalOut | None = Field(
        description="Set when the customer gave this consent but it no longer counts: why."
    )
    confirmation_sent_at: datetime | None = Field(
        None,
        description="For a withdrawal: when its confirmation was emailed to the customer "
        "(null until privacy_tick has sent it, within five days).",
    )
    objected: bool = Field(
        False,
        description="For a purpose based on legitimate interest: whether the customer "
        "objected (since: when). Such a purpose counts (granted) until they object.",
    )


class PurposeOut(Schema):
    key: str
    name: str
    description: str
    wording: str
    wording_version: int
    legal_basis: str
    # True: no longer offered (retired, or deleted); listed only while something is granted.
    retired: bool
    objectable: bool = Field(
        False,
        description="Based on legitimate interest: the customer is included unless they "
        "object, per channel (PUT false objects; true withdraws the objection).",
    )
    direct_marketing: bool = Field(
        False,
        description="An objection to it is final: withdrawing it is refused with 409 "
        "`objection_permanent`.",
    )
    suspended: bool = Field(
        False,
        description="Paused because the customer restricted processing (/me/restriction/); "
        "their choices are kept and count again once the restriction is lifted.",
    )
    channels: list[ChannelState]


class ChannelsIn(Schema):
    channels: dict[str, bool]


def _objectable_channel(channel, last, offered):
    objected = last is not None and not last.granted
    return {
        "channel": channel,
        "label": str(dict(Channel.choices).get(channel, channel)),
        "granted": offered and not objected,
        "since": last.at if last else None,
        "offered": offered,
        "expires_at": None,
        "renewal": None,
        "confirmation_sent_at": last.confirmed_at if objected else None,
        "objected": objected,
    }


def _channel(channel, last, offered, rule, now):
    if rule is not None and rule.objectable:
        return _objectable_channel(channel, last, offered)
    judged = None
    if last is not None and last.granted:
        judged = service.judge(rule, last.wording_version, last.at, now)
    renewal = None
    if judged is not None and not judged.counts:
        renewal = {
            "reason": judged.lapsed,
            "agreed_version": judged.agreed_version,
            "current_version": judged.current_version,
            "expired_at": judged.expires_at if judged.lapsed == service.EXPIRED else None,
        }
    return {
        "channel": channel,
        "label": str(dict(Channel.choices).get(channel, channel)),
        "granted": bool(judged and judged.counts),
        "since": last.at if last else None,
        "offered": offered,
        "expires_at": judged.expires_at if judged and judged.counts else None,
        "renewal": renewal,
        "confirmation_sent_at": last.confirmed_at if last and not last.granted else None,
    }


def _overview(user, language):
    """Purposes on offer, and those the customer still grants though no longer offered.

    Grants are judged by the default-language purposes (``service.rules``), as recorded."""
    current = service.current_records(user)
    rules = service.rules()
    restricted = current_restriction(user) is not None
    now = timezone.now()
    granted = sorted(key for key, last in current.items() if last.granted)
    out = []
    listed = set()
    for purpose in service.purposes(language, include_retired=True):
        key = purpose.key
        listed.add(key)
        offered = [] if purpose.retired else purpose.channels
        kept = [c for p, c in granted if p == purpose.key and c not in offered]
        if not offered and not kept:
            continue
        out.append(
            {
                "key": purpose.key,
                "name": purpose.name,
                "description": purpose.description,
                "wording": purpose.wording,
                "wording_version": purpose.wording_version,
                "legal_basis": purpose.legal_basis,
                "retired": purpose.retired,
                "objectable": purpose.objectable,
                "direct_marketing": purpose.objectable and purpose.direct_marketing,
                "suspended": restricted and purpose.suspended_by_restriction,
                "channels": [
                    _channel(c, current.get((purpose.key, c)), True, rules.get(key), now)
                    for c in offered
                ]
                + [_channel(c, current[(key, c)], False, rules.get(key), now) for c in kept],
            }
        )
    # Purposes deleted since: named by their key, under the wording version agreed to.
    deleted = {}
    for key, channel in granted:
        if key not in listed:
            deleted.setdefault(key, []).append(current[(key, channel)])
    for key, records in sorted(deleted.items()):
        out.append(
            {
                "key": key,
                "name": key,
                "description": "",
                "wording": "",
                "wording_version": records[-1].wording_version,
                "legal_basis": LegalBasis.CONSENT,
                "retired": True,
                "channels": [_channel(r.channel, r, False, None, now) for r in records],
            }
        )
    return out


@router.get(
    "me/consents/",
    response={**COMMON, 200: list[PurposeOut], **ERRORS},
    url_name="me_consents",
    summary="My consents: purposes × channels",
)
def my_consents(request):
    return _overview(customer(request), request.privacy_language)


@router.post(
    "me/consents/withdraw-all/",
    response={**COMMON, 200: list[PurposeOut], 429: ErrorOut, **ERRORS},
    url_name="me_consent_withdraw_all",
    summary="Withdraw every consent (as easy as giving one: no verification)",
)
def withdraw_all(request):
    user = customer(request)
    service.withdraw_all(user, source=ConsentSource.ACCOUNT, **client_details(request))
    return _overview(user, request.privacy_language)


@router.put(
    "me/consents/{purpose}/",
    response={
        **COMMON,
        200: list[PurposeOut],
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        **ERRORS,
    },
    url_name="me_consent_set",
    summary='Set channels of one purpose: {"channels": {"email": true, "sms": false}}',
    description="For a purpose based on legitimate interest (`objectable`), false records an "
    "objection (GDPR Art. 21) and true withdraws it; an objection to direct marketing is "
    "final (409 `objection_permanent`).",
)
def set_consent(request, purpose: str, payload: ChannelsIn):
    user = customer(request)
    service.set_channels(
        user,
        purpose,
        payload.channels,
        source=ConsentSource.ACCOUNT,
        **client_details(request),
    )
    return _overview(user, request.privacy_language)


class UnsubscribedOut(Schema):
    unsubscribed: bool
    purpose: str
    channel: str
    at: datetime


@public.post(
    "unsubscribe/{token}/",
    response={
        **COMMON,
        200: UnsubscribedOut,
        400: ErrorOut,
        404: ErrorOut,
        429: ErrorOut,
    },
    url_name="unsubscribe",
    summary="One-click unsubscribe (RFC 8058); works without signing in",
    auth=None,
)
def one_click_unsubscribe(request, token: str):
    purpose, channel = unsubscribe.unsubscribe(
        token,
        **client_details(request),
    )
    return {"unsubscribed": True, "purpose": purpose, "channel": channel, "at": timezone.now()}
