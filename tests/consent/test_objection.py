"""Objection (GDPR Art. 21): purposes based on legitimate interest count until the customer
objects, per purpose and channel; an objection to direct marketing is final."""

import pytest

from tests.consent.helpers import API, put, signed_in
from wagtail_privacy.consent import service, unsubscribe
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord
from wagtail_privacy.rights.models import DataRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(locales):
    """Offers to existing customers: legitimate interest, direct marketing, email and SMS."""
    return ConsentPurpose.objects.create(
        key="offers",
        name="Offers for customers",
        wording="We email our customers offers on teas like those they bought.",
        legal_basis="legitimate_interest",
        direct_marketing=True,
        email=True,
        sms=True,
        locale=locales["en"],
    )


@pytest.fixture
def surveys(locales):
    """Satisfaction surveys: legitimate interest, not direct marketing."""
    return ConsentPurpose.objects.create(
        key="surveys",
        name="Surveys",
        wording="We may ask how you liked your order.",
        legal_basis="legitimate_interest",
        locale=locales["en"],
    )


def listed(client, key):
    [purpose] = [p for p in client.get(f"{API}/me/consents/").json() if p["key"] == key]
    return purpose


def test_a_purpose_of_legitimate_interest_counts_until_the_customer_objects(
    customer, surveys, django_capture_on_commit_callbacks
):
    assert service.has_consent(customer, "surveys", "email") is True
    assert service.has_consent(customer, "surveys", "sms") is False  # not offered by SMS
    client = signed_in(customer)
    purpose = listed(client, "surveys")
    assert purpose["objectable"] is True and purpose["direct_marketing"] is False
    assert [(c["channel"], c["granted"], c["objected"]) for c in purpose["channels"]] == [
        ("email", True, False)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = put(
            client,
            "surveys",
            {"email": False},
            HTTP_USER_AGENT="Shop",
            REMOTE_ADDR="192.0.2.10",
        )

    assert response.status_code == 200
    assert service.has_consent(customer, "surveys", "email") is False
    [channel] = listed(client, "surveys")["channels"]
    assert channel["granted"] is False and channel["objected"] is True and channel["since"]
    # The same proof as a consent: wording, policy version, when, how, from where.
    [record] = ConsentRecord.objects.all()
    assert (record.purpose_key, record.channel, record.granted, record.objection) == (
        "surveys",
        "email",
        False,
        True,
    )
    assert record.wording_sha256 == surveys.wording_sha256 and record.source == "account"
    assert record.ip_address == "192.0.2.0" and record.user_agent == "Shop"
    # The right exercised is in the requests ledger, done.
    [request] = DataRequest.objects.all()
    assert (request.kind, request.status, request.user) == ("objection", "completed", customer)
    assert "surveys (email)" in " ".join(request.events.values_list("note", flat=True))

    # Not direct marketing: the customer may change their mind.
    assert put(client, "surveys", {"email": True}).status_code == 200
    assert service.has_consent(customer, "surveys", "email") is True
    assert [r.granted for r in service.history(customer)] == [True, False]


def test_an_objection_to_direct_marketing_is_final(customer, offers):
    client = signed_in(customer)
    assert listed(client, "offers")["direct_marketing"] is True
    assert put(client, "offers", {"email": False}).status_code == 200
    assert service.has_consent(customer, "offers", "email") is False
    assert service.has_consent(customer, "offers", "sms") is True  # per channel

    response = put(client, "offers", {"email": True, "sms": False})

    assert response.status_code == 409 and response.json()["code"] == "objection_permanent"
    assert service.has_consent(customer, "offers", "email") is False
    assert service.has_consent(customer, "offers", "sms") is True  # nothing of it was recorded
    assert ConsentRecord.objects.count() == 1


def test_unsubscribing_from_a_legitimate_interest_email_is_an_objection(
    client, customer, offers, django_capture_on_commit_callbacks
):
    token = unsubscribe.token_for(customer, "offers", "email")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/unsubscribe/{token}/")
    assert response.status_code == 200
    assert service.has_consent(customer, "offers", "email") is False
    [record] = ConsentRecord.objects.all()
    assert record.objection is True and record.source == "unsubscribe"
    assert DataRequest.objects.get().kind == "objection"


def test_objections_need_the_customer(client, customer, other_customer, surveys):
    assert put(client, "surveys", {"email": False}).status_code == 401
    put(signed_in(other_customer), "surveys", {"email": False})
    assert service.has_consent(customer, "surveys", "email") is True
    assert listed(signed_in(customer), "surveys")["channels"][0]["objected"] is False


def test_has_consent_is_one_cache_round_trip(
    customer, surveys, django_assert_num_queries, cache_calls
):
    put(signed_in(customer), "surveys", {"email": False})
    service.has_consent(customer, "surveys", "email")  # loads the cache
    cache_calls.clear()
    with django_assert_num_queries(0):
        assert service.has_consent(customer, "surveys", "email") is False
        assert service.has_consent(customer, "newsletter", "email") is False
    assert cache_calls == ["get_many", "get_many"]
