"""The doors: a refusal raised by a service becomes JSON for a script, a page for a browser.

The views here are a host's own, calling the package's services the documented way.
"""

import json
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from wagtail_privacy.exceptions import AcceptanceRequired, StepUpRequired
from wagtail_privacy.rights import export as exports
from wagtail_privacy.rights.models import DataExport
from wagtail_privacy.verification import doors
from wagtail_privacy.verification import service as verification
from wagtail_privacy.verification.decorators import step_up_required

pytestmark = pytest.mark.django_db
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TEMPLATE = "wagtail_privacy/verification/step_up_required.html"


class Session(dict):
    pass


@pytest.fixture(autouse=True)
def _english():
    """The refusals are worded in the active language, which an earlier test may have left."""
    with translation.override("en"):
        yield


def request_of(user, path="/account/export/", verified=False, accept=None):
    request = RequestFactory().post(path, headers={"Accept": accept} if accept else {})
    request.user = user
    request.session = Session()
    if verified:
        request.session[verification.SESSION_KEY] = time.time()
    return request


@doors.answers_refusals
def export_my_data(request):
    """A host's own page: asks for an export, the service guards it."""
    exports.request_export(request.user, proof=verification.step_up_proof(request))
    return HttpResponse("asked")


def acceptance_refusal():
    return AcceptanceRequired(
        policies=[{"policy": "privacy-policy", "version": 2}], accept_url="/privacy/accept/"
    )


@pytest.mark.parametrize(
    ("headers", "html"),
    [
        ({"Accept": BROWSER}, True),
        ({"Accept": "application/json"}, False),
        ({"Accept": "application/json, text/plain, */*"}, False),
        ({"Accept": "application/problem+json"}, False),
        ({"Accept": "text/html;q=0.5, application/json"}, False),
        ({"Accept": "*/*"}, None),
        ({}, None),
        ({"Accept": "*/*", "X-Requested-With": "XMLHttpRequest"}, False),
    ],
)
def test_which_door(headers, html):
    request = RequestFactory().get("/", headers=headers)
    for default in (True, False):
        assert doors.wants_html(request, default) is (default if html is None else html)


def test_a_json_body_is_a_script():
    request = RequestFactory().post("/", {}, content_type="application/json")
    assert doors.wants_html(request) is False


def test_a_host_view_without_a_step_up_shows_the_page(customer):
    response = export_my_data(request_of(customer, accept=BROWSER))
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Confirm it is you" in html and 'data-code="step_up_required"' in html
    assert "In your account, confirm that it is you" in html
    assert not DataExport.objects.exists()


def test_the_step_up_page_extends_the_layout_and_links_the_account(customer, settings):
    settings.WAGTAIL_PRIVACY = {"ACCOUNT_URL": "https://shop.example/account/privacy/"}
    request = request_of(customer, accept=BROWSER)
    response = doors.respond(request, verification.step_up_error(customer))
    assert 'href="https://shop.example/account/privacy/"' in response.content.decode()
    from django.template.loader import get_template

    source = get_template(TEMPLATE).template.source
    assert source.startswith('{% extends "wagtail_privacy/base.html" %}')


def test_the_step_up_page_is_translated(customer):
    with translation.override("sl"):
        response = doors.respond(
            request_of(customer, accept=BROWSER), verification.step_up_error(customer)
        )
    assert response["Content-Language"] == "sl"
    assert "Confirm it is you: verify" not in response.content.decode()  # the detail's msgid


def test_a_host_view_redirects_to_the_shops_step_up_page(customer, settings):
    settings.WAGTAIL_PRIVACY = {"STEP_UP_URL": "/account/confirm/"}
    response = export_my_data(request_of(customer, "/account/export/?format=zip", accept=BROWSER))
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm/?next=%2Faccount%2Fexport%2F%3Fformat%3Dzip"
    settings.WAGTAIL_PRIVACY = {"STEP_UP_URL": "/account/confirm/?tab=security"}
    response = export_my_data(request_of(customer, accept=BROWSER))
    assert response["Location"] == "/account/confirm/?tab=security&next=%2Faccount%2Fexport%2F"


def test_a_script_gets_the_apis_json(customer):
    response = export_my_data(request_of(customer, accept="application/json"))
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "code": "step_up_required",
        "detail": "Confirm it is you: verify with a one-time code first.",
        "max_age": 600,
        "methods": ["email"],
    }


def test_with_a_step_up_the_host_view_acts(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = export_my_data(request_of(customer, verified=True, accept=BROWSER))
    assert response.content == b"asked" and DataExport.objects.filter(user=customer).exists()


@pytest.mark.parametrize(
    "outside",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:evil.example"],
)
def test_next_never_leaves_the_site(customer, settings, outside):
    settings.WAGTAIL_PRIVACY = {"STEP_UP_URL": "/account/confirm/"}
    request = request_of(customer, accept=BROWSER)
    step_up = doors.html_response(request, verification.step_up_error(customer), outside)
    assert step_up["Location"] == "/account/confirm/"
    accept = doors.html_response(request, acceptance_refusal(), outside)
    assert accept["Location"] == "/privacy/accept/"
    local = doors.html_response(request, acceptance_refusal(), "/basket/")
    assert local["Location"] == "/privacy/accept/?next=%2Fbasket%2F"


def test_the_path_asked_for_is_no_way_off_site(customer):
    """A path like ``//evil.example/`` is a URL of another site to a browser: not a ``next``."""
    request = request_of(customer, accept=BROWSER)
    request.path = request.path_info = "//evil.example/basket/"
    assert doors.respond(request, acceptance_refusal())["Location"] == "/privacy/accept/"


def test_acceptance_as_json_names_the_accept_page(customer):
    response = doors.respond(request_of(customer, accept="application/json"), acceptance_refusal())
    assert response.status_code == 403
    assert response["Location"] == "/privacy/accept/"
    assert json.loads(response.content) == {
        "code": "policy_acceptance_required",
        "detail": "Accept the current version of these policies to continue.",
        "policies": [{"policy": "privacy-policy", "version": 2}],
        "accept_url": "/privacy/accept/",
    }


def test_the_decorator_guards_a_host_view(customer):
    view = step_up_required(lambda request: HttpResponse("changed"))
    refused = view(request_of(customer))  # says nothing: JSON, as before
    assert refused.status_code == 403
    assert json.loads(refused.content)["methods"] == ["email"]
    page = view(request_of(customer, accept=BROWSER))
    assert page.status_code == 403 and b'data-code="step_up_required"' in page.content
    assert view(request_of(customer, verified=True)).content == b"changed"


def test_a_refusal_the_view_lets_out_is_not_caught_by_other_errors(customer):
    @doors.answers_refusals
    def view(request):
        raise StepUpRequired(max_age=60, methods=["totp"])

    response = view(request_of(customer, accept="application/json"))
    assert json.loads(response.content)["max_age"] == 60
