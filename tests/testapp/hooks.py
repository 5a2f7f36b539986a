"""The host adapters the tests configure through WAGTAIL_PRIVACY["HOST"]."""

from django.contrib.auth import get_user_model

from wagtail_privacy.hosts import Host

from .models import CustomerProfile


def profile_languages(users):
    """One query per batch, as a host should write it."""
    return dict(CustomerProfile.objects.filter(user__in=users).values_list("user_id", "language"))


class ProfileHost(Host):
    """The tests' shop: languages from ``CustomerProfile``."""

    def customer_languages(self, users):
        return profile_languages(users)


class EveryoneHost(ProfileHost):
    """Tells every active user, staff included."""

    def notice_audience(self, version):
        return get_user_model().objects.filter(is_active=True)
