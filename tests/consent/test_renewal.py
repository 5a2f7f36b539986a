"""A purpose that renews on wording changes: a new wording version ends the consents given to
the earlier one until the customer agrees again, and the customer sees why. Purposes that do
not renew keep their consents; only the default-language purpose's version counts."""

import pytest

from tests.consent.helpers import API, put, signed_in
from wagtail_privacy.consent import service
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord

pytestmark = pytest.mark.django_db


def new_wording(purpose, text="Send me the newsletter, now also with partner offers."):
    """What an editor does in the snippet editor: a new text, a higher version."""
    purpose = ConsentPurpose.objects.get(pk=purpose.pk)
    purpose.wording = text
    purpose.wording_version += 1
    purpose.save()
    return purpose


def channel(client, purpose, name, **params):
    [entry] = [p for p in client.get(f"{API}/me/consents/", params).json() if p["key"] == purpose]
    return next(c for c in entry["channels"] if c["channel"] == name)


@pytest.fixture
def renewing(newsletter):
    newsletter.renew_on_wording_change = True
    newsletter.save()
    return newsletter


def test_a_new_wording_ends_the_consent_until_the_customer_agrees_to_it(customer, renewing):
    client = signed_in(customer)
    put(client, "newsletter", {"email": True})
    assert service.has_consent(customer, "newsletter", "email")  # and now in the cache

    new_wording(renewing)

    assert not service.has_consent(customer, "newsletter", "email")
    assert channel(client, "newsletter", "email") | {"since": None} == {
        "channel": "email",
        "label": "Email",
        "granted": False,
        "since": None,
        "offered": True,
        "expires_at": None,
        "renewal": {
            "reason": "wording_changed",
            "agreed_version": 1,
            "current_version": 2,
            "expired_at": None,
        },
        "confirmation_sent_at": None,  # lapsed, not withdrawn: nothing to confirm
        "objected": False,
    }

    response = put(client, "newsletter", {"email": True})  # agreeing to the new wording
    assert response.status_code == 200
    assert service.has_consent(customer, "newsletter", "email")
    latest = ConsentRecord.objects.filter(user=customer).latest("pk")
    assert (latest.granted, latest.wording_version) == (True, 2)
    assert latest.wording_sha256 == ConsentPurpose.objects.get(pk=renewing.pk).wording_sha256
    assert channel(client, "newsletter", "email")["renewal"] is None
    assert channel(client, "newsletter", "email")["granted"] is True


def test_a_lapsed_consent_can_still_be_withdrawn(customer, renewing):
    client = signed_in(customer)
    put(client, "newsletter", {"email": True})
    new_wording(renewing)
    put(client, "newsletter", {"email": False})
    assert ConsentRecord.objects.filter(user=customer).latest("pk").granted is False
    assert channel(client, "newsletter", "email")["renewal"] is None


def test_a_new_wording_of_a_purpose_that_does_not_renew_keeps_the_consent(customer, newsletter):
    client = signed_in(customer)
    put(client, "newsletter", {"email": True})
    assert service.has_consent(customer, "newsletter", "email")
    new_wording(newsletter)
    assert service.has_consent(customer, "newsletter", "email")
    assert channel(client, "newsletter", "email")["renewal"] is None
    put(client, "newsletter", {"email": True})
    assert ConsentRecord.objects.filter(user=customer).count() == 1  # nothing to renew


def test_the_default_language_purpose_decides(customer, renewing):
    """Grants are recorded under the default-language purpose: a translation's version does
    not end them, whatever language the customer reads in."""
    client = signed_in(customer)
    put(client, "newsletter", {"email": True})
    slovenian = ConsentPurpose.objects.get(key="newsletter", locale__language_code="sl")
    new_wording(slovenian, "Pošiljajte mi e-novice, zdaj tudi s ponudbami partnerjev.")
    assert service.has_consent(customer, "newsletter", "email")
    assert channel(client, "newsletter", "email", locale="sl")["renewal"] is None

    new_wording(renewing)
    assert not service.has_consent(customer, "newsletter", "email")
    sl = channel(client, "newsletter", "email", locale="sl")
    assert sl["renewal"]["reason"] == "wording_changed" and sl["granted"] is False


def test_guests_consent_lapses_too(renewing):
    service.record("guest@example.com", "newsletter", "email", True, source="signup")
    assert service.has_consent("guest@example.com", "newsletter", "email")
    new_wording(renewing)
    assert not service.has_consent("guest@example.com", "newsletter", "email")
    service.record("guest@example.com", "newsletter", "email", True, source="signup")
    assert service.has_consent("guest@example.com", "newsletter", "email")


def test_has_consent_answers_from_the_cache_without_a_query(
    customer, renewing, django_assert_num_queries
):
    """Steady state: no query. A wording change is seen at once, through the cache."""
    service.record(customer, "newsletter", "email", True, source="account")
    service.record(customer, "newsletter", "sms", True, source="account")
    assert service.has_consent(customer, "newsletter", "email")  # fills the cache
    with django_assert_num_queries(0):
        for _ in range(20):
            assert service.has_consent(customer, "newsletter", "email")
            assert service.has_consent(customer, "newsletter", "sms")
            assert not service.has_consent(customer, "profiling", "email")

    new_wording(renewing)
    with django_assert_num_queries(1):  # the purposes, read again once
        assert not service.has_consent(customer, "newsletter", "email")
    with django_assert_num_queries(0):
        assert not service.has_consent(customer, "newsletter", "sms")


def test_the_openapi_document_describes_the_renewal_fields(client):
    schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    channel_state = schemas["ChannelState"]["properties"]
    assert {"expires_at", "renewal"} <= set(channel_state)
    renewal = schemas["RenewalOut"]["properties"]
    assert renewal["reason"]["enum"] == ["wording_changed", "expired"]
    assert {"agreed_version", "current_version", "expired_at"} <= set(renewal)
    assert "description" in renewal["reason"]
