"""The reactivation page people reach from the emailed link: GET asks, POST reactivates.

GET already checks the link, so a link that cannot work says so before the customer is asked
anything. A refused link answers a page that says so, never a server error, and changes
nothing; its status is the one the API answers for the same link: 400 or 404
``invalid_token``, 409 ``closure_not_cancellable`` (erased, or being erased), 410
``link_expired`` or ``link_superseded``; a refusal that asks the customer to act
(``ActionRequired``) is answered by the pages' door instead. The page speaks the language
the reader chose (``?locale=``, as the layout's language switcher links), else that of the
customer the link names (that of the email it came from), else the URL's
(``/sl/privacy/...``), else the reader's (``Accept-Language``, as the API).
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from ..exceptions import ActionRequired, PrivacyError
from ..i18n import (
    chosen_language,
    link_language,
    render_in_language,
)
from ..verification.doors import answers_refusals, respond
from . import closure as closures
from .models import AccountClosure, ClosureState

TEMPLATE = "wagtail_privacy/rights/reactivate.html"
ERROR_TEMPLATE = "wagtail_privacy/rights/reactivate_error.html"

#: What the reader can do about a refused link.
HINTS = {
    "invalid_token": gettext_lazy(
        "Open the link from the email again: it may have been cut short."
    ),
}


def _named(token):
    """The closure a correctly signed link names, even an expired one; else None."""
    try:
        data = signing.loads(token, salt=closures.REACTIVATE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return AccountClosure.objects.select_related("user").filter(pk=data.get("c")).first()
    except (TypeError, ValueError, ValidationError):
        return None


def _check(token):
    """Raise what ``closures.reactivate(token)`` would refuse with, changing nothing.

    Returns whether the link was used already (the account is active again).
    """
    closure = closures.reactivation_closure(token)
    if closure.state == ClosureState.CANCELLED:
        return True
    if closure.state not in ClosureState.cancellable_values():
        raise PrivacyError(
            _("This account can no longer be reactivated."),
            code="closure_not_cancellable",
            status=409,
        )
    return False


def _error(request, error):
    if isinstance(error, ActionRequired):
        return respond(request, error)  # a redirect, or the step-up page
    context = {
        "code": error.code,
        "message": error.message,
        "hint": HINTS.get(error.code, ""),
    }
    return render_in_language(request, ERROR_TEMPLATE, context, status=error.status)


@never_cache
@answers_refusals
def reactivate_page(request, token):
    closure = _named(token)
    with translation.override(link_language(request, closure.user if closure else None)):
        try:
            done = _check(token)
            if request.method == "POST":
                closures.reactivate(token)
                done = True
        except PrivacyError as error:
            return _error(request, error)
        return render_in_language(request, TEMPLATE, {"done": done})


# --- Confirming a request by email address --------------------------------------------------

CONFIRM_TEMPLATE = "wagtail_privacy/rights/confirm_request.html"
CONFIRM_ERROR_TEMPLATE = "wagtail_privacy/rights/confirm_request_error.html"


@never_cache
@answers_refusals
def confirm_request_page(request, token):
    """GET checks the link and asks (mail scanners open links: a GET changes nothing); POST
    confirms, and a guest's export or erasure starts (an account's, staff run). A refused link
    answers its page with the API's status (400 ``invalid_token``, 410 ``link_expired`` or
    ``link_superseded``)."""
    from . import guests

    named = guests.named_request(token)
    language = chosen_language(request) or (named.language if named else "") or None
    with translation.override(language or link_language(request)):
        try:
            item = guests.check_token(token)
            done = False
            if request.method == "POST":
                item = guests.confirm(token)
                done = True
        except PrivacyError as error:
            context = {
                "code": error.code,
                "message": error.message,
                "hint": HINTS.get(error.code, ""),
            }
            return render_in_language(request, CONFIRM_ERROR_TEMPLATE, context, status=error.status)
        return render_in_language(
            request,
            CONFIRM_TEMPLATE,
            {
                "done": done,
                "kind": item.kind,
                "label": item.get_kind_display(),
                "account": bool(item.user_id),
            },
        )
