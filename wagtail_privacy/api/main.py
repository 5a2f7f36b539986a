"""The JSON API: one NinjaAPI, routers per domain, JSON errors, the reader's language."""

from functools import wraps

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import escape_leading_slashes
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from ..exceptions import PrivacyError
from ..i18n import reader_language, request_language
from .closure import public as reactivate_router
from .closure import router as closure_router
from .consent import public as unsubscribe_router
from .consent import router as consent_router
from .cookies import public as cookies_router
from .corrections import router as corrections_router
from .errors import describe_body_errors, describe_error_codes, error_response, install_handlers
from .information import router as information_router
from .me import router as me_router
from .policies import router as policies_router
from .public_requests import public as public_requests_router
from .restriction import router as restriction_router
from .rights import router as rights_router


class PrivacyAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = describe_body_errors(super().get_openapi_schema(**kwargs))
        return describe_error_codes(schema)


api = PrivacyAPI(
    title="wagtail-privacy",
    version="1",
    description=(
        "Policies with their versions, and the signed-in customer's privacy centre. Errors are "
        "JSON objects with a stable `code` and a translated `detail`; a request body over the "
        "site's upload limit answers 413 `body_too_large`. Responses honour "
        "`?locale=` and `Accept-Language`."
    ),
    urls_namespace="wagtail_privacy_api",
)
install_handlers(api)


def in_reader_language(view):
    """Run the view in the reader's language; the language is on ``request.privacy_language``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            language = request_language(request)
        except PrivacyError as exc:
            return error_response(api, request, exc.status, exc.code, exc.message, **exc.params)
        request.privacy_language = language
        with translation.override(language):
            response = view(request, *args, **kwargs)
        # A view may serve another language's document (a PDF without text in this one).
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


api.add_router("", policies_router)
api.add_router("", me_router)
api.add_router("", information_router)
api.add_router("", rights_router)
api.add_router("", corrections_router)
api.add_router("", consent_router)
api.add_router("", restriction_router)
api.add_router("", unsubscribe_router)
api.add_router("", closure_router)
api.add_router("", reactivate_router)
api.add_router("", public_requests_router)
api.add_router("", cookies_router)
api.add_decorator(in_reader_language, mode="view")


def _unmatched(request):
    """Any other path under the API's prefix, whatever the method: the JSON 404 ``not_found``.

    Mounted after the endpoints (``wagtail_privacy.api.urls``), so an unknown path answers like
    an unknown policy rather than with the site's HTML error page. A GET or HEAD without the
    trailing slash of an endpoint is redirected to it, as Django's ``APPEND_SLASH`` does.
    """
    redirect = _with_slash(request)
    if redirect:
        return redirect
    language = reader_language(request)
    with translation.override(language):
        response = error_response(api, request, 404, "not_found", _("Not found."))
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return response


#: The view of every path the API does not know (its CSRF check would answer HTML first).
not_found = csrf_exempt(_unmatched)


def _with_slash(request):
    path = request.path_info
    if request.method not in ("GET", "HEAD") or not settings.APPEND_SLASH or path.endswith("/"):
        return None
    try:
        match = resolve(f"{path}/", getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if match.func is not_found:
        return None
    return HttpResponsePermanentRedirect(
        escape_leading_slashes(request.get_full_path(force_append_slash=True))
    )
