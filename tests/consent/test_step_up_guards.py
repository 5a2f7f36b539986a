"""Withdrawing every consent needs no step-up (no more than granting does), from code as
through the API; the unsubscribe page answers a refusal through the pages' door."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from wagtail_privacy.consent import service, unsubscribe
from wagtail_privacy.exceptions import AcceptanceRequired, StepUpRequired

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me/consents/withdraw-all/"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


@pytest.fixture(autouse=True)
def _english():
    """The refusals are worded in the active language, which an earlier test may have left."""
    with translation.override("en"):
        yield


@pytest.fixture
def grants(customer, newsletter):
    service.record(customer, "newsletter", "email", True, source="account")
    service.record(customer, "newsletter", "sms", True, source="account")


def granted(user):
    return [service.has_consent(user, "newsletter", c) for c in ("email", "sms")]


def test_withdrawing_everything_needs_no_step_up_from_code(customer, grants):
    """GDPR Art. 7(3): as easy as giving consent, which needs no verification."""
    service.withdraw_all(customer, source="account")
    assert granted(customer) == [False, False]


def test_a_guest_has_no_account_to_confirm(newsletter):
    service.record("guest@example.com", "newsletter", "email", True, source="signup")
    service.withdraw_all("guest@example.com", source="signup")
    assert not service.has_consent("guest@example.com", "newsletter", "email")


def test_the_api_withdraws_without_a_verification(customer, grants):
    client = Client()
    client.force_login(customer)
    response = client.post(API)
    assert response.status_code == 200
    assert granted(customer) == [False, False]


def test_anonymous_and_another_customer(client, customer, other_customer, grants):
    assert client.post(API).status_code == 401
    other = Client()
    other.force_login(other_customer)
    assert other.post(API).status_code == 200  # withdraws their own consents, none of these
    clerk = get_user_model().objects.create_user("clerk", "c@example.com", "pw", is_staff=True)
    staff = Client()
    staff.force_login(clerk)
    assert staff.post(API).status_code == 200  # the clerk's own, too
    assert granted(customer) == [True, True]


@pytest.mark.parametrize(
    ("refusal", "location"),
    [
        (
            AcceptanceRequired(policies=[], accept_url="/privacy/accept/"),
            "/privacy/accept/?next=%2Fprivacy%2Funsubscribe%2F",
        ),
        (StepUpRequired(max_age=600, methods=["email"]), None),
    ],
)
def test_the_unsubscribe_page_answers_a_refusal_through_the_door(
    client, customer, newsletter, grants, refusal, location
):
    url = unsubscribe.unsubscribe_url(customer, "newsletter", "email", "")

    def refuse(*args, **kwargs):
        raise refusal

    with mock.patch.object(unsubscribe, "unsubscribe", refuse):
        page = client.post(url, HTTP_ACCEPT=BROWSER)
    if location:
        assert page.status_code == 302 and page["Location"].startswith(location)
    else:
        assert page.status_code == 403
        names = [t.name for t in page.templates]
        assert "wagtail_privacy/verification/step_up_required.html" in names
        assert "wagtail_privacy/consent/unsubscribe_error.html" not in names
    assert granted(customer) == [True, True]
