"""The registry of personal-data sources: order, built-ins, host sources, the contract."""

import pytest

from wagtail_privacy.rights.registry import DataSource, ModelSource, Registry, registry


def test_built_in_and_host_sources_in_order():
    names = [s.name for s in registry.sources()]
    assert names[:9] == [
        "account",
        "sessions",
        "acceptances",
        "notices",
        "consents",
        "data_requests",
        "data_exports",
        "verification_devices",
        "activity_log",
    ]
    assert names[-3:] == ["orders", "invoices", "addresses"]  # the test app's own sources


def test_order_then_name():
    local = Registry()

    class B(DataSource):
        name, order = "b", 5

    class A(DataSource):
        name, order = "a", 5

    class First(DataSource):
        name, order = "first", 1

    for cls in (B, A, First):
        local.register(cls)
    assert [s.name for s in local.sources()] == ["first", "a", "b"]


def test_contract_is_enforced():
    local = Registry()

    class Nameless(DataSource):
        pass

    with pytest.raises(TypeError):
        local.register(Nameless)

    class Spaced(DataSource):
        name = "has space"

    with pytest.raises(ValueError):
        local.register(Spaced)

    class Lazy(DataSource):
        name = "lazy"

    with pytest.raises(NotImplementedError):
        list(Lazy().records(None))


@pytest.mark.django_db
def test_model_source_streams_the_users_rows(customer, other_customer):
    from django.utils import timezone

    from tests.testapp.models import Order

    Order.objects.create(customer=customer, number="A-1", placed_at=timezone.now(), total=10)
    Order.objects.create(customer=other_customer, number="B-1", placed_at=timezone.now(), total=5)
    source = registry.get("orders")
    assert isinstance(source, ModelSource)
    assert [r["number"] for r in source.records(customer)] == ["A-1"]


@pytest.mark.django_db
def test_device_source_never_exports_secrets(customer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=customer, name="phone", confirmed=True)
    [record] = registry.get("verification_devices").records(customer)
    assert record["type"] == "totp" and record["name"] == "phone"
    assert device.key not in str(record)
