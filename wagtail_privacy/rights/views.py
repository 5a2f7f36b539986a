"""The reactivation page people reach from the emailed link: GET asks, POST reactivates.

GET already checks the link, so a link that cannot work says so before the customer is asked
anything. A refused link answers a page that says so, never a server error, and changes
nothing; its status is the one the API answers for the same link: 400 or 404
``invalid_token``, 409 ``closure_not_cancellable`` (erased, or being erased), 410
``link_expired`` or ``link_superseded``. The page is in the language of the customer the link
names (that of the email it came from), else in the reader's (``Accept-Language``, as the API).
"""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..conf import privacy_settings
from ..exceptions import NotFound, PrivacyError
from ..i18n import request_language
from ..notices.audience import customer_languages
from ..policies.resolution import default_language
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


def _check(token, closure):
    """Raise what ``closures.reactivate(token)`` would refuse with, changing nothing.

    Returns whether the link was used already (the account is active again).
    """
    max_age = timedelta(  # as closures.reactivate
        days=max(privacy_settings.DEACTIVATED_RETENTION_DAYS, privacy_settings.DELETION_GRACE_DAYS)
        + 1
    )
    try:
        signing.loads(token, salt=closures.REACTIVATE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise PrivacyError(_("This link has expired."), code="link_expired", status=410) from None
    except signing.BadSignature:
        raise PrivacyError(_("This link is not valid."), code="invalid_token", status=400) from None
    if closure is None:
        raise NotFound(_("This link is not valid."), code="invalid_token")
    if closure.state == ClosureState.CANCELLED:
        newer = AccountClosure.objects.filter(
            user_id=closure.user_id, pk__gt=closure.pk, state__in=ClosureState.active_values()
        )
        if closure.user_id and newer.exists():
            raise PrivacyError(
                _(
                    "This link belongs to an earlier request and no longer works: "
                    "use the link in the latest email."
                ),
                code="link_superseded",
                status=410,
            )
        return True
    if closure.state not in (ClosureState.WARNED, ClosureState.SCHEDULED):
        raise PrivacyError(
            _("This account can no longer be reactivated."),
            code="closure_not_cancellable",
            status=409,
        )
    return False


def _language(request, closure):
    """The customer's language, or the reader's when the link names nobody (left)."""
    user = closure.user if closure is not None else None
    if user is not None:
        return customer_languages([user])[user.pk]
    try:
        return request_language(request)
    except PrivacyError:  # an unknown ?locale=
        return default_language()


def _render(request, template, context, status=200):
    """The page in the active language, which its ``Content-Language`` says too."""
    response = render(request, template, context, status=status)
    response["Content-Language"] = translation.get_language()
    return response


def _error(request, error):
    context = {
        "code": error.code,
        "message": error.message,
        "hint": HINTS.get(error.code, ""),
    }
    return _render(request, ERROR_TEMPLATE, context, status=error.status)


def reactivate_page(request, token):
    closure = _named(token)
    with translation.override(_language(request, closure)):
        try:
            done = _check(token, closure)
            if request.method == "POST":
                closures.reactivate(token)
                done = True
        except PrivacyError as error:
            return _error(request, error)
        return _render(request, TEMPLATE, {"done": done})
