"""The JSON API: one NinjaAPI, routers per domain, JSON errors, the reader's language."""

from functools import wraps

from django.utils import translation
from django.utils.cache import patch_vary_headers
from ninja import NinjaAPI

from ..exceptions import PrivacyError
from ..i18n import request_language
from .closure import public as reactivate_router
from .closure import router as closure_router
from .consent import public as unsubscribe_router
from .consent import router as consent_router
from .errors import describe_body_errors, describe_error_codes, error_response, install_handlers
from .me import router as me_router
from .policies import router as policies_router
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
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


api.add_router("", policies_router)
api.add_router("", me_router)
api.add_router("", rights_router)
api.add_router("", consent_router)
api.add_router("", unsubscribe_router)
api.add_router("", closure_router)
api.add_router("", reactivate_router)
api.add_decorator(in_reader_language, mode="view")
