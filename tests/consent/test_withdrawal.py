"""Withdrawal always works, whatever editors did since the customer agreed.

Channels removed from a purpose, purposes retired or deleted: what a customer grants can be
withdrawn (from the account, with withdraw-all, or with an unsubscribe link), and is listed
until it is; granting any of it stays refused.
"""

import pytest
from django.core import signing

from tests.consent.helpers import API, put, signed_in, stepped_up
from wagtail_privacy.consent import service, unsubscribe
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord
from wagtail_privacy.exceptions import PrivacyError

pytestmark = pytest.mark.django_db


def overview(client):
    return {
        p["key"]: (
            p["retired"],
            [(c["channel"], c["granted"], c["offered"]) for c in p["channels"]],
        )
        for p in client.get(f"{API}/me/consents/").json()
    }


def test_a_channel_removed_since_is_listed_and_withdrawn(customer, newsletter):
    service.set_channels(customer, "newsletter", {"email": True, "sms": True}, source="signup")
    ConsentPurpose.objects.filter(key="newsletter").update(sms=False)
    client = signed_in(customer)
    assert overview(client) == {
        "newsletter": (False, [("email", True, True), ("sms", True, False)])
    }
    refused = put(client, "newsletter", {"sms": True})
    assert refused.status_code == 422 and refused.json()["code"] == "unknown_channel"
    response = put(client, "newsletter", {"sms": False})
    assert response.status_code == 200
    assert service.has_consent(customer, "newsletter", "sms") is False
    withdrawal = service.history(customer).first()
    assert (withdrawal.channel, withdrawal.granted, withdrawal.source) == ("sms", False, "account")
    assert overview(client) == {"newsletter": (False, [("email", True, True)])}
    # Never granted, not offered: still unknown.
    refused = put(client, "newsletter", {"post": False})
    assert refused.status_code == 422 and refused.json()["code"] == "unknown_channel"


def test_a_purpose_deleted_since_is_listed_and_withdrawn(customer, newsletter):
    granted = service.record(customer, "newsletter", "email", True, source="signup")
    ConsentPurpose.objects.filter(key="newsletter").delete()
    client = signed_in(customer)
    [listed] = client.get(f"{API}/me/consents/").json()
    assert (listed["key"], listed["name"], listed["retired"]) == ("newsletter", "newsletter", True)
    assert listed["wording_version"] == 1
    assert [(c["channel"], c["granted"], c["offered"]) for c in listed["channels"]] == [
        ("email", True, False)
    ]
    refused = put(client, "newsletter", {"email": True})
    assert refused.status_code == 404 and refused.json()["code"] == "unknown_purpose"
    assert put(client, "newsletter", {"email": False}).status_code == 200
    assert service.has_consent(customer, "newsletter", "email") is False
    withdrawal = service.history(customer).first()
    assert not withdrawal.granted and withdrawal.purpose_key == "newsletter"
    # Under the wording that was agreed to.
    assert withdrawal.wording_sha256 == granted.wording_sha256
    assert withdrawal.wording_version == granted.wording_version
    assert client.get(f"{API}/me/consents/").json() == []
    # A purpose that never existed is still unknown, granted or withdrawn.
    refused = put(client, "nope", {"email": False})
    assert refused.status_code == 404 and refused.json()["code"] == "unknown_purpose"


def test_a_retired_purpose_cannot_be_granted_again(customer, newsletter):
    service.record(customer, "newsletter", "email", True, source="signup")
    ConsentPurpose.objects.filter(key="newsletter").update(retired=True)
    client = signed_in(customer)
    assert overview(client) == {"newsletter": (True, [("email", True, False)])}
    refused = put(client, "newsletter", {"email": True})
    assert refused.status_code == 409 and refused.json()["code"] == "purpose_retired"
    assert service.has_consent(customer, "newsletter", "email") is True


def test_withdraw_all_after_editors_removed_channels_and_purposes(customer, newsletter, locales):
    samples = ConsentPurpose.objects.create(
        key="samples", name="Samples", wording="Post me samples.", post=True, locale=locales["en"]
    )
    profiling = ConsentPurpose.objects.create(
        key="profiling", name="Profiling", wording="Tailor offers.", locale=locales["en"]
    )
    service.set_channels(customer, "newsletter", {"email": True, "sms": True}, source="signup")
    service.record(customer, "samples", "post", True, source="signup")
    service.record(customer, "profiling", "email", True, source="signup")
    ConsentPurpose.objects.filter(key="newsletter").update(sms=False)
    samples.delete()
    profiling.retired = True
    profiling.save()
    client = stepped_up(customer)
    response = client.post(f"{API}/me/consents/withdraw-all/")
    assert response.status_code == 200
    assert [p["key"] for p in response.json()] == ["newsletter"]  # still offered
    for purpose, channel in [
        ("newsletter", "email"),
        ("newsletter", "sms"),
        ("samples", "post"),
        ("profiling", "email"),
    ]:
        assert service.has_consent(customer, purpose, channel) is False
    withdrawals = ConsentRecord.objects.filter(user=customer, granted=False)
    assert withdrawals.count() == 4
    assert {r.source for r in withdrawals} == {"account"}
    assert overview(client) == {"newsletter": (False, [("email", False, True)])}


def test_unsubscribe_from_a_purpose_deleted_since(client, customer, newsletter):
    service.set_channels(customer, "newsletter", {"email": True, "sms": True}, source="signup")
    page_token = unsubscribe.token_for(customer, "newsletter", "email")
    api_token = unsubscribe.token_for(customer, "newsletter", "sms")
    ConsentPurpose.objects.filter(key="newsletter").delete()
    page = client.get(f"/privacy/unsubscribe/{page_token}/")
    assert page.status_code == 200 and "newsletter" in page.content.decode()
    assert client.post(f"/privacy/unsubscribe/{page_token}/").status_code == 200
    assert service.has_consent(customer, "newsletter", "email") is False
    response = client.post(f"{API}/unsubscribe/{api_token}/")
    assert response.status_code == 200 and response.json()["unsubscribed"] is True
    assert service.has_consent(customer, "newsletter", "sms") is False
    # Used again: nothing changes, nothing fails.
    assert client.post(f"/privacy/unsubscribe/{page_token}/").status_code == 200
    assert client.post(f"{API}/unsubscribe/{api_token}/").status_code == 200
    assert ConsentRecord.objects.filter(granted=False, source="unsubscribe").count() == 2


def test_unsubscribe_from_a_channel_removed_since(client, customer, newsletter):
    service.record(customer, "newsletter", "sms", True, source="signup")
    ConsentPurpose.objects.filter(key="newsletter").update(sms=False, retired=True)
    token = unsubscribe.token_for(customer, "newsletter", "sms")
    assert client.get(f"/privacy/unsubscribe/{token}/").status_code == 200
    assert client.post(f"{API}/unsubscribe/{token}/").status_code == 200
    assert service.has_consent(customer, "newsletter", "sms") is False


def _guest_token(data):
    return signing.dumps(data, salt=unsubscribe.SALT, compress=True)


@pytest.mark.parametrize(
    "purpose,channel,status,code",
    [
        ("nope", "email", 404, "unknown_purpose"),
        ("newsletter", "pigeon", 422, "unknown_channel"),
        ("newsletter", "post", 422, "unknown_channel"),
        ("", "email", 404, "unknown_purpose"),
        ("newsletter", "", 422, "unknown_channel"),
    ],
)
def test_nonsense_in_a_signed_link_is_refused_not_a_crash(
    client, customer, newsletter, purpose, channel, status, code
):
    service.record(customer, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(customer, purpose, channel)
    page = client.get(f"/privacy/unsubscribe/{token}/")
    assert page.status_code == status
    assert client.post(f"/privacy/unsubscribe/{token}/").status_code == status
    response = client.post(f"{API}/unsubscribe/{token}/")
    assert response.status_code == status and response.json()["code"] == code
    assert ConsentRecord.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [{"g": "", "p": "newsletter", "c": "email"}, {"u": "x"}, ["u", 1], {"p": "newsletter"}],
)
def test_signed_links_naming_nobody_are_invalid(client, newsletter, data):
    # Erased guest records have a blank hash: a link must never reach them.
    service.record("gone@example.com", "newsletter", "email", True, source="signup")
    ConsentRecord.objects.all().redact(email="", email_sha256="")
    token = _guest_token(data)
    assert client.get(f"/privacy/unsubscribe/{token}/").status_code == 400
    assert client.post(f"/privacy/unsubscribe/{token}/").status_code == 400
    response = client.post(f"{API}/unsubscribe/{token}/")
    assert response.status_code == 400 and response.json()["code"] == "invalid_token"
    assert ConsentRecord.objects.count() == 1


def test_an_empty_address_is_nobody(newsletter):
    """Erased guest records have a blank address and hash: no subject reaches them."""
    service.record("gone@example.com", "newsletter", "email", True, source="signup")
    ConsentRecord.objects.all().redact(email="", email_sha256="")
    assert service.has_consent("", "newsletter", "email") is False
    with pytest.raises(PrivacyError) as refused:
        service.record(" ", "newsletter", "email", False, source="signup")
    assert refused.value.code == "invalid_input"
    assert ConsentRecord.objects.count() == 1
