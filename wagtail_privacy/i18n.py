"""Languages, for every domain: the shop's default, each customer's (``Host.customer_languages``),
and the one a reader gets (``?locale=``, then ``Accept-Language``, then the default), or that
a page's URL prefix or language switcher names."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from wagtail.coreutils import get_supported_content_language_variant

from .exceptions import PrivacyError
from .hosts import host


def default_language():
    """The shop's default content language (``LANGUAGE_CODE``, as Wagtail supports it)."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def active_language():
    """The active language as a content language the site has, else the default one."""
    try:
        return get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return default_language()


def one_per_key(objects, language=None):
    """Of translatable ``objects`` (snippets sharing a ``key`` across locales), one per key: in
    ``language``, else the default language, else any."""
    preferred = [language or default_language(), default_language()]
    chosen = {}
    for item in objects:
        code = item.locale.language_code
        rank = preferred.index(code) if code in preferred else len(preferred)
        held = chosen.get(item.key)
        if held is None or rank < held[0]:
            chosen[item.key] = (rank, item)
    return [item for _rank, item in chosen.values()]


def customer_languages(users):
    """Map each user's pk to a supported content language (default language as a fallback)."""
    found = host().customer_languages(users)
    fallback = default_language()
    languages = {}
    for user in users:
        code = found.get(user.pk)
        try:
            languages[user.pk] = get_supported_content_language_variant(code) if code else fallback
        except LookupError:
            languages[user.pk] = fallback
    return languages


class UnknownLocale(PrivacyError):
    code = "unknown_locale"
    status = 400


def request_language(request):
    """Content language for ``request``; raises ``UnknownLocale`` for an unknown ``?locale=``."""
    requested = request.GET.get("locale")
    if requested is not None:
        try:
            return get_supported_content_language_variant(requested.strip())
        except LookupError:
            raise UnknownLocale(
                _("The locale “%(locale)s” is not available.") % {"locale": requested[:20]},
                params={"locale": requested[:20]},
            ) from None
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return get_supported_content_language_variant(code)
        except LookupError:
            continue
    return default_language()


def reader_language(request):
    """``request_language``, with the default language for an unknown ``?locale=``."""
    try:
        return request_language(request)
    except UnknownLocale:
        return default_language()


def chosen_language(request):
    """The language the reader picked with ``?locale=`` (a language switcher), else None."""
    if "locale" not in request.GET:
        return None
    try:
        return request_language(request)
    except UnknownLocale:
        return None


def url_language(request):
    """The language of the URL's prefix (``/sl/privacy/...``), else None."""
    code = translation.get_language_from_path(request.path_info)
    if not code:
        return None
    try:
        return get_supported_content_language_variant(code)
    except LookupError:
        return None


def link_language(request, user=None):
    """The language of a page opened from an email link: the reader's choice (``?locale=``),
    else that of the customer the link names, else the URL's prefix, else ``Accept-Language``."""
    chosen = chosen_language(request)
    if chosen:
        return chosen
    if user is not None:
        return customer_languages([user])[user.pk]
    return url_language(request) or reader_language(request)


def language_name(code):
    """The name of the language ``code`` in the active language ("sl" → "Slovenian")."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


def render_in_language(request, template, context, status=200):
    """A page in the active language, which its ``Content-Language`` says too."""
    response = render(request, template, context, status=status)
    response["Content-Language"] = translation.get_language()
    return response
