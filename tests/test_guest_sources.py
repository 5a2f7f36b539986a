"""Sources find the records of guests (no account) by email address, and erase them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from tests.testapp.models import Address, Order
from wagtail_privacy.consent.models import ConsentRecord
from wagtail_privacy.sources import DataSource, ErasureResult, ModelSource, Registry, registry

pytestmark = pytest.mark.django_db


def order(number, *, customer=None, email="", days_ago=1, note="ring twice"):
    return Order.objects.create(
        customer=customer,
        email=email,
        number=number,
        placed_at=timezone.now() - timedelta(days=days_ago),
        total=Decimal("9.90"),
        delivery_note=note,
    )


def test_guest_orders_are_found_by_their_address_only(customer):
    order("G-1", email="Guest@Example.com")
    order("G-2", email="other@example.com")
    order("A-1", customer=customer, email="guest@example.com")  # an account's: never by email
    found = list(registry.get("orders").records_for_email("guest@example.com"))
    assert [record["number"] for record in found] == ["G-1"]
    assert set(found[0]) == set(registry.get("orders").fields)


def test_erasing_by_email_deletes_the_guest_rows_only(customer):
    order("G-1", email="guest@example.com")
    order("G-2", email="other@example.com")
    order("A-1", customer=customer, email="guest@example.com")
    result = registry.get("orders").erase_email("GUEST@example.com ")
    assert result.deleted == 1
    assert sorted(Order.objects.values_list("number", flat=True)) == ["A-1", "G-2"]
    assert registry.get("orders").erase_email("guest@example.com").deleted == 0  # twice: safe


class HeldGuestOrders(ModelSource):
    name, label, model, user_field, email_field = (
        "held_orders",
        "Orders",
        Order,
        "customer",
        "email",
    )
    fields = ("number", "delivery_note")
    hold_years, hold_from, hold_reason = 5, "placed_at", "Contract data."
    anonymise = {"delivery_note": ""}


def test_held_guest_rows_are_anonymised_and_no_longer_found():
    order("OLD", email="guest@example.com", days_ago=6 * 366)
    order("NEW", email="guest@example.com")
    source = HeldGuestOrders()
    result = source.erase_email("guest@example.com")
    assert (result.deleted, result.anonymised) == (1, 1)
    assert result.held[0].reason == "Contract data." and result.held[0].until > timezone.now()
    kept = Order.objects.get()
    assert (kept.number, kept.email, kept.delivery_note) == ("NEW", "", "")
    assert list(source.records_for_email("guest@example.com")) == []


def test_sources_without_guests_find_nothing():
    assert list(registry.get("addresses").records_for_email("ana@example.com")) == []
    assert registry.get("addresses").erase_email("ana@example.com") == ErasureResult()


def test_a_source_finding_guests_must_erase_them():
    local = Registry()

    class Finds(DataSource):
        name, label, fields = "finds", "Finds", ("a",)

        def records(self, user):
            return []

        def erase(self, user):
            return ErasureResult()

        def records_for_email(self, email):
            return [{"a": 1}]

    with pytest.raises(ImproperlyConfigured, match="erase_email"):
        local.register(Finds)

    class OwnErasure(ModelSource):
        name, label, model, user_field, email_field = "own", "Own", Order, "customer", "email"
        fields = ("number",)

        def erase_many(self, users):
            return {user.pk: ErasureResult() for user in users}

    with pytest.raises(ImproperlyConfigured, match="erase_email"):
        local.register(OwnErasure)

    class Kept(Finds):
        name, erasable, kept_reason = "kept", False, "Kept for the test."

    local.register(Kept)
    assert local.get("kept").erase_email("x@example.com").held[0].count == 1


def test_consents_given_as_a_guest_are_found_and_erased_by_email(customer, locales):
    from wagtail_privacy.consent.models import ConsentPurpose
    from wagtail_privacy.consent.service import record

    ConsentPurpose.objects.create(key="newsletter", name="Newsletter", locale=locales["en"])
    record("guest@example.com", "newsletter", "email", True, source="signup", ip="203.0.113.9")
    record(customer, "newsletter", "email", True, source="account")
    source = registry.get("consents")
    found = list(source.records_for_email("Guest@example.com"))
    assert [(r["purpose_key"], r["granted"]) for r in found] == [("newsletter", True)]
    result = source.erase_email("guest@example.com")
    assert result.anonymised == 2  # the grant, and the withdrawal the erasure recorded
    assert list(source.records_for_email("guest@example.com")) == []
    guest = ConsentRecord.objects.filter(user__isnull=True)
    assert set(guest.values_list("email", "ip_address")) == {("", None)}
    assert ConsentRecord.objects.filter(user=customer).count() == 1


def test_a_bad_email_field_is_reported():
    from wagtail_privacy.checks import check_sources

    class NoSuchField(ModelSource):
        name, label, model, user_field = "no_field", "No field", Order, "customer"
        fields, email_field = ("number",), "mail"

    class NotText(ModelSource):
        name, label, model, user_field = "not_text", "Not text", Order, "customer"
        fields, email_field = ("number",), "placed_at"

    class AlwaysAUser(ModelSource):
        name, label, model, user_field = "always_user", "Always", Address, "customer"
        fields, email_field = ("street",), "street"

    for cls in (NoSuchField, NotText, AlwaysAUser):
        registry.register(cls)
    try:
        problems = [(p.id, p.msg) for p in check_sources()]
    finally:
        for cls in (NoSuchField, NotText, AlwaysAUser):
            registry.unregister(cls.name)
    assert sorted(problems) == [
        (
            "wagtail_privacy.E040",
            f"Data source 'always_user' ({AlwaysAUser.__qualname__}): email_field finds rows "
            "without a user, but user_field 'customer' of testapp.Address is never empty.",
        ),
        (
            "wagtail_privacy.E040",
            f"Data source 'no_field' ({NoSuchField.__qualname__}): email_field 'mail' must name "
            "a text field of testapp.Order holding the guest's email address.",
        ),
        (
            "wagtail_privacy.E040",
            f"Data source 'not_text' ({NotText.__qualname__}): email_field 'placed_at' must name "
            "a text field of testapp.Order holding the guest's email address.",
        ),
    ]


def test_a_held_source_must_blank_the_guest_address():
    from wagtail_privacy.checks import check_sources

    registry.register(HeldGuestOrders)
    try:
        problems = [(p.id, p.hint) for p in check_sources()]
    finally:
        registry.unregister(HeldGuestOrders.name)
    assert problems == [("wagtail_privacy.E041", 'Add "email": "" to anonymise.')]
