"""The acceptance gate: exact flips, zero queries in steady state, decorator and middleware."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from wagtail_privacy.notices import acceptance, gate
from wagtail_privacy.notices.enforcement import AcceptanceMiddleware, acceptance_required
from wagtail_privacy.notices.models import Acceptance
from wagtail_privacy.policies.models import Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(policies):
    """A privacy policy that must be accepted: v1 in effect, a major v2 in 12 days."""
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    effective = (timezone.now() + timedelta(days=12)).replace(microsecond=0)
    policies.publish(page, level="major", effective_at=effective, text="New rules.")
    return effective


def accept(user, number):
    return acceptance.accept(user, "privacy-policy", number, language="en")


def test_first_version_must_be_accepted(customer, required):
    assert [(r.slug, r.number) for r in gate.missing_acceptances(customer)] == [
        ("privacy-policy", 1)
    ]
    accept(customer, 1)
    assert gate.missing_acceptances(customer) == []


def test_requirement_flips_exactly_at_the_effective_instant(customer, required):
    accept(customer, 1)
    with time_machine.travel(required - timedelta(microseconds=1), tick=False):
        assert gate.missing_acceptances(customer) == []
    with time_machine.travel(required, tick=False):
        assert [r.number for r in gate.missing_acceptances(customer)] == [2]


def test_early_acceptance_counts_after_the_flip(customer, required):
    accept(customer, 2)
    with time_machine.travel(required + timedelta(seconds=1)):
        assert gate.missing_acceptances(customer) == []


def test_minor_change_does_not_ask_again(customer, policies):
    page = policies.create(requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    accept(customer, 1)
    policies.publish(page, level="minor", text="Clearer.")
    assert gate.missing_acceptances(customer) == []


def test_policy_without_acceptance_requires_nothing(customer, policies):
    page = policies.create(requires_acceptance=False)
    policies.publish(page, level="editorial")
    assert gate.missing_acceptances(customer) == []


def test_steady_state_costs_zero_queries(customer, required, django_assert_num_queries):
    accept(customer, 1)
    gate.missing_acceptances(customer)  # warm
    with django_assert_num_queries(0):
        for _ in range(100):
            assert gate.missing_acceptances(customer) == []


def test_cost_does_not_grow_with_acceptances(required, django_assert_num_queries):
    User = get_user_model()
    users = [User.objects.create_user(f"u{i}", f"u{i}@example.com", "pw") for i in range(1000)]
    policy = Policy.objects.get()
    v1 = policy.versions.get(number=1)
    Acceptance.objects.bulk_create(
        [
            Acceptance(
                user=u,
                policy=policy,
                version=v1,
                language="en",
                text_sha256="0" * 64,
                accepted_at=timezone.now(),
                channel="api",
            )
            for u in users
        ]
    )
    for user in users[:10]:
        gate.missing_acceptances(user)
    with django_assert_num_queries(0):
        for user in users[:10]:
            assert gate.missing_acceptances(user) == []


def test_accepting_refreshes_the_customers_entry(
    customer, required, django_capture_on_commit_callbacks
):
    assert gate.missing_acceptances(customer)
    with django_capture_on_commit_callbacks(execute=True):
        accept(customer, 1)
    assert gate.missing_acceptances(customer) == []


def test_publishing_refreshes_the_requirements(
    customer, policies, django_capture_on_commit_callbacks
):
    page = policies.create(requires_acceptance=False)
    with django_capture_on_commit_callbacks(execute=True):
        page = policies.publish(page, level="editorial")
    assert gate.missing_acceptances(customer) == []
    page.requires_acceptance = True
    page.save()
    with django_capture_on_commit_callbacks(execute=True):
        policies.publish(page, level="editorial", text="Now binding.")
    assert [r.number for r in gate.missing_acceptances(customer)] == [2]


def _request(user, path="/shop/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_decorator_refuses_with_a_stable_code(customer, required):
    view = acceptance_required(lambda request: HttpResponse("ok"))
    response = view(_request(customer))
    assert response.status_code == 403
    import json

    body = json.loads(response.content)
    assert body["code"] == "policy_acceptance_required"
    assert body["policies"] == [{"policy": "privacy-policy", "version": 1}]
    accept(customer, 1)
    assert view(_request(customer)).status_code == 200


def test_decorator_around_the_effective_instant(customer, required):
    view = acceptance_required(lambda request: HttpResponse("ok"))
    accept(customer, 1)
    with time_machine.travel(required - timedelta(seconds=1), tick=False):
        assert view(_request(customer)).status_code == 200
    with time_machine.travel(required, tick=False):
        assert view(_request(customer)).status_code == 403


def test_middleware_redirects_and_exempts(customer, editor, required, settings):
    middleware = AcceptanceMiddleware(lambda request: HttpResponse("page"))
    response = middleware(_request(customer, "/basket/?step=2"))
    assert response.status_code == 302
    assert response["Location"] == "/privacy/accept/?next=%2Fbasket%2F%3Fstep%3D2"
    assert middleware(_request(customer, "/privacy/accept/")).status_code == 200
    assert middleware(_request(customer, "/api/privacy/v1/me/")).status_code == 200
    assert middleware(_request(customer, "/admin/")).status_code == 200
    assert middleware(_request(editor, "/basket/")).status_code == 200  # staff exempt
    settings.WAGTAIL_PRIVACY = {"ACCEPTANCE_EXEMPT_URLS": [r"^/basket/"]}
    assert middleware(_request(customer, "/basket/")).status_code == 200


def test_middleware_costs_zero_queries_in_steady_state(
    customer, required, django_assert_num_queries
):
    accept(customer, 1)
    middleware = AcceptanceMiddleware(lambda request: HttpResponse("page"))
    middleware(_request(customer))
    with django_assert_num_queries(0):
        assert middleware(_request(customer)).status_code == 200


def test_accept_page_records_a_web_acceptance(client, customer, required):
    client.force_login(customer)
    page = client.get("/privacy/accept/?next=/basket/")
    assert page.status_code == 200
    assert "Privacy policy" in page.content.decode()
    refused = client.post("/privacy/accept/", {"next": "/basket/"})
    assert refused.status_code == 200 and not Acceptance.objects.exists()
    done = client.post("/privacy/accept/", {"confirm": "on", "next": "/basket/"})
    assert done.status_code == 302 and done["Location"] == "/basket/"
    record = Acceptance.objects.get()
    assert record.channel == "web" and record.version.number == 1


def test_accept_page_ignores_foreign_redirects(client, customer, required):
    client.force_login(customer)
    done = client.post("/privacy/accept/", {"confirm": "on", "next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_accept_page_needs_sign_in(client, required):
    response = client.get("/privacy/accept/")
    assert response.status_code == 302 and "login" in response["Location"]
