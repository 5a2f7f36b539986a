from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.testapp.models import CustomerProfile
from wagtail_privacy.breaches.models import Breach


def user_with(username, *codenames):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    return user


@pytest.fixture
def officer(db):
    return user_with(
        "officer", "access_privacy_centre", "view_breach", "add_breach", "change_breach"
    )


@pytest.fixture
def staff(db):
    """Every model permission of the app, but not the privacy centre's."""
    user = user_with("staff")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_privacy").exclude(
            codename="access_privacy_centre"
        )
    )
    return user


@pytest.fixture
def make_breach(db):
    def make(hours_ago=10, notified_after=None, **fields):
        detected = timezone.now() - timedelta(hours=hours_ago)
        values = {
            "title": "Stolen backup",
            "detected_at": detected,
            "what_happened": "A backup of the customer database was stolen from a courier.",
            "data_categories": "Names, addresses, order history",
            "people_affected": 1200,
            "records_affected": 8400,
            "consequences": "Phishing emails that look like ours.",
            "measures": "Backups are now encrypted; passwords were reset.",
            "high_risk": True,
            **fields,
        }
        if notified_after is not None:
            values["authority_notified_at"] = detected + timedelta(hours=notified_after)
        return Breach.objects.create(**values)

    return make


@pytest.fixture
def make_customers(db):
    def make(count, language="en", prefix="c"):
        User = get_user_model()
        users = [
            User.objects.create_user(f"{prefix}{i}", f"{prefix}{i}@example.com", "pw")
            for i in range(count)
        ]
        CustomerProfile.objects.bulk_create(
            [CustomerProfile(user=u, language=language) for u in users]
        )
        return users

    return make
