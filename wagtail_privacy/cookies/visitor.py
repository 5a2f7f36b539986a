"""The visitor id: a random id in a first-party cookie, signed so that it cannot be forged.

It names no one: it only ties a browser's cookie choices together. A cookie that is not one
we signed (forged, unsigned, altered, oversized) is ignored, and replaced by a new id when a
choice is recorded. The cookie is strictly necessary (it remembers the choice), so it needs
no consent; it is set only when a choice is recorded.
"""

import re
import secrets

from django.core import signing

from ..conf import privacy_settings

SALT = "wagtail_privacy.cookies.visitor"
#: A longer cookie is not ours: ignored without being read.
MAX_LENGTH = 200
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _signer():
    return signing.Signer(salt=SALT)


def new_id():
    return secrets.token_urlsafe(18)


def signed(visitor_id):
    return _signer().sign(visitor_id)


def from_request(request):
    """The visitor id of ``request``'s cookie if we signed it, else None (memoised)."""
    try:
        return request._privacy_visitor_id
    except AttributeError:
        pass
    found = None
    value = request.COOKIES.get(privacy_settings.COOKIE_VISITOR_COOKIE, "")
    if value and len(value) <= MAX_LENGTH:
        try:
            candidate = _signer().unsign(value)
        except signing.BadSignature:
            candidate = None
        if candidate and _ID.match(candidate):
            found = candidate
    request._privacy_visitor_id = found
    return found


def ensure(request):
    """The request's visitor id, a new one if it has none (to be set with ``set_cookie``)."""
    found = from_request(request)
    if found is None:
        found = request._privacy_visitor_id = new_id()
    return found


def set_cookie(request, response, visitor_id):
    """Set the visitor cookie: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(
        privacy_settings.COOKIE_VISITOR_COOKIE,
        signed(visitor_id),
        max_age=privacy_settings.COOKIE_CONSENT_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
