"""POST/GET /me/acceptances/: append-only proof of what a customer accepted and when."""

import pytest
from django.test import Client

from wagtail_privacy.exceptions import ImmutableRecordError
from wagtail_privacy.notices.models import Acceptance
from wagtail_privacy.policies.models import PolicyVersionText

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me"


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def upcoming(policies, policy_page):
    """v1 current, v2 major upcoming (English only)."""
    policies.publish(
        policy_page, level="major", effective_at=policies.days(12), text="We keep reviews."
    )
    return policy_page


def post(client, body, **headers):
    return client.post(f"{API}/acceptances/", body, content_type="application/json", **headers)


def test_acceptance_records_every_proof_field(signed_in, customer, policy_page):
    response = post(
        signed_in,
        {"policy": "privacy-policy", "version": 1, "channel": "checkout"},
        HTTP_USER_AGENT="Shop/1.0 (test)",
        HTTP_ACCEPT_LANGUAGE="sl",
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 201
    data = response.json()
    record = Acceptance.objects.get()
    text = PolicyVersionText.objects.get(version__number=1, locale__language_code="sl")
    assert record.user == customer
    assert record.version.number == 1 and record.policy.slug == "privacy-policy"
    assert record.text_sha256 == text.sha256 == data["text_sha256"]
    assert record.language == "sl"
    assert record.channel == "checkout"
    assert record.user_agent == "Shop/1.0 (test)"
    assert record.ip_address == "203.0.113.0"  # truncated by default
    assert data["accepted_at"]


@pytest.mark.parametrize("mode,expected", [("full", "203.0.113.77"), ("none", None)])
def test_ip_setting(signed_in, policy_page, settings, mode, expected):
    settings.WAGTAIL_PRIVACY = {"ACCEPTANCE_IP": mode}
    post(signed_in, {"policy": "privacy-policy", "version": 1}, REMOTE_ADDR="203.0.113.77")
    assert Acceptance.objects.get().ip_address == expected


def test_accepting_twice_returns_the_first_record(signed_in, policy_page):
    first = post(signed_in, {"policy": "privacy-policy", "version": 1})
    again = post(signed_in, {"policy": "privacy-policy", "version": 1})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Acceptance.objects.count() == 1


def test_early_acceptance_of_the_upcoming_version(signed_in, upcoming):
    response = post(signed_in, {"policy": "privacy-policy", "version": 2})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"policy": "nope", "version": 1}, 404, "unknown_policy"),
        ({"policy": "privacy-policy", "version": 9}, 404, "unknown_version"),
        ({"policy": "privacy-policy"}, 422, "invalid_input"),
        ({"policy": "privacy-policy", "version": "x"}, 422, "invalid_input"),
        ({"policy": "privacy-policy", "version": 1, "channel": "fax"}, 422, "invalid_input"),
    ],
)
def test_bad_acceptances_are_refused(signed_in, policy_page, body, status, code):
    response = post(signed_in, body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not Acceptance.objects.exists()


def test_old_version_is_refused(signed_in, policies, policy_page):
    policies.publish(policy_page, level="minor", text="Now version two.")
    response = post(signed_in, {"policy": "privacy-policy", "version": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "version_superseded"
    assert response.json()["latest_version"] == 2


def test_withdrawn_version_is_refused(signed_in, policies, upcoming):
    policies.publish(upcoming, level="major", effective_at=policies.days(14), text="Three.")
    response = post(signed_in, {"policy": "privacy-policy", "version": 2})
    assert response.status_code == 409
    assert response.json()["code"] == "version_withdrawn"


def test_list_shows_only_my_proof(signed_in, client, customer, other_customer, policy_page):
    post(signed_in, {"policy": "privacy-policy", "version": 1})
    other = Client()
    other.force_login(other_customer)
    assert other.get(f"{API}/acceptances/").json() == []
    mine = signed_in.get(f"{API}/acceptances/").json()
    assert [(a["policy"], a["version"]) for a in mine] == [("privacy-policy", 1)]


def test_proof_cannot_be_altered(signed_in, policy_page):
    post(signed_in, {"policy": "privacy-policy", "version": 1})
    record = Acceptance.objects.get()
    record.channel = "web"
    with pytest.raises(ImmutableRecordError):
        record.save()
    with pytest.raises(ImmutableRecordError):
        Acceptance.objects.all().delete()


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/"),
        ("get", "/notices/"),
        ("post", "/notices/1/acknowledge/"),
        ("get", "/acceptances/"),
        ("post", "/acceptances/"),
    ],
)
def test_anonymous_clients_are_refused(client, policy_page, method, url):
    response = getattr(client, method)(API + url, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_csrf_is_enforced_for_session_clients(customer, policy_page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = post(client, {"policy": "privacy-policy", "version": 1})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not Acceptance.objects.exists()


# serialized_rollback: the flush after the test must not take the site tree with it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_acceptances_write_one_proof(customer, policy_page):
    from tests.concurrency import at_once
    from wagtail_privacy.notices.acceptance import accept

    results, errors = at_once(
        lambda: accept(customer, "privacy-policy", 1, language="en", ip="203.0.113.9")[1], 4
    )
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert Acceptance.objects.filter(user=customer).count() == 1
