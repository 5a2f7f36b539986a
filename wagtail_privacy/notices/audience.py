"""Who is told about a change, and in which language: the host's hooks and their defaults."""

from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string
from wagtail.coreutils import get_supported_content_language_variant

from ..conf import privacy_settings
from ..policies.resolution import default_language


def default_audience(version):
    """Active users with an email address."""
    return get_user_model()._default_manager.filter(is_active=True).exclude(email="")


def audience(version):
    path = privacy_settings.NOTICE_AUDIENCE
    return (import_string(path) if path else default_audience)(version)


def attribute_languages(users):
    """The ``language`` attribute of each user, where the user model or a property has one."""
    return {user.pk: getattr(user, "language", None) for user in users}


def customer_languages(users):
    """Map each user's pk to a supported content language (default language as a fallback)."""
    path = privacy_settings.CUSTOMER_LANGUAGE
    found = (import_string(path) if path else attribute_languages)(users)
    fallback = default_language()
    languages = {}
    for user in users:
        code = found.get(user.pk)
        try:
            languages[user.pk] = get_supported_content_language_variant(code) if code else fallback
        except LookupError:
            languages[user.pk] = fallback
    return languages
