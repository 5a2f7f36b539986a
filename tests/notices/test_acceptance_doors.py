"""``AcceptanceRequired`` through the doors: the middleware, the decorator and the accept page.

A browser is redirected to the accept page (``?next=`` only a local URL); a script gets the
403 JSON ``policy_acceptance_required`` with the accept page in ``accept_url`` and
``Location``. The middleware also renders a refusal a view lets out.
"""

import json
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import translation

from wagtail_privacy.exceptions import AcceptanceRequired, StepUpRequired
from wagtail_privacy.notices import acceptance
from wagtail_privacy.notices.enforcement import (
    AcceptanceMiddleware,
    acceptance_required,
    require_acceptance,
)
from wagtail_privacy.notices.models import Acceptance

pytestmark = pytest.mark.django_db
GATE = "wagtail_privacy.notices.enforcement.AcceptanceMiddleware"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
REFUSAL = {
    "code": "policy_acceptance_required",
    "detail": "Accept the current version of these policies to continue.",
    "policies": [{"policy": "privacy-policy", "version": 1}],
    "accept_url": "/privacy/accept/",
}


@pytest.fixture(autouse=True)
def _english():
    """The refusals are worded in the active language, which an earlier test may have left."""
    with translation.override("en"):
        yield


@pytest.fixture
def required(policies):
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    policies.publish(page, level="editorial")


def request_of(user, path="/basket/", accept=None):
    request = RequestFactory().get(path, headers={"Accept": accept} if accept else {})
    request.user = user
    return request


def page(request):
    return HttpResponse("page")


def test_the_guard_raises(customer, required):
    with pytest.raises(AcceptanceRequired) as refused:
        require_acceptance(request_of(customer))
    assert refused.value.as_dict() == REFUSAL
    assert refused.value.headers == {"Location": "/privacy/accept/"}


def test_middleware_redirects_a_browser(customer, required):
    response = AcceptanceMiddleware(page)(request_of(customer, "/basket/?step=2", BROWSER))
    assert response.status_code == 302
    assert response["Location"] == "/privacy/accept/?next=%2Fbasket%2F%3Fstep%3D2"


def test_middleware_answers_a_script_with_json(customer, required):
    response = AcceptanceMiddleware(page)(request_of(customer, accept="application/json"))
    assert response.status_code == 403
    assert json.loads(response.content) == REFUSAL
    assert response["Location"] == "/privacy/accept/"


def test_middleware_never_sends_next_off_site(customer, required):
    request = request_of(customer, accept=BROWSER)
    request.path = request.path_info = "//evil.example/basket/"
    response = AcceptanceMiddleware(page)(request)
    assert response["Location"] == "/privacy/accept/"


def test_a_customer_who_accepted_goes_through(customer, required):
    acceptance.accept(customer, "privacy-policy", 1, language="en")
    assert AcceptanceMiddleware(page)(request_of(customer, accept=BROWSER)).content == b"page"


def test_the_decorator_redirects_a_browser(customer, required):
    view = acceptance_required(page)
    browser = view(request_of(customer, "/checkout/", BROWSER))
    assert browser.status_code == 302
    assert browser["Location"] == "/privacy/accept/?next=%2Fcheckout%2F"
    script = view(request_of(customer, "/checkout/"))  # says nothing: JSON, as before
    assert script.status_code == 403 and json.loads(script.content) == REFUSAL


def test_accept_url_setting(customer, required, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "ACCEPT_URL": "/terms/?step=accept"}
    response = AcceptanceMiddleware(page)(request_of(customer, accept=BROWSER))
    assert response["Location"] == "/terms/?step=accept&next=%2Fbasket%2F"


def test_middleware_renders_a_refusal_a_view_lets_out(customer, settings):
    middleware = AcceptanceMiddleware(page)
    refusal = StepUpRequired(max_age=600, methods=["email"])
    shown = middleware.process_exception(request_of(customer, accept=BROWSER), refusal)
    assert shown.status_code == 403 and b'data-code="step_up_required"' in shown.content
    script = middleware.process_exception(request_of(customer, accept="application/json"), refusal)
    assert json.loads(script.content)["code"] == "step_up_required"
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "STEP_UP_URL": "/account/confirm/"}
    sent = middleware.process_exception(request_of(customer, accept=BROWSER), refusal)
    assert sent["Location"] == "/account/confirm/?next=%2Fbasket%2F"
    assert middleware.process_exception(request_of(customer), ValueError()) is None


def test_through_the_whole_stack(client, customer, required, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, GATE]
    client.force_login(customer)
    browser = client.get("/basket/", HTTP_ACCEPT=BROWSER)
    assert browser.status_code == 302 and browser["Location"].startswith("/privacy/accept/")
    script = client.get("/basket/", HTTP_ACCEPT="application/json")
    assert script.status_code == 403 and script.json() == REFUSAL
    assert client.get(browser["Location"], HTTP_ACCEPT=BROWSER).status_code == 200


def test_the_accept_page_answers_a_refusal_through_the_door(customer, required):
    """Not shown as an error of the form: the customer is sent where they can act."""
    client = Client()
    client.force_login(customer)

    def refuse(*args, **kwargs):
        raise StepUpRequired(max_age=600, methods=["email"])

    with mock.patch.object(acceptance, "accept", refuse):
        response = client.post(
            "/privacy/accept/", {"confirm": "on", "next": "/basket/"}, HTTP_ACCEPT=BROWSER
        )
    assert response.status_code == 403
    assert "wagtail_privacy/verification/step_up_required.html" in [
        t.name for t in response.templates
    ]
    assert not Acceptance.objects.exists()


def test_the_accept_page_refuses_off_site_next(client, customer, required):
    client.force_login(customer)
    done = client.post("/privacy/accept/", {"confirm": "on", "next": "//evil.example/"})
    assert done.status_code == 302 and done["Location"] == "/"
