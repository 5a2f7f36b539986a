"""JSON error bodies: a stable ``code`` and a translated ``detail``."""

import logging

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from ..exceptions import PrivacyError

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


class ErrorOut(Schema):
    code: str
    detail: str


class FieldError(Schema):
    loc: list[str]
    msg: str


class InvalidOut(ErrorOut):
    errors: list[FieldError] = []


class StepUpOut(ErrorOut):
    """A 403; with ``step_up_required`` (``StepUpRequired``), how long a verification counts
    (``max_age``, seconds) and how this customer can verify (``methods``: ``totp``, ``email``,
    ``backup``, a device plugin's name)."""

    max_age: int | None = None
    methods: list[str] | None = None


#: Every stable error ``code`` the API answers with, by HTTP status; the OpenAPI document lists
#: them on each error response.
ERROR_CODES = {
    400: ["unknown_locale", "same_version", "invalid_token", "bad_request", "bad_request_body"],
    401: ["not_authenticated"],
    403: [
        "csrf_failed",
        "step_up_required",
        "invalid_link",
        "policy_acceptance_required",
        "forbidden",
    ],
    404: [
        "not_found",
        "unknown_policy",
        "unknown_version",
        "unknown_notice",
        "unknown_export",
        "unknown_purpose",
        "no_pending_deletion",
        "unknown_record",
    ],
    409: [
        "version_superseded",
        "version_withdrawn",
        "already_accepted",
        "not_declinable",
        "no_common_language",
        "export_not_ready",
        "deletion_blocked",
        "closure_pending",
        "closure_not_cancellable",
        "purpose_retired",
        "request_closed",
        "request_overdue",
        "no_email",
        "identity_not_confirmed",
        "export_exists",
        "objection_permanent",
        "not_restricted",
        "correction_pending",
        "correction_decided",
        "correction_exists",
    ],
    410: ["link_expired", "link_superseded", "export_expired"],
    413: ["body_too_large"],
    415: ["unsupported_media_type"],
    422: [
        "invalid_input",
        "unknown_channel",
        "unknown_source",
        "not_correctable",
        "invalid_value",
        "unknown_cookie_category",
        "cookie_category_necessary",
    ],
    429: ["throttled", "rate_limited"],
    503: ["pdf_not_ready"],
}


def describe_error_codes(schema):
    """Write the possible ``code`` values into every error response of an OpenAPI document."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                codes = ERROR_CODES.get(int(status)) if str(status).isdigit() else None
                if codes:
                    listed = ", ".join(f"`{code}`" for code in codes)
                    response["description"] = f"Error; `code` is one of {listed}."
    return schema


#: Responses every operation may give: bad input, a body that is not JSON, and a language the
#: site does not have.
COMMON = {400: ErrorOut, 415: ErrorOut, 422: InvalidOut}

#: Methods whose request body Django reads (for the CSRF check or the payload), so may refuse.
BODY_METHODS = ("post", "put", "patch", "delete")


def describe_body_errors(schema):
    """Add the body errors (413 too large, 400 unreadable) to every operation that takes a body.

    They come from Django reading the body, before any endpoint runs, so they are documented
    here once rather than in each endpoint's ``response``.
    """
    error = {"$ref": f"#/components/schemas/{ErrorOut.__name__}"}
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ErrorOut.__name__, ErrorOut.model_json_schema())
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in BODY_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in (400, 413):
                if status not in responses and str(status) not in responses:
                    responses[status] = {
                        "description": "Error",
                        "content": {"application/json": {"schema": error}},
                    }
    return schema


def error_response(api, request, status, code, detail, **extra):
    response = api.create_response(
        request, {"code": code, "detail": str(detail), **extra}, status=status
    )
    if status == 429 and extra.get("retry_after"):
        response["Retry-After"] = str(int(extra["retry_after"]))
    return response


def install_handlers(api):
    @api.exception_handler(PrivacyError)
    def privacy_error(request, exc):
        # The API's door for every refusal of the services, the guards' (``StepUpRequired``,
        # ``AcceptanceRequired``) included: their body, status and headers.
        response = error_response(api, request, exc.status, exc.code, exc.message, **exc.params)
        for header, value in exc.headers.items():
            response[header] = value
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        errors = [
            {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return error_response(
            api, request, 422, "invalid_input", _("The request is not valid."), errors=errors
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return error_response(
            api, request, 401, "not_authenticated", _("Sign in to use this endpoint.")
        )

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        extra = {"retry_after": int(exc.wait)} if exc.wait else {}
        return error_response(
            api, request, 429, "throttled", _("Too many requests: try again later."), **extra
        )

    @api.exception_handler(RawPostDataException)
    def form_body(request, exc):
        # A form body (multipart or urlencoded) was read as a form by the CSRF check.
        return error_response(
            api,
            request,
            415,
            "unsupported_media_type",
            _("Send the request body as JSON (Content-Type: application/json)."),
        )

    @api.exception_handler(RequestDataTooBig)
    def body_too_large(request, exc):
        # Over DATA_UPLOAD_MAX_MEMORY_SIZE, read by the payload parsing or the CSRF check.
        return _body_error(
            api, request, exc, 413, "body_too_large", _("The request body is too large.")
        )

    def unreadable_body(request, exc):
        # Too many form fields or files, a malformed multipart body, a body cut short.
        return _body_error(
            api, request, exc, 400, "bad_request_body", _("The request body could not be read.")
        )

    for exception in (
        TooManyFieldsSent,
        TooManyFilesSent,
        MultiPartParserError,
        BadRequest,
        UnreadablePostError,
    ):
        api.add_exception_handler(exception, unreadable_body)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 403 and "CSRF" in str(exc):
            return error_response(
                api,
                request,
                403,
                "csrf_failed",
                _("CSRF check failed: send the csrftoken cookie in the X-CSRFToken header."),
            )
        code = HTTP_CODES.get(exc.status_code, "error")
        return error_response(api, request, exc.status_code, code, str(exc))


def _body_error(api, request, exc, status, code, detail):
    """A JSON error for a body Django refused to read, logged where Django logs it."""
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        # As Django does: reading request.POST again would raise again while answering.
        request._mark_post_parse_error()
    response = error_response(api, request, status, code, detail)
    if isinstance(exc, SuspiciousOperation):
        logger = logging.getLogger(f"django.security.{exc.__class__.__name__}")
        log_response(
            str(exc),
            request=request,
            response=response,
            exception=exc,
            level="error",
            logger=logger,
        )
    else:
        log_response(
            "Bad request (Unable to read request body): %s",
            request.path,
            request=request,
            response=response,
            exception=exc,
        )
    return response
