"""The registry of personal-data sources: order, built-ins, host sources, the contract."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from wagtail_privacy.sources import DataSource, ErasureResult, ModelSource, Registry, registry


def test_built_in_and_host_sources_in_order():
    names = [s.name for s in registry.sources()]
    assert names[:12] == [
        "account",
        "sessions",
        "acceptances",
        "declines",
        "notices",
        "consents",
        "cookie_choices",
        "data_requests",
        "restrictions",
        "data_exports",
        "verification_devices",
        "activity_log",
    ]
    assert names[-3:] == ["orders", "invoices", "addresses"]  # the test app's own sources


class Kept(DataSource):
    erasable, kept_reason = False, "Kept for the test."


def test_order_then_name():
    local = Registry()

    class B(Kept):
        name, order = "b", 5

    class A(Kept):
        name, order = "a", 5

    class First(Kept):
        name, order = "first", 1

    for cls in (B, A, First):
        local.register(cls)
    assert [s.name for s in local.sources()] == ["first", "a", "b"]


def test_contract_is_enforced():
    local = Registry()

    class Nameless(Kept):
        pass

    with pytest.raises(ImproperlyConfigured, match="needs a name"):
        local.register(Nameless)

    class Spaced(Kept):
        name = "has space"

    with pytest.raises(ImproperlyConfigured, match="letters, digits"):
        local.register(Spaced)

    with pytest.raises(ImproperlyConfigured, match="not a DataSource"):
        local.register(object)

    class Lazy(Kept):
        name = "lazy"

    with pytest.raises(NotImplementedError):
        list(Lazy().records(None))


def test_a_source_that_does_not_say_how_it_erases_is_refused():
    """Fail closed: forgetting ``erase`` must not turn into a receipt saying "0 deleted"."""
    local = Registry()

    class Forgetful(DataSource):
        name, label, fields = "forgetful", "Forgetful", ("n",)

        def records(self, user):
            yield {"n": 1}

    with pytest.raises(ImproperlyConfigured, match="does not say how its records are erased"):
        local.register(Forgetful)
    assert local.sources() == []
    with pytest.raises(NotImplementedError):
        Forgetful().erase(None)

    class Silent(DataSource):
        name, erasable = "silent", False

    with pytest.raises(ImproperlyConfigured, match="kept_reason"):
        local.register(Silent)

    class BatchOnly(DataSource):
        name = "batch_only"

        def erase_many(self, users):
            return {user.pk: ErasureResult(deleted=2) for user in users}

    local.register(BatchOnly)
    user = type("U", (), {"pk": 7})()
    assert BatchOnly().erase(user).deleted == 2  # erase() goes through erase_many


def test_a_second_source_under_a_taken_name_is_refused():
    local = Registry()

    class Orders(Kept):
        name = "orders"

    class OtherOrders(Kept):
        name = "orders"

    local.register(Orders)
    local.register(Orders)  # the same class again (a module imported twice) is harmless
    with pytest.raises(ImproperlyConfigured, match="Two data sources are named 'orders'"):
        local.register(OtherOrders)
    local.unregister("orders")
    local.register(OtherOrders)
    assert [type(s) for s in local.sources()] == [OtherOrders]


def test_host_sources_are_refused_at_start_up_when_a_name_is_taken():
    """The built-in registry refuses a host source named like a built-in one."""

    class Account(Kept):
        name = "account"

    with pytest.raises(ImproperlyConfigured, match="Two data sources are named 'account'"):
        registry.register(Account)
    assert registry.get("account").__class__.__name__ == "AccountSource"


@pytest.mark.django_db
def test_records_kept_whole_are_reported_kept_on_erasure(customer, other_customer):
    from django.utils import timezone

    from tests.testapp.models import Order
    from tests.testapp.privacy_sources import OrderSource

    class Ledger(OrderSource):
        name = "kept_orders"
        erasable, kept_reason = False, "The tax office may ask for them."

    for n in range(2):
        Order.objects.create(customer=customer, number=f"K-{n}", placed_at=timezone.now(), total=1)
    results = Ledger().erase_many([customer, other_customer])
    assert (results[customer.pk].deleted, results[customer.pk].anonymised) == (0, 0)
    [hold] = results[customer.pk].held
    assert (hold.reason, hold.count, hold.until) == ("The tax office may ask for them.", 2, None)
    assert results[other_customer.pk].held[0].count == 0
    assert Order.objects.filter(customer=customer).count() == 2  # nothing was touched


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
