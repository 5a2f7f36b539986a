"""Withdrawing every consent needs a fresh step-up, from code as through the API; the
unsubscribe page answers a refusal through the pages' door."""

import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import translation

from wagtail_privacy.consent import service, unsubscribe
from wagtail_privacy.exceptions import AcceptanceRequired, StepUpRequired
from wagtail_privacy.verification import service as verification

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


def test_from_code_without_proof(customer, grants):
    with pytest.raises(StepUpRequired) as refused:
        service.withdraw_all(customer, source="account")
    assert refused.value.as_dict()["methods"] == ["email"]
    assert granted(customer) == [True, True]


def test_from_code_with_a_proof_or_a_waiver(customer, other_customer, grants):
    request = RequestFactory().post("/")
    request.user, request.session = customer, {verification.SESSION_KEY: time.time()}
    proof = verification.step_up_proof(request)
    with pytest.raises(StepUpRequired):
        service.withdraw_all(other_customer, source="account", proof=proof)
    service.withdraw_all(customer, source="account", proof=proof)
    assert granted(customer) == [False, False]
    service.record(customer, "newsletter", "email", True, source="account")
    waived = verification.without_step_up("the customer asked in the shop")
    assert len(service.withdraw_all(customer, source="account", proof=waived)) == 1


def test_a_guest_has_no_account_to_confirm(newsletter):
    service.record("guest@example.com", "newsletter", "email", True, source="signup")
    service.withdraw_all("guest@example.com", source="signup")
    assert not service.has_consent("guest@example.com", "newsletter", "email")


def test_the_api_answers_as_it_always_did(customer, grants):
    client = Client()
    client.force_login(customer)
    refused = client.post(API)
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "step_up_required",
        "detail": "Confirm it is you: verify with a one-time code first.",
        "max_age": 600,
        "methods": ["email"],
    }
    assert granted(customer) == [True, True]


def test_anonymous_and_staff(client, customer, grants):
    assert client.post(API).status_code == 401
    clerk = get_user_model().objects.create_user("clerk", "c@example.com", "pw", is_staff=True)
    staff = Client()
    staff.force_login(clerk)
    assert staff.post(API).json()["code"] == "step_up_required"
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
