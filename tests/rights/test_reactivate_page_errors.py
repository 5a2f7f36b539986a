"""The reactivation page never answers 500: a link that cannot work gets a page saying so.

GET already checks the link; GET and POST answer the API's status for the same link, on the
shop's base template, in the customer's language (the reader's when the link names nobody),
and change nothing.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client
from django.utils import timezone

from tests.testapp.models import CustomerProfile
from wagtail_privacy.conf import privacy_settings
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights.models import AccountClosure, DataRequest
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1"
ERROR_TEMPLATE = "wagtail_privacy/rights/reactivate_error.html"
METHODS = pytest.mark.parametrize("method", ["get", "post"])


@pytest.fixture
def closed(customer, locales):
    """The customer, deactivated; their language is Slovenian."""
    CustomerProfile.objects.create(user=customer, language="sl")
    return closures.deactivate(customer, proof=NO_STEP_UP)


def snapshot():
    users = get_user_model().objects.order_by("pk").values_list("pk", "is_active")
    closures_ = AccountClosure.objects.order_by("pk").values_list("pk", "state", "cancelled_at")
    requests = DataRequest.objects.order_by("pk").values_list("pk", "status", "closed_at")
    return list(users), list(closures_), list(requests)


def page(method, token, **headers):
    client = Client(raise_request_exception=False)
    return getattr(client, method)(f"/privacy/reactivate/{token}/", **headers)


def api(token):
    return Client(raise_request_exception=False).post(f"{API}/reactivate/{token}/")


def assert_error_page(response, status, code, language):
    assert response.status_code == status
    assert [t.name for t in response.templates][:2] == [ERROR_TEMPLATE, "wagtail_privacy/base.html"]
    assert response["Content-Language"] == language
    html = response.content.decode()
    assert f'<html lang="{language}">' in html and f'data-code="{code}"' in html
    assert "<form" not in html
    return html


def signed(data):
    return signing.dumps(data, salt=closures.REACTIVATE_SALT)


def test_a_good_link_asks_then_reactivates(closed, customer):
    token = closures.reactivation_token(closed)
    before = snapshot()
    asked = page("get", token)
    assert asked.status_code == 200 and "<form" in asked.content.decode()
    assert '<html lang="sl">' in asked.content.decode()
    assert snapshot() == before
    done = page("post", token)
    assert done.status_code == 200 and "Vaš račun je znova aktiven." in done.content.decode()
    customer.refresh_from_db()
    assert customer.is_active


@METHODS
@pytest.mark.parametrize(
    "language,text", [("en", "This link is not valid."), ("sl", "Ta povezava ni veljavna.")]
)
def test_a_tampered_link(closed, method, language, text):
    token = closures.reactivation_token(closed)
    bad = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    before = snapshot()
    response = page(method, bad, HTTP_ACCEPT_LANGUAGE=language)
    html = assert_error_page(response, 400, "invalid_token", language)
    assert text in html
    if language == "en":
        assert "Open the link from the email again: it may have been cut short." in html
    assert snapshot() == before
    assert api(bad).json()["code"] == "invalid_token"


@METHODS
def test_an_expired_link_in_the_customers_language(closed, method):
    token = closures.reactivation_token(closed)
    days = max(privacy_settings.DEACTIVATED_RETENTION_DAYS, privacy_settings.DELETION_GRACE_DAYS)
    before = snapshot()
    with time_machine.travel(timezone.now() + timedelta(days=days + 2), tick=False):
        response = page(method, token)
        refused = api(token)
    html = assert_error_page(response, 410, "link_expired", "sl")
    assert "Ta povezava je potekla." in html
    assert refused.status_code == 410 and refused.json()["code"] == "link_expired"
    assert snapshot() == before


@METHODS
def test_a_superseded_link(closed, customer, method):
    first = closures.reactivation_token(closed)
    closures.reactivate(first)
    customer.refresh_from_db()
    second = closures.request_deletion(customer, proof=NO_STEP_UP)
    before = snapshot()
    html = assert_error_page(page(method, first), 410, "link_superseded", "sl")
    assert "Ta povezava pripada prejšnji zahtevi in ne deluje več" in html
    assert api(first).status_code == 410
    assert snapshot() == before
    second.refresh_from_db()
    customer.refresh_from_db()
    assert second.state == "scheduled" and not customer.is_active


@METHODS
def test_a_superseded_link_in_english(closed, customer, method):
    CustomerProfile.objects.filter(user=customer).update(language="en")
    first = closures.reactivation_token(closed)
    closures.reactivate(first)
    customer.refresh_from_db()
    closures.request_deletion(customer, proof=NO_STEP_UP)
    html = assert_error_page(page(method, first), 410, "link_superseded", "en")
    assert "This link belongs to an earlier request and no longer works" in html


@METHODS
@pytest.mark.parametrize("state", ["erasing", "erased"])
def test_an_account_erased_or_being_erased(closed, customer, method, state):
    token = closures.reactivation_token(closed)
    AccountClosure.objects.filter(pk=closed.pk).update(state=state)
    before = snapshot()
    html = assert_error_page(page(method, token), 409, "closure_not_cancellable", "sl")
    assert "Tega računa ni več mogoče znova aktivirati." in html
    assert api(token).status_code == 409
    assert snapshot() == before


@METHODS
def test_an_erased_account_names_nobody(closed, customer, method):
    token = closures.reactivation_token(closed)
    AccountClosure.objects.filter(pk=closed.pk).update(state="erased")
    customer.delete()
    before = snapshot()
    response = page(method, token, HTTP_ACCEPT_LANGUAGE="sl")
    assert_error_page(response, 409, "closure_not_cancellable", "sl")
    assert snapshot() == before


@METHODS
@pytest.mark.parametrize(
    "data", [{"c": 10**9}, {"c": "x"}, {"c": None}, {"c": [1]}, ["c", 1], "c", {}]
)
def test_signed_links_naming_nothing(closed, method, data):
    token = signed(data)
    before = snapshot()
    assert_error_page(page(method, token), 404, "invalid_token", "en")
    refused = api(token)  # the API reads the link in the same place
    assert refused.status_code == 404 and refused.json()["code"] == "invalid_token"
    assert snapshot() == before


@METHODS
def test_a_link_for_a_closure_deleted_since(closed, method):
    token = closures.reactivation_token(closed)
    AccountClosure.objects.filter(pk=closed.pk).delete()
    before = snapshot()
    assert_error_page(page(method, token), 404, "invalid_token", "en")
    refused = api(token)
    assert refused.status_code == 404 and refused.json()["code"] == "invalid_token"
    assert snapshot() == before


def test_a_used_link_says_the_account_is_active(closed, customer):
    token = closures.reactivation_token(closed)
    assert page("post", token).status_code == 200
    before = snapshot()
    for method in ("get", "post"):
        response = page(method, token)
        html = response.content.decode()
        assert response.status_code == 200 and "Vaš račun je znova aktiven." in html
        assert "<form" not in html
    assert snapshot() == before
