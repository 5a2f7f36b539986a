"""The signed-in customer's rights: verification, data requests and exports."""

from datetime import datetime
from uuid import UUID

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from ..exceptions import PrivacyError
from ..rights import export as exports
from ..rights import ledger
from ..verification import service as verification
from .auth import customer_auth
from .errors import COMMON, ErrorOut, StepUpOut
from .me import customer

router = Router(tags=["me"], auth=customer_auth())
ERRORS = {401: ErrorOut, 403: ErrorOut}


class VerificationIn(Schema):
    method: str | None = None
    token: str | None = None


class VerificationOut(Schema):
    verified: bool
    verified_until: datetime | None
    methods: list[str]
    sent: bool = False


def _verification(request, sent=False):
    until = verification.verified_until(request)
    return {
        "verified": until is not None,
        "verified_until": until,
        "methods": verification.methods_for(customer(request)),
        "sent": sent,
    }


@router.get(
    "me/verification/",
    response={**COMMON, 200: VerificationOut, **ERRORS},
    url_name="me_verification",
    summary="Whether I verified recently, and how I can verify",
)
def verification_state(request):
    return _verification(request)


@router.post(
    "me/verification/",
    response={
        **COMMON,
        200: VerificationOut,
        202: VerificationOut,
        400: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        **ERRORS,
    },
    url_name="me_verify",
    summary='Start ({"method": "email"}) or complete ({"token": "123456"}) a verification',
)
def verify(request, payload: VerificationIn):
    user = customer(request)
    if payload.token:
        verification.verify(request, payload.token)
        return _verification(request)
    if payload.method == "email":
        verification.send_email_code(user)
        return Status(202, _verification(request, sent=True))

    raise PrivacyError(
        _('Send {"method": "email"} to receive a code, or {"token": "..."} to verify.'),
        code="invalid_input",
        status=422,
    )


class RequestOut(Schema):
    reference: UUID
    kind: str
    kind_label: str
    channel: str
    status: str
    status_label: str
    received_at: datetime
    due_at: datetime
    extended_until: datetime | None
    extension_reason: str
    closed_at: datetime | None
    outcome: str


def _request(item):
    return {
        "reference": item.reference,
        "kind": item.kind,
        "kind_label": str(item.get_kind_display()),
        "channel": item.channel,
        "status": item.status,
        "status_label": str(item.get_status_display()),
        "received_at": item.received_at,
        "due_at": item.due_at,
        "extended_until": item.extended_until,
        "extension_reason": item.extension_reason,
        "closed_at": item.closed_at,
        "outcome": item.outcome,
    }


@router.get(
    "me/requests/",
    response={**COMMON, 200: list[RequestOut], **ERRORS},
    url_name="me_requests",
    summary="My data requests with their due dates",
)
def my_requests(request):
    return [_request(r) for r in ledger.requests_of(customer(request))]


class ExportOut(Schema):
    id: UUID
    status: str
    status_label: str
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    size: int | None
    download_url: str | None
    download_expires_at: datetime | None


def _export(item):
    url = expires = None
    if item.status == "ready":
        url, expires = exports.download_link(item)
    return {
        "id": item.pk,
        "status": item.status,
        "status_label": str(item.get_status_display()),
        "created_at": item.created_at,
        "finished_at": item.finished_at,
        "expires_at": item.expires_at,
        "size": item.size,
        "download_url": url,
        "download_expires_at": expires,
    }


class RateLimitOut(ErrorOut):
    next_available_at: datetime
    retry_after: int


@router.post(
    "me/exports/",
    response={**COMMON, 202: ExportOut, 429: RateLimitOut, **ERRORS, 403: StepUpOut},
    url_name="me_exports_create",
    summary="Ask for a copy of my data (needs a fresh verification)",
)
def create_export(request):
    # The service refuses without a fresh step-up (StepUpRequired, answered 403 by the API).
    user = customer(request)
    export = exports.request_export(user, proof=verification.step_up_proof(request))
    return Status(202, _export(export))


@router.get(
    "me/exports/",
    response={**COMMON, 200: list[ExportOut], **ERRORS},
    url_name="me_exports",
    summary="My exports, newest first",
)
def my_exports(request):
    from ..rights.models import DataExport

    items = DataExport.objects.filter(user=customer(request)).order_by("-created_at")[:20]
    return [_export(item) for item in items]


@router.get(
    "me/exports/{export_id}/",
    response={**COMMON, 200: ExportOut, 404: ErrorOut, **ERRORS},
    url_name="me_export",
    summary="The state of one export, with a signed download link when ready",
)
def export_state(request, export_id: UUID):
    return _export(exports.get_export(customer(request), export_id))


@router.get(
    "me/exports/{export_id}/download/",
    response={**COMMON, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut, 401: ErrorOut},
    url_name="me_export_download",
    summary="Download the export ZIP through its signed link (owner only)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The ZIP archive",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_export(request, export_id: UUID, token: str = ""):
    return archive_response(exports.check_link(customer(request), export_id, token))


def archive_response(export):
    """The export's ZIP as a download, never cached, and with no referrer to leak its link."""
    response = FileResponse(
        exports.open_file(export),
        content_type="application/zip",
        as_attachment=True,
        filename=f"personal-data-{export.created_at:%Y-%m-%d}.zip",
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
