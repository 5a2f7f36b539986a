"""The verification devices source covers every django-otp plugin the site installs."""

import pytest
from django_otp.plugins.otp_hotp.models import HOTPDevice
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from wagtail_privacy.sources import registry

pytestmark = pytest.mark.django_db


def test_a_plugin_device_is_exported_and_erased_with_the_built_in_ones(customer, other_customer):
    source = registry.get("verification_devices")
    TOTPDevice.objects.create(user=customer, name="phone", confirmed=True)
    StaticDevice.objects.create(user=customer, name="codes", confirmed=True)
    hotp = HOTPDevice.objects.create(user=customer, name="key fob", confirmed=False)
    HOTPDevice.objects.create(user=other_customer, name="theirs", confirmed=True)

    records = list(source.records(customer))
    assert [(r["type"], r["name"], r["confirmed"]) for r in records] == [
        ("totp", "phone", True),
        ("backup_codes", "codes", True),
        ("hotp", "key fob", False),
    ]
    assert hotp.key not in str(records)  # never a secret
    assert source.count_for([customer]) == 3

    results = source.erase_many([customer])
    assert results[customer.pk].deleted == 3
    assert not HOTPDevice.objects.filter(user=customer).exists()
    assert HOTPDevice.objects.filter(user=other_customer).count() == 1  # only theirs went
