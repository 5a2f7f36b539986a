"""The signed-in customer corrects their data (Art. 16)."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status

from ..rights import corrections
from ..verification import service as verification
from .auth import customer_auth
from .errors import COMMON, ErrorOut, StepUpOut
from .me import customer

router = Router(tags=["me"], auth=customer_auth())


class CorrectableFieldOut(Schema):
    name: str
    label: str
    checked: bool = Field(
        description="The shop checks this field first: a correction waits for its staff."
    )


class CorrectableRecordOut(Schema):
    record: str
    values: dict[str, str]


class CorrectableSourceOut(Schema):
    source: str
    label: str
    fields: list[CorrectableFieldOut]
    records: list[CorrectableRecordOut]


class PendingOut(Schema):
    reference: UUID
    source: str
    record: str
    field: str
    label: str
    value: str
    received_at: datetime


class CorrectionsOut(Schema):
    sources: list[CorrectableSourceOut]
    pending: list[PendingOut]


class CorrectionIn(Schema):
    source: str
    field: str
    value: str
    record: str | None = None


class CorrectionOut(Schema):
    reference: UUID
    status: str = Field(description="`applied`, or `pending` while the shop checks it.")
    source: str
    record: str
    field: str
    value: str


def _correctable(user):
    return [
        {
            "source": entry["source"].name,
            "label": str(entry["source"].label),
            "fields": [
                {"name": name, "label": label, "checked": checked}
                for name, label, checked in entry["fields"]
            ],
            "records": [
                {
                    "record": record,
                    "values": {name: corrections.as_text(v) for name, v in values.items()},
                }
                for record, values in entry["records"]
            ],
        }
        for entry in corrections.correctable(user)
    ]


def _pending(user):
    labels = {}
    out = []
    for item in corrections.pending_of(user):
        key = (item.source, item.field)
        if key not in labels:
            try:
                labels[key] = corrections.field_label(
                    corrections.registry.get(item.source), item.field
                )
            except KeyError:
                labels[key] = item.field
        out.append(
            {
                "reference": item.request.reference,
                "source": item.source,
                "record": item.record,
                "field": item.field,
                "label": labels[key],
                "value": item.new_value,
                "received_at": item.request.received_at,
            }
        )
    return out


@router.get(
    "me/corrections/",
    response={**COMMON, 200: CorrectionsOut, 401: ErrorOut, 403: ErrorOut},
    url_name="me_corrections",
    summary="The data I can correct, with its current values, and corrections being checked",
)
def my_corrections(request):
    user = customer(request)
    return {"sources": _correctable(user), "pending": _pending(user)}


@router.post(
    "me/corrections/",
    response={
        **COMMON,
        200: CorrectionOut,
        202: CorrectionOut,
        401: ErrorOut,
        403: StepUpOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    url_name="me_correct",
    summary="Correct a field: applied at once (200), or checked by the shop first (202)",
    description=(
        "`record` names one of the source's records (from `GET`); it may be left out when "
        "there is one. `422 unknown_source`, `not_correctable`, `invalid_value` (the reason in "
        "`detail`); `404 unknown_record` for a record that is not yours; `409 "
        "correction_pending` while the same field waits for the shop. A field the shop checks "
        "needs a fresh verification (`403 step_up_required`)."
    ),
)
def correct(request, payload: CorrectionIn):
    user = customer(request)
    item = corrections.submit(
        user,
        payload.source,
        payload.field,
        payload.value,
        payload.record,
        proof=verification.step_up_proof(request),
    )
    body = {
        "reference": item.request.reference,
        "status": item.state,
        "source": item.source,
        "record": item.record,
        "field": item.field,
        "value": item.new_value,
    }
    return Status(202 if item.needs_check else 200, body)
