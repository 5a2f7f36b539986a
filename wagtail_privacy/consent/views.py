"""The unsubscribe page people reach from an email: GET confirms, POST unsubscribes.

It is also the ``List-Unsubscribe`` link: a browser opening it gets the confirmation (a GET,
like a mail scanner fetching it, changes nothing), and a mail provider's RFC 8058 one-click
``POST`` (``List-Unsubscribe=One-Click``, no session, no CSRF token) unsubscribes at once.

A link that cannot work answers a page that says so, never a server error, and changes
nothing. Its status is the one the API answers for the same link: 400 ``invalid_token``, 404
``unknown_purpose`` (renamed or deleted since, and never granted), 422 ``unknown_channel``,
429 ``throttled``; a refusal that asks the customer to act (``ActionRequired``) is
answered by the pages' door instead. The page speaks the language the reader chose
(``?locale=``, as the layout's language switcher links), else that of the customer the link
names (the email's), else the URL's (``/sl/privacy/...``), else the reader's
(``Accept-Language``, as the API).
"""

from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..client import client_details
from ..exceptions import ActionRequired, PrivacyError
from ..i18n import (
    chosen_language,
    link_language,
    reader_language,
    render_in_language,
    url_language,
)
from ..verification.doors import answers_refusals, respond
from . import service, unsubscribe
from .models import Channel

TEMPLATE = "wagtail_privacy/consent/unsubscribe.html"
ERROR_TEMPLATE = "wagtail_privacy/consent/unsubscribe_error.html"

#: For a stale link, plainer words than the service's (which name the purpose by its key).
MESSAGES = {
    "unknown_purpose": gettext_lazy(
        "This link is out of date: these messages are no longer sent, so there is nothing to "
        "unsubscribe from."
    ),
    "unknown_channel": gettext_lazy(
        "This link is out of date: these messages are no longer sent this way, so there is "
        "nothing to unsubscribe from."
    ),
}
#: What the reader can do about it.
HINTS = {
    "invalid_token": gettext_lazy(
        "Open the link from the email again: it may have been cut short."
    ),
}


def _error(request, error):
    """The page for a refused link, in the active language, with the service's status."""
    if isinstance(error, ActionRequired):
        return respond(request, error)  # a redirect, or the step-up page
    context = {
        "code": error.code,
        "message": MESSAGES.get(error.code, error.message),
        "hint": HINTS.get(error.code, ""),
    }
    response = render_in_language(request, ERROR_TEMPLATE, context, status=error.status)
    if error.status == 429 and error.params.get("retry_after"):
        response["Retry-After"] = str(int(error.params["retry_after"]))
    return response


@csrf_exempt  # the signed token is the proof; mail clients post without a session (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@answers_refusals
def unsubscribe_page(request, token):
    chosen = chosen_language(request)
    # Until the link names someone: the reader's choice, the URL's language, Accept-Language.
    with translation.override(chosen or url_language(request) or reader_language(request)):
        try:
            subject, purpose_key, channel = unsubscribe.resolve(token)
        except PrivacyError as error:
            return _error(request, error)
    language = link_language(request, subject.user)
    with translation.override(language):
        try:
            # Refuses a purpose or channel that never existed; one deleted since still works.
            service.check_withdrawal(subject, purpose_key, channel)
            done = False
            if request.method == "POST":
                unsubscribe.unsubscribe(
                    token,
                    **client_details(request),
                )
                done = True
        except PrivacyError as error:
            return _error(request, error)
        try:
            purpose = service.get_purpose(purpose_key, language)
            name, description = purpose.name, purpose.description
        except PrivacyError:
            name, description = purpose_key, ""  # deleted since: its key is all that is left
        context = {
            "purpose": {"key": purpose_key, "name": name, "description": description},
            "channel": dict(Channel.choices).get(channel, channel),
            "done": done,
            "already": not done and not service.has_consent(subject, purpose_key, channel),
            "language": language,
        }
        return render_in_language(request, TEMPLATE, context)
