"""The shop's layout: links to the current page in every language, and the localized home."""

from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.http import QueryDict
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page, Site

register = template.Library()

#: The namespace of wagtail-privacy's pages (accept, unsubscribe, reactivate). The pages reached
#: from an email speak the customer's language unless ``?locale=`` names the reader's choice.
PRIVACY_PAGES = "wagtail_privacy"


def _with_locale(url, code):
    parts = urlsplit(url)
    query = QueryDict(parts.query, mutable=True)
    query["locale"] = code
    return urlunsplit(parts._replace(query=query.urlencode()))


def _page_urls(page, request):
    """{language: URL} of ``page``'s live translations; a policy page keeps its route, so
    ``/sl/privacy-policy/versions/3/`` links to ``/privacy-policy/versions/3/``."""
    own = page.get_url(request) or ""
    path = request.path if request is not None else own
    rest = path[len(own) :] if own and path.startswith(own) else ""
    urls = {}
    for translated in page.get_translations(inclusive=True).live().select_related("locale"):
        url = translated.get_url(request)
        if url:
            urls[translated.locale.language_code] = url + rest
    return urls


def _view_urls(request):
    """{language: URL} of a Django view inside ``i18n_patterns`` (the same address in every
    language means there is nothing to switch)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {}
    full_path = request.get_full_path()
    # The page may speak another language than its address (a link from a customer's email):
    # the address is read in its own language.
    own = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(own):
            url = translate_url(full_path, code)
        if match.namespace == PRIVACY_PAGES:
            url = _with_locale(url, code)
        urls[code] = url
    if len({urlsplit(url).path for url in urls.values()}) < 2:
        return {}
    return urls


@register.simple_tag(takes_context=True)
def language_links(context):
    """The language switcher's links: [{code, name, url, current}], in ``LANGUAGES`` order.

    Empty when the page exists in one language only, or its address does not change with the
    language (the orders page, error pages).
    """
    request = context.get("request")
    page = context.get("page")
    if request is None:
        return []
    if isinstance(page, Page):
        urls = _page_urls(page, request)
    else:
        urls = _view_urls(request)
    if len(urls) < 2:
        return []
    current = translation.get_language()
    names = dict(settings.LANGUAGES)
    return [
        {
            "code": code,
            "name": names[code],
            "url": urls[code],
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
        if code in urls
    ]


@register.simple_tag(takes_context=True)
def home_url(context):
    """The home page in the active language (``/``, ``/sl/``...)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    root = site.root_page if site is not None else None
    if root is None:
        return "/"
    return root.localized.get_url(request) or "/"
