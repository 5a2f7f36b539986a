"""GET /me/ and the in-app notices: what a signed-in customer sees and does."""

import pytest
from django.test import Client
from django.utils import timezone

from wagtail_privacy.notices import fanout
from wagtail_privacy.notices.models import ChangeNotice, EmailState
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me"


@pytest.fixture
def noticed(policies, customer, other_customer):
    page = policies.create(title="Privacy policy", requires_acceptance=True, text="We keep orders.")
    page = policies.publish(page, level="editorial")
    policies.publish(
        page,
        level="major",
        effective_at=policies.days(12),
        summary="Reviews kept.",
        text="We keep orders and reviews.",
    )
    version = PolicyVersion.objects.get(number=2)
    fanout.create_notices(version)
    # Emailed at once, as a fan-out does: the version binds them from its effective date.
    ChangeNotice.objects.filter(version=version).update(
        email_state=EmailState.SENT, emailed_at=timezone.now()
    )
    return version


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_summary_lists_required_acceptances_and_pending_notices(customer, noticed):
    data = signed_in(customer).get(f"{API}/").json()
    [required] = data["acceptances_required"]
    assert required["policy"] == "privacy-policy" and required["version"] == 1
    assert required["accepted_version"] is None and required["changes_url"] is None
    [notice] = data["notices"]
    assert notice["version"] == 2 and notice["change_level"] == "major"
    assert notice["summary"] == "Reviews kept." and notice["in_effect"] is False
    assert data["account"] == {"state": "active"}


def test_summary_links_what_changed_since_the_accepted_version(customer, noticed, policies):
    client = signed_in(customer)
    client.post(
        f"{API}/acceptances/",
        {"policy": "privacy-policy", "version": 1},
        content_type="application/json",
    )
    assert client.get(f"{API}/").json()["acceptances_required"] == []
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() + timedelta(days=13)):
        [required] = client.get(f"{API}/?locale=sl").json()["acceptances_required"]
        assert required["version"] == 2 and required["accepted_version"] == 1
        assert required["changes_url"] == (
            "/api/privacy/v1/policies/privacy-policy/diff/?from=1&to=2&locale=sl"
        )
        assert client.get(required["changes_url"]).json()["stats"]["changed"] == 1


def test_acknowledging_a_notice(customer, noticed):
    client = signed_in(customer)
    [notice] = client.get(f"{API}/notices/").json()
    response = client.post(f"{API}/notices/{notice['id']}/acknowledge/")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    assert client.get(f"{API}/").json()["notices"] == []
    assert client.get(f"{API}/notices/").json()[0]["acknowledged_at"]


def test_another_customers_notice_does_not_exist(customer, other_customer, noticed):
    theirs = ChangeNotice.objects.get(user=other_customer)
    response = signed_in(customer).post(f"{API}/notices/{theirs.pk}/acknowledge/")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_notice"
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None
    mine = signed_in(customer).get(f"{API}/notices/").json()
    assert theirs.pk not in [n["id"] for n in mine]


def test_accepting_acknowledges_the_notice(customer, noticed):
    client = signed_in(customer)
    client.post(
        f"{API}/acceptances/",
        {"policy": "privacy-policy", "version": 2},
        content_type="application/json",
    )
    assert ChangeNotice.objects.get(user=customer).acknowledged_at is not None


def test_retracted_notices_disappear(customer, noticed, policies):
    from wagtail_privacy.policies.pages import PolicyPage

    page = PolicyPage.objects.get(slug="privacy-policy")
    policies.publish(page, level="major", effective_at=policies.days(15), text="Newer.")
    assert signed_in(customer).get(f"{API}/notices/").json() == []
