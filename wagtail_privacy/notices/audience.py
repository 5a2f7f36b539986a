"""Who is told about a change, and in which language: the host's hooks and their defaults."""

from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string
from wagtail.coreutils import get_supported_content_language_variant

from ..conf import privacy_settings
from ..policies.resolution import default_language


def customers():
    """Active users who are not staff.

    Staff are the users flagged ``is_staff`` or ``is_superuser`` and those who may use the
    Wagtail admin (the *Can access Wagtail admin* permission, given to them or to one of
    their groups): editors and privacy officers have accounts too, but they are not the
    shop's customers, so the default audience and the privacy centre's figures leave them
    out. A user model without those flags or permissions counts every active user.
    """
    from django.contrib.auth.models import Permission

    User = get_user_model()
    fields = {field.name for field in User._meta.get_fields()}
    queryset = User._default_manager.filter(is_active=True).filter(
        **{flag: False for flag in ("is_staff", "is_superuser") if flag in fields}
    )
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    if "user_permissions" in fields:
        queryset = queryset.exclude(user_permissions__in=admin_access)
    if "groups" in fields:
        queryset = queryset.exclude(groups__permissions__in=admin_access)
    return queryset


def default_audience(version):
    """Customers (active users who are not staff, see ``customers``) with an email address."""
    return customers().exclude(**{get_user_model().get_email_field_name(): ""})


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
