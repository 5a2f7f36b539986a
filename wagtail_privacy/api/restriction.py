"""Restriction of processing (GDPR Art. 18): the customer restricts it, and lifts it."""

from datetime import datetime

from ninja import Field, Router, Schema

from ..consent import service as consent
from ..restriction import current
from ..rights import restriction
from .auth import customer_auth
from .errors import COMMON, ErrorOut
from .me import customer

router = Router(tags=["me"], auth=customer_auth())
ERRORS = {401: ErrorOut, 403: ErrorOut}


class RestrictionOut(Schema):
    restricted: bool = Field(
        description="Whether processing of my data is restricted: it is kept, and the "
        "purposes below are paused (my choices are kept)."
    )
    since: datetime | None
    lift_on: datetime | None = Field(
        description="When staff lift the restriction (I was emailed beforehand); null if not "
        "announced. Restricting again keeps it."
    )
    suspended: list[str] = Field(
        description="Keys of the purposes paused while restricted (all purposes editors mark "
        "as paused by a restriction: marketing and profiling)."
    )


def _state(user):
    held = current(user)
    return {
        "restricted": held is not None,
        "since": held.started_at if held else None,
        "lift_on": held.lift_on if held else None,
        "suspended": [p.key for p in consent.purposes() if p.suspended_by_restriction],
    }


@router.get(
    "me/restriction/",
    response={**COMMON, 200: RestrictionOut, **ERRORS},
    url_name="me_restriction",
    summary="Whether processing of my data is restricted",
)
def restriction_state(request):
    return _state(customer(request))


@router.post(
    "me/restriction/",
    response={**COMMON, 200: RestrictionOut, **ERRORS},
    url_name="me_restrict",
    summary="Restrict processing: keep my data, pause marketing and profiling",
)
def restrict(request):
    user = customer(request)
    restriction.restrict(user)
    return _state(user)


@router.delete(
    "me/restriction/",
    response={**COMMON, 200: RestrictionOut, 409: ErrorOut, **ERRORS},
    url_name="me_lift_restriction",
    summary="Lift my restriction (at once)",
)
def lift(request):
    user = customer(request)
    restriction.lift(user)
    return _state(user)
