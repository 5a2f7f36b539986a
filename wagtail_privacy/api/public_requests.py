"""Requests from outside the account: the public form, its confirmation, a guest's download.

``POST requests/`` answers 202 with the same body and headers whatever the address (known,
unknown, an account's or a guest's): what happens next is decided in a task, by email.
"""

from typing import Literal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ..client import client_details
from ..rights import export as exports
from ..rights import guests
from .errors import COMMON, ErrorOut
from .rights import archive_response

public = Router(tags=["requests"])


class RequestIn(Schema):
    email: str = Field(max_length=254)
    kind: Literal["export", "erasure"]


class ReceivedOut(Schema):
    status: Literal["received"]
    detail: str


class ThrottledOut(ErrorOut):
    retry_after: int


@public.post(
    "requests/",
    response={**COMMON, 202: ReceivedOut, 429: ThrottledOut},
    url_name="public_requests",
    summary="Ask for a copy or the erasure of the data kept under an email address",
    description=(
        "A confirmation link is emailed to the address; nothing happens until it is opened. "
        "The answer is the same whether or not the address is known."
    ),
    auth=None,
)
def create_request(request, payload: RequestIn):
    guests.submit(
        payload.email,
        payload.kind,
        language=getattr(request, "privacy_language", ""),
        ip=client_details(request)["ip"],
    )
    return Status(
        202,
        {
            "status": "received",
            "detail": _(
                "Thank you. If we can act on this request, we have sent an email to the address: "
                "open the link in it to confirm the request."
            ),
        },
    )


class ConfirmIn(Schema):
    token: str = Field(max_length=500)


class ConfirmedOut(Schema):
    kind: Literal["export", "erasure"]
    detail: str


@public.post(
    "requests/confirm/",
    response={**COMMON, 200: ConfirmedOut, 400: ErrorOut, 410: ErrorOut},
    url_name="public_requests_confirm",
    summary="Confirm a request by email address with the token of its emailed link",
    auth=None,
)
def confirm_request(request, payload: ConfirmIn):
    item = guests.confirm(payload.token)
    kind = "export" if item.kind == guests.KINDS["export"] else "erasure"
    return {"kind": kind, "detail": confirmed_message(kind)}


def confirmed_message(kind):
    if kind == "export":
        return _("Confirmed. We are preparing the copy; the download link will come by email.")
    return _("Confirmed. We are erasing the data; a receipt will come by email.")


@public.get(
    "requests/exports/{export_id}/download/",
    response={**COMMON, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut},
    url_name="guest_export_download",
    summary="Download a guest's export ZIP through the link emailed to the confirmed address",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The ZIP archive",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    auth=None,
)
def download_guest_export(request, export_id: UUID, token: str = ""):
    return archive_response(exports.check_guest_link(export_id, token))
