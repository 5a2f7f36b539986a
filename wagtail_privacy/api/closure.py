"""Closing an account: deactivation, deletion (and cancelling it), reactivation by link."""

from datetime import datetime

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import SessionAuth

from ..rights import closure as closures
from ..rights.models import ClosureKind
from ..verification.service import step_up_proof
from .auth import customer_auth
from .errors import COMMON, ErrorOut, StepUpOut
from .me import customer

router = Router(tags=["me"], auth=customer_auth())
public = Router(tags=["account"])
ERRORS = {401: ErrorOut, 403: ErrorOut}


class PendingDeletionSession(SessionAuth):
    """Session auth that also admits a customer whose deletion is pending (so they can cancel).

    Their account is inactive during the grace period, which Django's own session auth refuses.
    Like Ninja's ``django_auth`` (its class is this one's base), it runs Django's CSRF check
    before anything else, for every caller: a signed-in customer, and a customer whose session
    is admitted only because their deletion is pending, alike. A failed check answers 403
    ``csrf_failed``; an operation marked ``csrf_exempt`` skips it, as with ``django_auth``.
    """

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return None
        candidate = get_user_model()._default_manager.filter(pk=session[SESSION_KEY]).first()
        if candidate is None or not constant_time_compare(
            session.get(HASH_SESSION_KEY, ""), candidate.get_session_auth_hash()
        ):
            return None
        pending = closures.active_closure(candidate)
        if pending is None or pending.kind != ClosureKind.DELETION:
            return None
        request.user = candidate
        return candidate


class ClosureOut(Schema):
    state: str
    kind: str
    scheduled_for: datetime


class BlockerOut(Schema):
    source: str
    code: str
    message: str


class BlockedOut(ErrorOut):
    blockers: list[BlockerOut]


def _closure(item):
    return {"state": item.state, "kind": item.kind, "scheduled_for": item.scheduled_for}


@router.post(
    "me/deactivation/",
    response={**COMMON, 200: ClosureOut, 409: ErrorOut, **ERRORS, 403: StepUpOut},
    url_name="me_deactivate",
    summary="Deactivate my account now; data kept for a while, then erased",
)
def deactivate(request):
    user = customer(request)
    # The service refuses without a fresh step-up (StepUpRequired, answered 403 by the API).
    item = closures.deactivate(user, proof=step_up_proof(request))
    from django.contrib.auth import logout

    logout(request)
    return _closure(item)


@router.post(
    "me/deletion/",
    response={**COMMON, 202: ClosureOut, 409: BlockedOut, **ERRORS, 403: StepUpOut},
    url_name="me_delete",
    summary="Delete my account after a grace period (409 lists what blocks it)",
)
def delete(request):
    item = closures.request_deletion(customer(request), proof=step_up_proof(request))
    return Status(202, _closure(item))


@router.delete(
    "me/deletion/",
    response={**COMMON, 200: ClosureOut, 404: ErrorOut, 409: ErrorOut, **ERRORS},
    url_name="me_delete_cancel",
    summary="Cancel my pending deletion during the grace period",
    auth=[PendingDeletionSession()],
)
def cancel_deletion(request):
    from ..exceptions import NotFound

    pending = closures.active_closure(request.auth)
    if pending is None or pending.kind != ClosureKind.DELETION:
        raise NotFound(_("No deletion is pending."), code="no_pending_deletion")
    closures.cancel(pending)
    pending.refresh_from_db()
    return _closure(pending)


class ReactivatedOut(Schema):
    reactivated: bool


@public.post(
    "reactivate/{token}/",
    response={
        **COMMON,
        200: ReactivatedOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        410: ErrorOut,
    },
    url_name="reactivate",
    summary="Reactivate a deactivated account, or cancel a pending deletion, by emailed link",
    auth=None,
)
def reactivate(request, token: str):
    closures.reactivate(token)
    return {"reactivated": True}
