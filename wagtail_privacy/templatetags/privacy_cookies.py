"""Cookie consent in templates: ``{% load privacy_cookies %}``.

- ``{% cookie_banner %}``: the container the banner and settings dialog render into, with the
  module ``wagtail_privacy/cookies.js`` and its stylesheet, in the page's language;
- ``{% cookie_settings_link %}``: a button that opens the settings dialog (for the footer);
- ``{% has_cookie_consent "statistics" as ok %}``: whether the visitor allowed a category, for
  what the server renders itself (no database query in steady state);
- ``{% cookie_categories %}``: the categories and their cookies, for the cookie policy page.

The service is imported inside the tags: this library loads (``{% load %}``) before the cookie
domain's models are ready, e.g. while a template is compiled at import time.
"""

import functools
import logging

from django import template
from django.conf import settings
from django.db import DatabaseError
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext

register = template.Library()
logger = logging.getLogger("wagtail_privacy.cookies")

#: The API's cookies endpoint where the site mounts the API as the README says.
DEFAULT_API_URL = "/api/privacy/v1/cookies/"


def cookies_api_url():
    """The URL of ``GET/PUT .../cookies/`` where this site mounts the privacy API."""
    return _api_url(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=16)
def _api_url(urlconf, script_prefix):
    # Resolved once per URLconf and script prefix: the banner is on every page (a failed
    # reverse() costs as much as rendering the rest of the banner).
    try:
        return reverse("wagtail_privacy_api:cookies", urlconf=urlconf)
    except NoReverseMatch:
        pass
    try:
        # The endpoint's sibling, under the same prefix: ``<prefix>policies/``.
        policies = reverse("wagtail_privacy_api:policy_list", urlconf=urlconf)
    except NoReverseMatch:
        return DEFAULT_API_URL
    prefix = policies.rstrip("/").rsplit("/", 1)[0]
    return f"{prefix}/cookies/"


@register.inclusion_tag("wagtail_privacy/cookies/banner.html")
def cookie_banner(api=None, styles=True, position=None):
    """The banner's container and script; ``styles=False`` leaves the stylesheet to the site,
    ``position="bottom"`` pins the banner to the bottom of the window (default: in the flow)."""
    return {
        "api": api or cookies_api_url(),
        "position": position,
        "language": translation.get_language() or "",
        "styles": styles,
        # The few texts the module shows that the API does not send.
        "gpc_text": gettext(
            "Your browser sends a Global Privacy Control signal: we treat it as a refusal of "
            "marketing cookies."
        ),
        "error_text": gettext("Your choices could not be saved. Please try again."),
    }


@register.inclusion_tag("wagtail_privacy/cookies/settings_link.html")
def cookie_settings_link(label=None, css_class="privacy-cookies-link"):
    """A button that opens the cookie settings dialog (``data-cookie-settings``)."""
    return {"label": label or gettext("Cookie settings"), "css_class": css_class}


@register.simple_tag(takes_context=True)
def has_cookie_consent(context, key):
    """Whether the visitor of ``context["request"]`` allowed cookie category ``key``.

    Without a request (a template rendered outside a view, an email) nothing optional is
    allowed.
    """
    request = context.get("request")
    if request is None:
        return False
    from ..cookies import service

    try:
        return service.has_cookie_consent(request, key)
    except DatabaseError:
        # The page (an error page among them) still renders when the choices cannot be read,
        # with nothing optional allowed.
        logger.warning("Cookie choices could not be read; nothing optional allowed.", exc_info=True)
        return False


@register.inclusion_tag("wagtail_privacy/cookies/categories.html")
def cookie_categories(language=None):
    """The categories in ``language`` (the active language by default) with their cookies."""
    from ..cookies import service

    language = language or translation.get_language()
    categories = [
        {"category": category, "items": list(_items(category))}
        for category in service.categories(language=language)
    ]
    return {"categories": categories, "settings_label": gettext("Cookie settings")}


def _items(category):
    items = category.items
    # A list from the service; a related manager would need .all().
    return items.all() if hasattr(items, "all") else items
