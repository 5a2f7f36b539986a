"""Making customers accept required versions: a view decorator and a middleware.

Both pass the request to the gate: a customer whose session shows every requirement met
goes through with no query, no cache call and no session write.
"""

import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ..conf import privacy_settings
from . import gate


def _missing_payload(missing):
    return {
        "code": "policy_acceptance_required",
        "detail": _("Accept the current version of these policies to continue."),
        "policies": [{"policy": r.slug, "version": r.number} for r in missing],
    }


def acceptance_required(view):
    """Refuse signed-in customers who have not accepted a required version: 403 JSON.

    Works on Django views and on Django Ninja operations (both take ``request`` first).
    Anonymous requests pass through: authenticate them with your own decorator first.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if user is None or gate.passes(user, getattr(request, "session", None)):
            return view(request, *args, **kwargs)
        missing = gate.missing_acceptances(user, request=request)
        if missing:
            return JsonResponse(_missing_payload(missing), status=403)
        return view(request, *args, **kwargs)

    return wrapper


def accept_url():
    return privacy_settings.ACCEPT_URL or reverse("wagtail_privacy:accept")


class AcceptanceMiddleware:
    """Redirect signed-in customers of server-rendered sites to the accept page.

    Exempt: anonymous users, staff (``ACCEPTANCE_EXEMPT_STAFF``), the accept page, static and
    media files, the Wagtail admin, the privacy API, and ``ACCEPTANCE_EXEMPT_URLS``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefixes = None

    def exempt_prefixes(self):
        """The exempt URL prefixes in every language of the site, worked out once.

        The accept page may sit inside ``i18n_patterns`` (``/sl/privacy/accept/``): the
        prefixes of all languages count, whichever language the first request had.
        """
        if self._prefixes is None:
            prefixes = set()
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    prefixes.update(self._reversed_prefixes())
            for setting in ("STATIC_URL", "MEDIA_URL"):
                value = getattr(settings, setting, None)
                if value and value.startswith("/"):
                    prefixes.add(value)
            self._prefixes = tuple(sorted(prefixes))
        return self._prefixes

    @staticmethod
    def _reversed_prefixes():
        yield accept_url()
        for name in ("wagtailadmin_home", "wagtail_privacy_api:policy_list", "admin:index"):
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            yield url.removesuffix("policies/")

    def _exempt(self, request):
        path = request.path_info
        if path.startswith(self.exempt_prefixes()):
            return True
        return any(re.match(pattern, path) for pattern in privacy_settings.ACCEPTANCE_EXEMPT_URLS)

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Cheapest first: the session answers for almost every request without any I/O.
        if (
            user is not None
            and user.is_authenticated
            and not gate.passes(user, getattr(request, "session", None))
            and not (privacy_settings.ACCEPTANCE_EXEMPT_STAFF and user.is_staff)
            and not self._exempt(request)
            and gate.missing_acceptances(user, request=request)
        ):
            return HttpResponseRedirect(
                f"{accept_url()}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
