"""The doors: how a refusal raised by a service or a guard reaches the person.

The services and guards only raise (``StepUpRequired``, ``AcceptanceRequired``, both
``ActionRequired``); they never build a response. Each door renders them:

- the JSON API (``wagtail_privacy.api.errors``): ``{"code": ..., "detail": ..., **params}``
  with the error's status and headers;
- pages (this module): a browser is sent where it can act, the accept page for
  ``AcceptanceRequired`` (``?next=`` the page it came from, only a local URL) and
  ``STEP_UP_URL`` for ``StepUpRequired`` (else a 403 page saying to confirm it is them in their
  account). A script calling a page (``Accept: application/json``, a JSON body, an
  ``XMLHttpRequest``) gets the API's JSON instead.

A host's own view calls a service and renders what it raises::

    from wagtail_privacy.exceptions import ActionRequired
    from wagtail_privacy.verification import doors, service as verification

    def export_my_data(request):
        try:
            exports.request_export(request.user, proof=verification.step_up_proof(request))
        except ActionRequired as refusal:
            return doors.respond(request, refusal)
        ...

or decorates it with ``@doors.answers_refusals``, or lets ``AcceptanceMiddleware`` render it.
"""

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponseRedirect, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from ..conf import privacy_settings
from ..exceptions import AcceptanceRequired, ActionRequired, StepUpRequired
from ..i18n import render_in_language

STEP_UP_TEMPLATE = "wagtail_privacy/verification/step_up_required.html"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def wants_html(request, default=True):
    """Whether ``request`` is a browser's (a page answers) rather than a script's (JSON).

    The first media type ``Accept`` names explicitly decides (``*/*`` names none); else a JSON
    body or ``X-Requested-With: XMLHttpRequest`` means a script; else ``default``.
    """
    for media in request.accepted_types:
        kind = f"{media.main_type}/{media.sub_type}".lower()
        if kind in HTML_TYPES:
            return True
        if kind == "application/json" or kind.endswith("+json"):
            return False
    if request.content_type == "application/json":
        return False
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return False
    return default


def safe_next(request, url=None):
    """``url`` (default: the page asked for) if it stays on this site, else None."""
    url = request.get_full_path() if url is None else url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _with_next(url, next_url):
    if not next_url:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'next': next_url})}"


def json_response(refusal):
    """The API's answer, for a page called by a script: the same body, status and headers."""
    response = JsonResponse(refusal.as_dict(), status=refusal.status)
    for header, value in refusal.headers.items():
        response[header] = value
    return response


def html_response(request, refusal, next_url=None):
    """A browser's answer: a redirect where it can act, or the step-up page (403).

    ``next_url``: where to come back to (default: the page asked for); dropped unless local.
    """
    back = safe_next(request, next_url)
    if isinstance(refusal, AcceptanceRequired):
        response = HttpResponseRedirect(_with_next(refusal.accept_url, back))
    elif isinstance(refusal, StepUpRequired) and privacy_settings.STEP_UP_URL:
        response = HttpResponseRedirect(_with_next(privacy_settings.STEP_UP_URL, back))
    elif isinstance(refusal, StepUpRequired):
        context = {
            "code": refusal.code,
            "message": refusal.message,
            "account_url": privacy_settings.ACCOUNT_URL,
        }
        response = render_in_language(request, STEP_UP_TEMPLATE, context, status=refusal.status)
    else:  # another ActionRequired: the JSON body says what, in any case
        response = json_response(refusal)
    add_never_cache_headers(response)
    return response


def respond(request, refusal, *, default_html=True, next_url=None):
    """Render a refusal through the door the request came in by: HTML, or the API's JSON.

    ``default_html``: the answer when the request does not say (no ``Accept`` type named).
    """
    if wants_html(request, default_html):
        return html_response(request, refusal, next_url)
    return json_response(refusal)


def answers_refusals(view=None, *, default_html=True):
    """Decorate a view so that an ``ActionRequired`` it raises is answered by ``respond``.

    Only catches: whatever raised it (a service, ``require_step_up``) is the guard.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ActionRequired as refusal:
                return respond(request, refusal, default_html=default_html)

        return wrapper

    return decorate(view) if view is not None else decorate
