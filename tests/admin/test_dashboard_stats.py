"""The dashboard's figures come from each domain's stats functions, in a number of queries
that does not grow with the number of policy versions.

- ``rights.stats``: requests by status, due counts (as ``ledger.due_state`` says), closures;
- ``notices.stats.coverage``: accepted / missing for a list of versions, in one query;
- ``consent.stats.opt_in_counts``: current opt-ins per purpose and channel.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail_privacy.consent import service as consent
from wagtail_privacy.consent.models import ConsentPurpose
from wagtail_privacy.consent.stats import opt_in_counts
from wagtail_privacy.notices import acceptance, gate
from wagtail_privacy.notices.models import Acceptance
from wagtail_privacy.notices.stats import coverage, still_required
from wagtail_privacy.policies.models import PolicyVersion
from wagtail_privacy.rights import ledger
from wagtail_privacy.rights import stats as rights_stats
from wagtail_privacy.rights.models import DataRequest

pytestmark = pytest.mark.django_db


def required_policies(policies, count, start=0):
    """``count`` more policies that require acceptance, each with an upcoming major version."""
    for i in range(start, start + count):
        page = policies.create(title=f"Policy {i}", slug=f"policy-{i}", requires_acceptance=True)
        page = policies.publish(page, level="editorial")
        policies.publish(page, level="major", effective_at=policies.days(12), text=f"v2 {i}")
    gate.forget_requirements()


def dashboard_queries(client):
    url = reverse("wagtail_privacy_centre:dashboard")
    client.get(url)  # warm the caches a first visit fills (content types, the gate)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.fixture
def officer(db):
    from .test_centre import officer_group

    user = get_user_model().objects.create_user("officer", "officer@example.com", "pw")
    user.groups.add(officer_group())
    return user


@pytest.mark.parametrize("who", ["officer", "editor"])
def test_the_dashboards_queries_do_not_grow_with_the_versions(
    request, client, policies, customer, other_customer, who
):
    client.force_login(request.getfixturevalue(who))
    required_policies(policies, 1)
    one = dashboard_queries(client)
    required_policies(policies, 4, start=1)
    assert dashboard_queries(client) <= one
    assert len(gate.requirements()) == 5
    # and each version is on it
    html = client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode()
    for i in range(5):
        assert f"Policy {i}, version 1" in html


def test_coverage_is_one_query_for_any_number_of_versions(
    policies, customer, other_customer, django_assert_num_queries
):
    required_policies(policies, 3)
    versions = list(PolicyVersion.objects.filter(number=1).select_related("policy"))
    acceptance.accept(customer, "policy-0", 1, language="en")
    acceptance.accept(other_customer, "policy-1", 2, language="en")  # a later version
    with django_assert_num_queries(1):
        figures = coverage(versions)
    by_slug = {v.policy.slug: figures[v.pk] for v in versions}
    assert by_slug["policy-0"] == {"accepted": 1, "missing": 1, "total": 2}
    assert by_slug["policy-1"] == {"accepted": 1, "missing": 1, "total": 2}
    assert by_slug["policy-2"] == {"accepted": 0, "missing": 2, "total": 2}
    assert coverage([]) == {}


def test_an_erased_customers_acceptance_does_not_hide_everyone_else(
    policies, customer, other_customer
):
    """Acceptances outlive their customer (the user becomes NULL): the count still works."""
    required_policies(policies, 1)
    version = PolicyVersion.objects.select_related("policy").get(number=1)
    gone = get_user_model().objects.create_user("gone", "gone@example.com", "pw")
    acceptance.accept(gone, "policy-0", 1, language="en")
    gone.delete()
    assert Acceptance.objects.filter(user__isnull=True).exists()
    assert still_required(version) == 2
    assert coverage([version])[version.pk] == {"accepted": 0, "missing": 2, "total": 2}


def test_request_figures(customer, django_assert_num_queries):
    now = timezone.now()
    late = ledger.open_request(
        kind="access", channel="email", user=customer, received_at=now - timedelta(days=40)
    )
    ledger.open_request(
        kind="erasure",
        channel="post",
        contact_email="a@example.com",
        received_at=now - timedelta(days=27),
    )
    ledger.open_request(kind="objection", channel="phone", contact_email="b@example.com")
    extended = ledger.open_request(
        kind="access",
        channel="email",
        contact_email="c@example.com",
        received_at=now - timedelta(days=40),
    )
    ledger.extend(extended, 1, "Archive in storage.", now=now - timedelta(days=20))
    closed_late = ledger.open_request(
        kind="access",
        channel="email",
        contact_email="d@example.com",
        received_at=now - timedelta(days=60),
    )
    ledger.set_status(closed_late, "refused", outcome="No.")
    ledger.set_status(late, "in_progress")

    with django_assert_num_queries(1):
        by_status = rights_stats.requests_by_status()
    assert by_status == {
        "awaiting_identity": 0,
        "received": 3,
        "in_progress": 1,
        "completed": 0,
        "refused": 1,
        "cancelled": 0,
        "unverified": 0,
    }
    with django_assert_num_queries(1):
        due = rights_stats.due_counts(now)
    states = [ledger.due_state(r, now) for r in DataRequest.objects.all()]
    assert due == {"overdue": states.count("overdue"), "due_soon": states.count("due_soon")}
    assert due == {"overdue": 1, "due_soon": 1}
    with pytest.raises(ValueError):
        rights_stats.due_condition("someday")


def test_closure_figures(customer, other_customer, django_assert_num_queries):
    from wagtail_privacy.rights import closure
    from wagtail_privacy.verification.service import without_step_up

    closure.request_deletion(customer, proof=without_step_up("test"))
    closure.deactivate(other_customer, proof=without_step_up("test"))
    with django_assert_num_queries(1):
        pending = rights_stats.pending_closures()
    assert pending == {"deletions": 1, "deactivations": 1, "inactive": 0, "held": 0}
    assert rights_stats.recent_erasures() == []


def test_opt_in_counts_follow_each_subjects_latest_record(customer, other_customer, locales):
    ConsentPurpose.objects.create(
        key="newsletter", name="Newsletter", wording="Send it.", email=True, locale=locales["en"]
    )
    consent.record(customer, "newsletter", "email", True, source="signup")
    consent.record(other_customer, "newsletter", "email", True, source="signup")
    consent.record(other_customer, "newsletter", "email", False, source="account")
    assert opt_in_counts() == {("newsletter", "email"): 1}
