"""What wagtail-privacy asks of the shop it runs in: one adapter class, set as ``HOST``.

The defaults suit a shop whose user model is Django's (or close to it)::

    # shop/privacy.py
    from wagtail_privacy.hosts import Host

    class ShopHost(Host):
        def customer_languages(self, users):
            return dict(Profile.objects.filter(user__in=users).values_list("user", "language"))

        def last_activity(self, users):
            return dict(
                Order.objects.filter(customer__in=users)
                .values("customer")
                .annotate(last=Max("placed_at"))
                .values_list("customer", "last")
            )

    # settings.py
    WAGTAIL_PRIVACY = {"HOST": "shop.privacy.ShopHost"}

Every method receives a batch of users (a list or queryset) and should answer in one query.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from .conf import privacy_settings


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


class Host:
    """The shop's answers to wagtail-privacy's questions; subclass it to change any of them."""

    def notice_audience(self, version):
        """The users told about ``version``: by default customers (see ``customers``) with an
        email address."""
        return customers().exclude(**{get_user_model().get_email_field_name(): ""})

    def customer_languages(self, users):
        """``{user pk: language code}`` for ``users``; missing or unsupported codes get the
        default language. By default a ``language`` attribute of the user, where it has one."""
        return {user.pk: getattr(user, "language", None) for user in users}

    def last_activity(self, users):
        """``{user pk: datetime}`` of activity the shop knows of beyond signing in (the last
        order, say); an account is inactive only if both are older than
        ``INACTIVE_ACCOUNT_DAYS``. By default nothing."""
        return {}

    def recipient_identifiers(self, users, recipient):
        """``{user pk: identifier}``: what names each customer to ``recipient`` (a
        ``Recipient`` whose ``identifier`` is "host"), such as the customer number the shop
        gave it. By default the user's primary key, which reveals nothing new."""
        return {user.pk: str(user.pk) for user in users}


@cache
def _host(path):
    cls = import_string(path) if path else Host
    if not (isinstance(cls, type) and issubclass(cls, Host)):
        raise TypeError(f"WAGTAIL_PRIVACY['HOST'] must name a subclass of Host, not {path!r}.")
    return cls()


def host():
    """The shop's ``Host`` (``HOST``), one instance per process."""
    return _host(privacy_settings.HOST)


def _reset(*, setting, **kwargs):
    if setting == "WAGTAIL_PRIVACY":
        _host.cache_clear()


setting_changed.connect(_reset)
