"""Staff run the rights of account holders from a request they recorded (email, phone, post).

The person is verified first, as a guest is (``guests``): a link emailed to the account's own
address, or a proof staff saw, recorded with a note. Then staff run the customer's usual
services (``export``, ``closure``) for that request, with the step-up waived on the recorded
identity. What reaches the customer goes to the account's address (the export's link is
shown only in their account), never to the staff member.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import PrivacyError
from ..i18n import customer_languages
from ..verification.service import without_step_up
from . import closure, export, guests, ledger
from .models import RequestChannel, RequestKind, RequestStatus

#: What staff can run for an account, by the request's kind.
ACTIONS = {
    RequestKind.ACCESS: "export",
    RequestKind.DEACTIVATION: "deactivate",
    RequestKind.ERASURE: "delete",
}


def open_for_account(user, kind, *, channel, received_at, actor, note=""):
    """Staff open a request for an account, awaiting the person's identity (the clock paused)."""
    return ledger.open_request(
        kind=kind,
        channel=channel,
        user=user,
        received_at=received_at,
        actor=actor,
        note=note,
        status=RequestStatus.AWAITING_IDENTITY,
        language=customer_languages([user])[user.pk],
    )


def action_of(request):
    """The action staff may run now for ``request``, or None (not an account's, identity not
    confirmed, closed, or a right run otherwise)."""
    if (
        request.user_id is None
        or request.channel == RequestChannel.SELF_SERVICE
        or not request.identity_confirmed_at
        or not request.is_open
    ):
        return None
    return ACTIONS.get(request.kind)


def _check(request, action):
    if request.user_id is None or request.channel == RequestChannel.SELF_SERVICE:
        raise PrivacyError(
            _("Only a request staff recorded for an account can be run from here."),
            code="invalid_input",
            status=422,
        )
    if not request.is_open:
        raise PrivacyError(_("This request is closed."), code="request_closed", status=409)
    if not request.identity_confirmed_at:
        raise PrivacyError(
            _("Confirm the person's identity first: by the emailed link or a recorded proof."),
            code="identity_not_confirmed",
            status=409,
        )
    if ACTIONS.get(request.kind) != action:
        raise PrivacyError(
            _("This action does not answer this request's right."),
            code="invalid_input",
            status=422,
        )


def _proof(request, actor):
    # The step-up a customer does themselves is replaced by the identity staff recorded.
    return without_step_up(f"staff: identity verified by {request.identity_method}", staff=actor)


def start_export(request, *, actor):
    """Build the customer's usual export for ``request``; the ready email goes to the account's
    address and the link is shown only in the account."""
    _check(request, "export")
    with transaction.atomic():
        export.free_request_export(request)
        made = export.request_export(request.user, proof=_proof(request, actor), request=request)
        ledger.set_status(
            request,
            RequestStatus.IN_PROGRESS,
            actor=actor,
            note=_("Export started; the customer is emailed when it is ready in their account."),
        )
    return made


def deactivate(request, *, actor):
    """Deactivate the account, as the customer would: they are emailed, with the way back."""
    _check(request, "deactivate")
    return closure.deactivate(
        request.user, proof=_proof(request, actor), request=request, actor=actor
    )


def schedule_deletion(request, *, actor):
    """Schedule the account's deletion after the grace period, or refuse with its blockers."""
    _check(request, "delete")
    try:
        return closure.request_deletion(
            request.user, proof=_proof(request, actor), request=request, actor=actor
        )
    except closure.DeletionBlocked as error:
        found = error.params.get("blockers", [])
        raise closure.DeletionBlocked(
            _("The account cannot be deleted yet: %(blockers)s")
            % {"blockers": "; ".join(b["message"] for b in found)},
            params={"blockers": found},
        ) from None


def blockers(request):
    """What keeps the account of ``request`` from deletion now (shown to staff)."""
    if request.user_id is None:
        return []
    return closure.blockers(request.user)


def confirm_identity(request, method, *, actor, note=""):
    """Record the proof staff saw; the same rules as for guests."""
    return guests.confirm_identity(request, method, actor=actor, note=note)
