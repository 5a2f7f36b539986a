"""``step_up_required``: sensitive views need a fresh verification."""

from functools import wraps

from django.http import JsonResponse
from django.utils.translation import gettext as _

from ..conf import privacy_settings
from .service import is_verified


def step_up_payload():
    return {
        "code": "step_up_required",
        "detail": _("Confirm it is you: verify with a one-time code first."),
        "max_age": privacy_settings.STEP_UP_MAX_AGE,
    }


def step_up_required(view):
    """403 ``step_up_required`` unless the session verified within ``STEP_UP_MAX_AGE``.

    Works on Django views and Django Ninja operations; put it inside your authentication.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_verified(request):
            return JsonResponse(step_up_payload(), status=403)
        return view(request, *args, **kwargs)

    return wrapper
