"""Consent per purpose and channel: the ledger, the API, has_consent, unsubscribe, guests."""

import re

import pytest
from django.core import mail
from wagtail.models import Locale

from tests.consent.helpers import API, put, signed_in
from wagtail_privacy.consent import service, unsubscribe
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord
from wagtail_privacy.exceptions import ImmutableRecordError

pytestmark = pytest.mark.django_db


def test_customer_sets_channels_and_sees_the_state(customer, newsletter):
    client = signed_in(customer)
    [purpose] = client.get(f"{API}/me/consents/?locale=sl").json()
    assert purpose["name"] == "E-novice"
    assert [(c["channel"], c["granted"]) for c in purpose["channels"]] == [
        ("email", False),
        ("sms", False),
    ]
    response = put(
        client,
        "newsletter",
        {"email": True, "sms": False},
        HTTP_USER_AGENT="Shop",
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 200
    [purpose] = response.json()
    assert purpose["channels"][0]["granted"] is True and purpose["channels"][0]["since"]
    [record] = ConsentRecord.objects.all()
    assert (record.purpose_key, record.channel, record.granted) == ("newsletter", "email", True)
    assert record.wording_sha256 == newsletter.wording_sha256 and record.wording_version == 1
    assert record.source == "account" and record.ip_address == "192.0.2.0"
    assert record.user_agent == "Shop"


def test_withdrawal_counts_on_the_next_call(customer, newsletter):
    service.record(customer, "newsletter", "email", True, source="checkout")
    assert service.has_consent(customer, "newsletter", "email") is True
    put(signed_in(customer), "newsletter", {"email": False})
    assert service.has_consent(customer, "newsletter", "email") is False
    assert [r.granted for r in service.history(customer)] == [False, True]


def test_has_consent_is_cached(customer, newsletter, django_assert_num_queries):
    service.record(customer, "newsletter", "email", True, source="checkout")
    service.has_consent(customer, "newsletter", "email")
    with django_assert_num_queries(0):
        assert service.has_consent(customer, "newsletter", "email") is True


def test_state_is_one_query_however_long_the_history(
    customer, newsletter, django_assert_num_queries
):
    for i in range(60):
        service.record(customer, "newsletter", "email", i % 2 == 0, source="account")
    with django_assert_num_queries(1):
        state = service.current_records(customer)
    assert state[("newsletter", "email")].granted is False


def test_the_ledger_cannot_be_changed(customer, newsletter):
    record = service.record(customer, "newsletter", "email", True, source="account")
    record.granted = False
    with pytest.raises(ImmutableRecordError):
        record.save()
    with pytest.raises(ImmutableRecordError):
        ConsentRecord.objects.all().delete()
    with pytest.raises(ImmutableRecordError):
        ConsentRecord.objects.update(granted=False)


@pytest.mark.parametrize(
    "purpose,channels,status,code",
    [
        ("nope", {"email": True}, 404, "unknown_purpose"),
        ("newsletter", {"post": True}, 422, "unknown_channel"),
        ("newsletter", {"pigeon": True}, 422, "unknown_channel"),
        ("newsletter", {"email": "maybe"}, 422, "invalid_input"),
    ],
)
def test_bad_input(customer, newsletter, purpose, channels, status, code):
    response = put(signed_in(customer), purpose, channels)
    assert response.status_code == status and response.json()["code"] == code
    assert not ConsentRecord.objects.exists()


def test_retired_purpose_keeps_history_and_allows_withdrawal(customer, newsletter):
    service.record(customer, "newsletter", "email", True, source="account")
    ConsentPurpose.objects.filter(key="newsletter").update(retired=True)
    client = signed_in(customer)
    # Listed while granted, so the customer can withdraw it; then it goes.
    [listed] = client.get(f"{API}/me/consents/").json()
    assert listed["retired"] is True
    assert [(c["channel"], c["granted"], c["offered"]) for c in listed["channels"]] == [
        ("email", True, False)
    ]
    assert put(client, "newsletter", {"sms": True}).json()["code"] == "purpose_retired"
    assert put(client, "newsletter", {"email": False}).status_code == 200
    assert service.has_consent(customer, "newsletter", "email") is False
    assert client.get(f"{API}/me/consents/").json() == []


def test_anonymous_and_other_customers(client, customer, other_customer, newsletter):
    assert client.get(f"{API}/me/consents/").status_code == 401
    assert put(client, "newsletter", {"email": True}).status_code == 401
    service.record(customer, "newsletter", "email", True, source="account")
    [purpose] = signed_in(other_customer).get(f"{API}/me/consents/").json()
    assert purpose["channels"][0]["granted"] is False


def test_one_click_unsubscribe(client, customer, newsletter):
    service.record(customer, "newsletter", "email", True, source="signup")
    headers = unsubscribe.list_unsubscribe_headers(customer, "newsletter", "email")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert customer.email not in url
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("privacy/unsubscribe/")  # the page: GET confirms, POST unsubscribes
    response = client.post(
        "/" + path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert service.has_consent(customer, "newsletter", "email") is False
    replay = client.post("/" + path)
    assert replay.status_code == 200
    assert ConsentRecord.objects.filter(granted=False).count() == 1
    assert ConsentRecord.objects.get(granted=False).source == "unsubscribe"


def test_tampered_unsubscribe_token(client, customer, newsletter):
    token = unsubscribe.token_for(customer, "newsletter", "email")
    bad = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    response = client.post(f"{API}/unsubscribe/{bad}/")
    assert response.status_code == 400 and response.json()["code"] == "invalid_token"
    page = client.get(f"/privacy/unsubscribe/{bad}/")
    assert page.status_code == 400


def test_unsubscribe_page_confirms_in_the_customers_language(client, customer, newsletter):
    from tests.testapp.models import CustomerProfile

    CustomerProfile.objects.create(user=customer, language="sl")
    service.record(customer, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(customer, "newsletter", "email")
    page = client.get(f"/privacy/unsubscribe/{token}/").content.decode()
    assert "E-novice" in page and service.has_consent(customer, "newsletter", "email")
    done = client.post(f"/privacy/unsubscribe/{token}/").content.decode()
    assert "E-novice" in done
    assert not service.has_consent(customer, "newsletter", "email")


def test_guest_unsubscribe_without_personal_data_in_the_link(client, newsletter):
    service.record("guest@example.com", "newsletter", "email", True, source="signup")
    url = unsubscribe.unsubscribe_url("guest@example.com", "newsletter", "email", "http://shop")
    assert "guest" not in url
    client.post(url.replace("http://shop", ""))
    assert service.has_consent("guest@example.com", "newsletter", "email") is False


def test_guest_consents_join_the_account_when_the_email_is_verified(customer, newsletter):
    service.record(customer.email, "newsletter", "sms", True, source="signup")
    assert not service.has_consent(customer, "newsletter", "sms")
    client = signed_in(customer)
    client.post(f"{API}/me/verification/", {"method": "email"}, content_type="application/json")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    client.post(f"{API}/me/verification/", {"token": code}, content_type="application/json")
    assert service.has_consent(customer, "newsletter", "sms")
    assert service.history(customer).first().source == "joined"
    assert ConsentRecord.objects.filter(user__isnull=True).count() == 1  # kept as it was


def test_withdraw_all_needs_no_more_than_granting(customer, newsletter):
    """GDPR Art. 7(3): granting needs no step-up, so withdrawing everything needs none."""
    client = signed_in(customer)
    assert put(client, "newsletter", {"email": True, "sms": True}).status_code == 200
    response = client.post(f"{API}/me/consents/withdraw-all/")
    assert response.status_code == 200
    assert not service.has_consent(customer, "newsletter", "email")
    assert not service.has_consent(customer, "newsletter", "sms")
    assert mail.outbox == []  # no verification code was needed


def test_consent_history_is_in_the_export(customer, newsletter):
    from wagtail_privacy.sources import registry

    service.record(customer, "newsletter", "email", True, source="checkout")
    [record] = registry.get("consents").records(customer)
    assert record["purpose_key"] == "newsletter" and record["granted"] is True


def test_admin_overview_counts_current_opt_ins(
    client, editor, customer, other_customer, newsletter
):
    service.record(customer, "newsletter", "email", True, source="account")
    service.record(other_customer, "newsletter", "email", True, source="account")
    service.record(other_customer, "newsletter", "email", False, source="account")
    service.record("guest@example.com", "newsletter", "email", True, source="signup")
    client.force_login(editor)
    from django.urls import reverse

    response = client.get(reverse("wagtail_privacy_consent:overview"))
    [row] = response.context["rows"]
    assert row["channels"] == [("Email", 2), ("SMS", 0)]
    assert (
        client.get(reverse("wagtailsnippets_wagtail_privacy_consentpurpose:list")).status_code
        == 200
    )
    assert Locale.objects.count() == 4
