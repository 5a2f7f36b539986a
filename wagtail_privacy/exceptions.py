"""Errors raised by the service layer; each carries a stable machine-readable ``code``."""


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


class NotFound(PrivacyError):
    code = "not_found"
    status = 404


class ImmutableRecordError(Exception):
    """Raised when code tries to alter or delete a record that is part of the legal record."""
