"""Making customers accept required versions: a view decorator and a middleware.

Both pass the request to the gate: a customer whose session shows every requirement met
goes through with no query, no cache call and no session write. A customer who owes an
acceptance is refused with ``AcceptanceRequired``, rendered by the door the request came in
by (``wagtail_privacy.verification.doors``): a browser is redirected to the accept page, a
script gets the 403 JSON ``policy_acceptance_required``.
"""

import re
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from ..conf import privacy_settings
from ..exceptions import AcceptanceRequired, ActionRequired
from ..verification.doors import answers_refusals, respond
from . import gate


def accept_url():
    return privacy_settings.ACCEPT_URL or reverse("wagtail_privacy:accept")


def acceptance_error(missing):
    """``AcceptanceRequired`` for the requirements ``missing`` (``gate.missing_acceptances``)."""
    return AcceptanceRequired(
        policies=[{"policy": r.slug, "version": r.number} for r in missing],
        accept_url=accept_url(),
    )


def require_acceptance(request):
    """Raise ``AcceptanceRequired`` if the signed-in customer owes an acceptance.

    Anonymous requests pass: authenticate them first.
    """
    user = getattr(request, "user", None)
    if user is None or gate.passes(user, getattr(request, "session", None)):
        return
    missing = gate.missing_acceptances(user, request=request)
    if missing:
        raise acceptance_error(missing)


def acceptance_required(view):
    """Refuse signed-in customers who have not accepted a required version.

    Works on Django views and on Django Ninja operations (both take ``request`` first): a
    browser is redirected to the accept page, any other request gets the 403 JSON
    ``policy_acceptance_required`` (with ``policies`` and ``accept_url``), as before.
    Anonymous requests pass through: authenticate them with your own decorator first.
    """

    @wraps(view)
    @answers_refusals(default_html=False)
    def wrapper(request, *args, **kwargs):
        require_acceptance(request)
        return view(request, *args, **kwargs)

    return wrapper


class AcceptanceMiddleware:
    """Redirect signed-in customers of server-rendered sites to the accept page.

    Exempt: anonymous users, staff (``ACCEPTANCE_EXEMPT_STAFF``), the accept page, the
    privacy centre (``ACCOUNT_URL``'s path: export and closing stay in reach), static and
    media files, the Wagtail admin, the privacy API, and ``ACCEPTANCE_EXEMPT_URLS``. The
    refusal goes through the doors: a page asked for by a script (``Accept:
    application/json``) gets the 403 JSON instead of the redirect. It also renders an
    ``ActionRequired`` a view lets out (a service refusing for want of a step-up).
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
        # A customer who declined must still reach their privacy centre: export, closing.
        account = urlsplit(privacy_settings.ACCOUNT_URL or "").path
        if account not in ("", "/"):
            yield account
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
        ):
            missing = gate.missing_acceptances(user, request=request)
            if missing:
                return respond(request, acceptance_error(missing))
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A refusal a view did not render itself: answered through the doors."""
        if isinstance(exception, ActionRequired):
            return respond(request, exception)
        return None
