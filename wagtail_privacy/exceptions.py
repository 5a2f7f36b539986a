"""Errors raised by the service layer; each carries a stable machine-readable ``code``.

The guards are errors too (``StepUpRequired``, ``AcceptanceRequired``): the services raise
them, and each door renders them in its way (the JSON API: a 403 with the ``code``; the pages:
a redirect or an HTML page, ``wagtail_privacy.verification.doors``).
"""

from django.utils.translation import gettext as _


class PrivacyError(Exception):
    """A refusal the caller can show to a person: ``code`` is stable, ``message`` translated."""

    code = "error"
    status = 400

    def __init__(self, message, *, code=None, status=None, params=None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.params = params or {}

    @property
    def headers(self):
        """HTTP headers every door answers with: ``Retry-After`` for a 429 that knows when."""
        retry = self.params.get("retry_after")
        if self.status == 429 and retry:
            return {"Retry-After": str(int(retry))}
        return {}

    def as_dict(self):
        """The JSON body of the refusal: ``code``, translated ``detail``, then the params."""
        return {"code": self.code, "detail": str(self.message), **self.params}


class NotFound(PrivacyError):
    code = "not_found"
    status = 404


class ActionRequired(PrivacyError):
    """The person must do something first: confirm it is them, accept a policy.

    Raised by the services and the guards, never turned into a response by them: the API
    answers JSON, the pages redirect or explain (``wagtail_privacy.verification.doors``).
    """

    status = 403


class StepUpRequired(ActionRequired):
    """The customer must confirm it is them (a fresh step-up verification) before this.

    ``max_age``: seconds a verification counts; ``methods``: how this customer can verify
    (``"totp"``, ``"email"``, ``"backup"``, a device plugin's name). Build it with
    ``wagtail_privacy.verification.service.step_up_error(user)``.
    """

    code = "step_up_required"

    def __init__(self, message=None, *, max_age, methods):
        super().__init__(
            message or _("Confirm it is you: verify with a one-time code first."),
            params={"max_age": int(max_age), "methods": list(methods)},
        )

    @property
    def max_age(self):
        return self.params["max_age"]

    @property
    def methods(self):
        return self.params["methods"]


class AcceptanceRequired(ActionRequired):
    """The customer owes the acceptance of required policy versions.

    ``policies``: ``[{"policy": slug, "version": number}, ...]`` to accept; ``accept_url``:
    the page that asks for them (``ACCEPT_URL``, else the built-in one), also sent as the
    ``Location`` header so a client can take the customer there.
    """

    code = "policy_acceptance_required"

    def __init__(self, message=None, *, policies, accept_url):
        super().__init__(
            message or _("Accept the current version of these policies to continue."),
            params={"policies": list(policies), "accept_url": accept_url},
        )

    @property
    def policies(self):
        return self.params["policies"]

    @property
    def accept_url(self):
        return self.params["accept_url"]

    @property
    def headers(self):
        return {"Location": self.accept_url}


class ImmutableRecordError(Exception):
    """Raised when code tries to alter or delete a record that is part of the legal record."""
