"""Consent endpoints: the customer's choices, and one-click unsubscribe without signing in."""

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema

from ..consent import service, unsubscribe
from ..consent.models import Channel, ConsentSource
from ..verification.decorators import step_up_required
from .auth import customer_auth
from .errors import COMMON, ErrorOut
from .me import customer

router = Router(tags=["me"], auth=customer_auth())
public = Router(tags=["consent"])
ERRORS = {401: ErrorOut, 403: ErrorOut}


class ChannelState(Schema):
    channel: str
    label: str
    granted: bool
    since: datetime | None


class PurposeOut(Schema):
    key: str
    name: str
    description: str
    wording: str
    wording_version: int
    legal_basis: str
    retired: bool
    channels: list[ChannelState]


class ChannelsIn(Schema):
    channels: dict[str, bool]


def _overview(user, language):
    current = service.current_records(user)
    labels = dict(Channel.choices)
    out = []
    for purpose in service.purposes(language):
        channels = []
        for channel in purpose.channels:
            last = current.get((purpose.key, channel))
            channels.append(
                {
                    "channel": channel,
                    "label": str(labels[channel]),
                    "granted": bool(last and last.granted),
                    "since": last.at if last else None,
                }
            )
        out.append(
            {
                "key": purpose.key,
                "name": purpose.name,
                "description": purpose.description,
                "wording": purpose.wording,
                "wording_version": purpose.wording_version,
                "legal_basis": purpose.legal_basis,
                "retired": purpose.retired,
                "channels": channels,
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
    response={**COMMON, 200: list[PurposeOut], **ERRORS},
    url_name="me_consent_withdraw_all",
    summary="Withdraw every consent (needs a fresh verification)",
)
@step_up_required
def withdraw_all(request):
    user = customer(request)
    service.withdraw_all(
        user,
        source=ConsentSource.ACCOUNT,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    return _overview(user, request.privacy_language)


@router.put(
    "me/consents/{purpose}/",
    response={
        **COMMON,
        200: list[PurposeOut],
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        **ERRORS,
    },
    url_name="me_consent_set",
    summary='Set channels of one purpose: {"channels": {"email": true, "sms": false}}',
)
def set_consent(request, purpose: str, payload: ChannelsIn):
    user = customer(request)
    service.set_channels(
        user,
        purpose,
        payload.channels,
        source=ConsentSource.ACCOUNT,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    return _overview(user, request.privacy_language)


class UnsubscribedOut(Schema):
    unsubscribed: bool
    purpose: str
    channel: str
    at: datetime


@public.post(
    "unsubscribe/{token}/",
    response={**COMMON, 200: UnsubscribedOut, 400: ErrorOut, 404: ErrorOut},
    url_name="unsubscribe",
    summary="One-click unsubscribe (RFC 8058); works without signing in",
    auth=None,
)
def one_click_unsubscribe(request, token: str):
    purpose, channel = unsubscribe.unsubscribe(
        token,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    return {"unsubscribed": True, "purpose": purpose, "channel": channel, "at": timezone.now()}
