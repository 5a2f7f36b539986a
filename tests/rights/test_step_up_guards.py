"""Export, deletion and deactivation refuse without a fresh step-up, whoever calls them.

From code: ``StepUpRequired``, nothing written. Through the API: the same 403 JSON as ever.
Through a page: the step-up page, or the shop's ``STEP_UP_URL``.
"""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import translation

from wagtail_privacy.exceptions import StepUpRequired
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights import export as exports
from wagtail_privacy.rights.models import AccountClosure, DataExport, DataRequest
from wagtail_privacy.verification import service as verification

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
STEP_UP = {
    "code": "step_up_required",
    "detail": "Confirm it is you: verify with a one-time code first.",
    "max_age": 600,
    "methods": ["email"],
}
#: Each self-service operation: how code calls it, and its endpoint.
SERVICES = {
    "export": (exports.request_export, "post", "/exports/"),
    "deletion": (closures.request_deletion, "post", "/deletion/"),
    "deactivation": (closures.deactivate, "post", "/deactivation/"),
}


@pytest.fixture(autouse=True)
def _english():
    """The refusals are worded in the active language, which an earlier test may have left."""
    with translation.override("en"):
        yield


def nothing_written():
    return not (
        DataExport.objects.exists()
        or AccountClosure.objects.exists()
        or DataRequest.objects.exists()
    )


def verified_client(user):
    client = Client()
    client.force_login(user)
    client.post(f"{API}/verification/", {"method": "email"}, content_type="application/json")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    done = client.post(f"{API}/verification/", {"token": code}, content_type="application/json")
    assert done.status_code == 200
    return client


def proof_of(user, at=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {verification.SESSION_KEY: time.time() if at is None else at}
    return verification.step_up_proof(request)


@pytest.mark.parametrize("name", SERVICES)
def test_called_from_code_without_proof(customer, name):
    service = SERVICES[name][0]
    with pytest.raises(StepUpRequired) as refused:
        service(customer)
    assert refused.value.as_dict() == STEP_UP
    assert nothing_written()
    customer.refresh_from_db()
    assert customer.is_active


@pytest.mark.parametrize("name", SERVICES)
def test_another_customers_proof_or_an_old_one_is_refused(customer, other_customer, name):
    service = SERVICES[name][0]
    with pytest.raises(StepUpRequired):
        service(customer, proof=proof_of(other_customer))
    with pytest.raises(StepUpRequired):
        service(customer, proof=proof_of(customer, at=time.time() - 601))
    assert nothing_written()


@pytest.mark.parametrize("name", SERVICES)
def test_a_fresh_proof_or_a_waiver_acts(customer, other_customer, name):
    service = SERVICES[name][0]
    assert service(customer, proof=proof_of(customer)) is not None
    waived = verification.without_step_up("the customer asked by phone")
    assert service(other_customer, proof=waived) is not None


def test_the_step_up_comes_before_the_blockers(customer, monkeypatch):
    """A refused deletion says nothing of what blocks it until the customer stepped up."""
    monkeypatch.setattr(closures, "blockers", lambda user: pytest.fail("blockers looked up"))
    with pytest.raises(StepUpRequired):
        closures.request_deletion(customer)


@pytest.mark.parametrize("name", SERVICES)
def test_the_api_answers_as_it_always_did(customer, name):
    _service, method, path = SERVICES[name]
    client = Client()
    client.force_login(customer)
    response = getattr(client, method)(f"{API}{path}")
    assert response.status_code == 403
    assert response.json() == STEP_UP
    assert nothing_written()


@pytest.mark.parametrize("name", SERVICES)
def test_the_api_answers_in_the_readers_language(customer, name):
    _service, method, path = SERVICES[name]
    client = Client()
    client.force_login(customer)
    body = getattr(client, method)(f"{API}{path}?locale=sl").json()
    assert body["code"] == "step_up_required"
    assert body["detail"] != STEP_UP["detail"]


@pytest.mark.parametrize("name", SERVICES)
def test_anonymous_callers_are_not_authenticated(client, name):
    _service, method, path = SERVICES[name]
    assert getattr(client, method)(f"{API}{path}").json()["code"] == "not_authenticated"
    assert nothing_written()


@pytest.mark.parametrize("name", SERVICES)
def test_staff_are_customers_here_and_step_up_too(name):
    """Staff without any permission, and a superuser: no way round the step-up."""
    _service, method, path = SERVICES[name]
    User = get_user_model()
    for user in (
        User.objects.create_user("clerk", "clerk@example.com", "pw", is_staff=True),
        User.objects.create_superuser("boss", "boss@example.com", "pw"),
    ):
        client = Client()
        client.force_login(user)
        assert getattr(client, method)(f"{API}{path}").json() == STEP_UP
    assert nothing_written()


@pytest.mark.parametrize("name", SERVICES)
def test_one_customers_step_up_does_not_act_for_another(customer, other_customer, name):
    """A verified session acts on its own customer only; the other's account is untouched."""
    _service, method, path = SERVICES[name]
    verified = verified_client(other_customer)
    unverified = Client()
    unverified.force_login(customer)
    assert getattr(unverified, method)(f"{API}{path}").json() == STEP_UP
    assert getattr(verified, method)(f"{API}{path}").status_code in (200, 202)
    assert not DataExport.objects.filter(user=customer).exists()
    assert not AccountClosure.objects.filter(user=customer).exists()
    customer.refresh_from_db()
    assert customer.is_active


def test_the_reactivation_page_shows_a_refusal_through_the_door(client, customer, settings):
    """A page whose service asks for a step-up: the step-up page, not its own error page."""
    closure = closures.deactivate(customer, proof=verification.without_step_up("test fixture"))
    url = f"/privacy/reactivate/{closures.reactivation_token(closure)}/"

    def refuse(token):
        raise verification.step_up_error(customer)

    with mock.patch.object(closures, "reactivate", refuse):
        page = client.post(url, HTTP_ACCEPT=BROWSER)
        assert page.status_code == 403
        assert "wagtail_privacy/verification/step_up_required.html" in [
            t.name for t in page.templates
        ]
        assert "wagtail_privacy/base.html" in [t.name for t in page.templates]
        settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "STEP_UP_URL": "/account/confirm/"}
        redirect = client.post(url, HTTP_ACCEPT=BROWSER)
        assert redirect.status_code == 302
        assert redirect["Location"].startswith("/account/confirm/?next=%2Fprivacy%2Freactivate%2F")
        script = client.post(url, HTTP_ACCEPT="application/json")
        assert script.status_code == 403 and script.json()["code"] == "step_up_required"
    assert AccountClosure.objects.get().state == "scheduled"  # nothing reactivated
