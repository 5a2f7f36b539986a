"""Declining a policy version: proof like an acceptance's, nothing changes before it takes
effect, then the gate keeps asking and the customer is offered the export and closing."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from wagtail_privacy.notices import gate
from wagtail_privacy.notices.models import Decline
from wagtail_privacy.policies.models import PolicyVersionText

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me"


@pytest.fixture(autouse=True)
def _fresh_memo():
    gate.forget_requirements()
    yield
    gate.forget_requirements()


@pytest.fixture
def required(policies, customer):
    """v1 accepted by the customer, a major v2 that asks for acceptance in 12 days."""
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    signed_in(customer).post(
        f"{API}/acceptances/", {"policy": "privacy-policy", "version": 1}, "application/json"
    )
    effective = (timezone.now() + timedelta(days=12)).replace(microsecond=0)
    policies.publish(page, level="major", effective_at=effective, text="New rules.")
    return effective


def signed_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def decline(client, version=2, policy="privacy-policy", **headers):
    return client.post(
        f"{API}/declines/",
        {"policy": policy, "version": version},
        content_type="application/json",
        **headers,
    )


def test_a_decline_is_recorded_with_the_proof_of_an_acceptance(customer, required):
    client = signed_in(customer)
    response = decline(
        client,
        HTTP_USER_AGENT="Shop/1.0 (test)",
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    record = Decline.objects.get()
    text = PolicyVersionText.objects.get(version__number=2, locale__language_code="en")
    assert record.user == customer and record.version.number == 2
    assert record.text_sha256 == text.sha256 == data["text_sha256"]
    assert (record.language, record.channel) == ("en", "api")
    assert record.ip_address == "203.0.113.0" and record.user_agent == "Shop/1.0 (test)"
    # Declining again is the same record.
    again = decline(client)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Decline.objects.count() == 1
    assert [d["version"] for d in client.get(f"{API}/declines/").json()] == [2]


def test_nothing_changes_before_the_version_takes_effect_then_the_gate_asks(customer, required):
    client = signed_in(customer)
    decline(client)
    assert gate.missing_acceptances(customer) == []
    me = client.get(f"{API}/").json()
    assert me["acceptances_required"] == []
    [declined] = me["declined"]
    assert declined["version"] == 2 and declined["in_effect"] is False
    assert declined["export_url"] == f"{API}/exports/"
    assert declined["deletion_url"] == f"{API}/deletion/"
    with time_machine.travel(required + timedelta(seconds=1)):
        gate.forget_requirements()
        assert [r.number for r in gate.missing_acceptances(customer)] == [2]
        me = client.get(f"{API}/").json()
        [required_item] = me["acceptances_required"]
        assert required_item["version"] == 2 and required_item["declined_at"]
        assert me["declined"][0]["in_effect"] is True
        # The export stays in reach (the door is the customer's own, step-up aside).
        assert client.get(f"{API}/exports/").status_code == 200


def test_accepting_later_ends_the_decline(customer, required):
    client = signed_in(customer)
    decline(client)
    response = client.post(
        f"{API}/acceptances/", {"policy": "privacy-policy", "version": 2}, "application/json"
    )
    assert response.status_code == 201
    assert client.get(f"{API}/").json()["declined"] == []
    with time_machine.travel(required + timedelta(seconds=1)):
        gate.forget_requirements()
        assert gate.missing_acceptances(customer) == []
    # The decline stays in the proof.
    assert [d["version"] for d in client.get(f"{API}/declines/").json()] == [2]


def test_declining_an_accepted_version_is_a_conflict(customer, required):
    client = signed_in(customer)
    response = decline(client, version=1)
    assert response.status_code == 409 and response.json()["code"] == "already_accepted"
    client.post(
        f"{API}/acceptances/", {"policy": "privacy-policy", "version": 2}, "application/json"
    )
    response = decline(client, version=2)
    assert response.status_code == 409 and response.json()["code"] == "already_accepted"
    assert not Decline.objects.exists()


def test_a_version_that_asks_no_acceptance_cannot_be_declined(customer, policies):
    page = policies.create(title="Terms", slug="terms")
    policies.publish(page, level="editorial")
    response = decline(signed_in(customer), version=1, policy="terms")
    assert response.status_code == 409 and response.json()["code"] == "not_declinable"


def test_old_unknown_and_withdrawn_versions(customer, required, policies):
    client = signed_in(customer)
    assert decline(client, version=9).json()["code"] == "unknown_version"
    assert decline(client, policy="nope").status_code == 404
    page = policies.create(title="Cookies", slug="cookies", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    policies.publish(page, level="major", effective_at=policies.days(20), text="A.")
    policies.publish(page, level="major", effective_at=policies.days(15), text="B.")
    response = decline(client, version=2, policy="cookies")
    assert response.status_code == 409 and response.json()["code"] == "version_withdrawn"


def test_the_translated_message(customer, required):
    response = decline(signed_in(customer), version=1, HTTP_ACCEPT_LANGUAGE="sl")
    assert response.json()["code"] == "already_accepted"
    assert "accepted" not in response.json()["detail"]


def test_access_by_others(customer, other_customer, editor, required):
    decline(signed_in(customer))
    anonymous = Client(raise_request_exception=False)
    assert anonymous.get(f"{API}/declines/").status_code == 401
    assert decline(anonymous).status_code == 401
    # Another customer (and a staff member, a customer like any other here) sees only theirs.
    assert signed_in(other_customer).get(f"{API}/declines/").json() == []
    assert signed_in(other_customer).get(f"{API}/").json()["declined"] == []
    assert signed_in(editor).get(f"{API}/declines/").json() == []


def test_the_accept_page_records_a_decline_and_offers_the_way_out(customer, required, settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "ACCOUNT_URL": "https://shop.example/account/privacy/",
    }
    client = signed_in(customer)
    with time_machine.travel(required + timedelta(seconds=1)):
        gate.forget_requirements()
        page = client.get("/privacy/accept/?next=/basket/")
        assert page.status_code == 200
        assert b'name="decision" value="decline"' in page.content
        response = client.post(
            "/privacy/accept/",
            {"decision": "decline", "next": "/basket/"},
            HTTP_USER_AGENT="Browser/1",
        )
        assert response.status_code == 200
        record = Decline.objects.get()
        assert (record.channel, record.version.number) == ("web", 2)
        text = response.content.decode()
        assert "You declined this version on" in text
        assert "https://shop.example/account/privacy/" in text
        assert 'value="decline"' not in text  # declined already: only accepting is left
        # The privacy centre's own path is not sent to the accept page.
        assert client.get("/account/privacy/").status_code == 404
        # Changing their mind: accepting ends it and lets them through.
        response = client.post("/privacy/accept/", {"confirm": "on", "next": "/basket/"})
        assert response.status_code == 302 and response["Location"] == "/basket/"
        assert gate.missing_acceptances(customer) == []


def test_declines_are_in_the_export_and_kept_without_personal_data(customer, required):
    from wagtail_privacy.sources import registry

    decline(signed_in(customer), REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="UA")
    source = registry.get("declines")
    [row] = list(source.records(customer))
    assert row["version__number"] == 2 and row["ip_address"] == "203.0.113.0"
    result = source.erase(customer)
    assert result.anonymised == 1 and result.held
    record = Decline.objects.get()
    assert (record.ip_address, record.user_agent) == (None, "")
    assert record.text_sha256  # the proof stays
