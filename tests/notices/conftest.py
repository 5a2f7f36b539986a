import pytest
from django.contrib.auth import get_user_model

from tests.testapp.models import CustomerProfile


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


@pytest.fixture
def policy_page(policies):
    page = policies.create(title="Privacy policy", text="We keep your orders.")
    page = policies.publish(page, level="editorial", summary="First")
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Hranimo naročila.")
    sl.save_revision().publish()
    page.sl = sl
    return page
