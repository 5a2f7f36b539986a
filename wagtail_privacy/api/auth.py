"""Authentication of the signed-in endpoints, pluggable through ``API_AUTHENTICATION``."""

from django.utils.module_loading import import_string

from ..conf import privacy_settings


def customer_auth():
    """The Ninja auth objects of ``API_AUTHENTICATION`` (classes are instantiated)."""
    auths = []
    for path in privacy_settings.API_AUTHENTICATION:
        auth = import_string(path)
        auths.append(auth() if isinstance(auth, type) else auth)
    return auths
