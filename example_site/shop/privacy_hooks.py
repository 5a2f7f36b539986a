"""The demo shop's answers to wagtail-privacy's questions (WAGTAIL_PRIVACY["HOST"])."""

from wagtail_privacy.hosts import Host

from .models import CustomerProfile


class ShopHost(Host):
    def customer_languages(self, users):
        """Each customer's preferred language, one query per batch of customers."""
        return dict(
            CustomerProfile.objects.filter(user__in=users).values_list("user_id", "language")
        )
