"""The unsubscribe page never answers 500: a stale or broken link gets a page saying so.

Editors rename or delete purposes and remove channels; links in old emails keep arriving. The
page answers the API's status for the same link, on the shop's base template, in the
customer's language (the reader's when the link names nobody), and changes nothing.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.testapp.models import CustomerProfile
from wagtail_privacy.consent import service, unsubscribe
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord

pytestmark = pytest.mark.django_db
ERROR_TEMPLATE = "wagtail_privacy/consent/unsubscribe_error.html"
STALE_PURPOSE = (
    "This link is out of date: these messages are no longer sent, so there is nothing to "
    "unsubscribe from."
)
STALE_CHANNEL = (
    "This link is out of date: these messages are no longer sent this way, so there is "
    "nothing to unsubscribe from."
)
METHODS = pytest.mark.parametrize("method", ["get", "post"])


def ledger():
    return list(ConsentRecord.objects.order_by("pk").values_list("pk", "purpose_key", "granted"))


def page(method, token, **headers):
    client = Client(raise_request_exception=False)
    return getattr(client, method)(f"/privacy/unsubscribe/{token}/", **headers)


def assert_error_page(response, status, code, language="en"):
    assert response.status_code == status
    assert [t.name for t in response.templates][:2] == [ERROR_TEMPLATE, "wagtail_privacy/base.html"]
    assert response["Content-Language"] == language
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f'data-code="{code}"' in html
    return html


def sl(customer):
    CustomerProfile.objects.create(user=customer, language="sl")


@METHODS
@pytest.mark.parametrize("change", ["renamed", "deleted"])
def test_a_purpose_renamed_or_deleted_since(client, customer, newsletter, method, change):
    token = unsubscribe.token_for(customer, "newsletter", "email")
    purposes = ConsentPurpose.objects.filter(key="newsletter")
    if change == "renamed":
        purposes.update(key="news")
    else:
        purposes.delete()
    before = ledger()
    html = assert_error_page(page(method, token), 404, "unknown_purpose")
    assert STALE_PURPOSE in html
    assert "newsletter" not in html  # no key, no technical wording
    assert ledger() == before


@METHODS
def test_a_stale_purpose_in_the_customers_language(customer, newsletter, method):
    sl(customer)
    token = unsubscribe.token_for(customer, "newsletter", "email")
    ConsentPurpose.objects.filter(key="newsletter").update(key="news")
    html = assert_error_page(page(method, token), 404, "unknown_purpose", language="sl")
    assert "<h1>Odjava</h1>" in html
    assert not ConsentRecord.objects.exists()


@METHODS
def test_the_api_answers_the_same_status(customer, newsletter, method):
    token = unsubscribe.token_for(customer, "newsletter", "email")
    ConsentPurpose.objects.filter(key="newsletter").delete()
    api = Client().post(f"/api/privacy/v1/unsubscribe/{token}/")
    assert api.status_code == 404 and api.json()["code"] == "unknown_purpose"
    assert page(method, token).status_code == api.status_code


@METHODS
def test_a_renamed_purpose_the_customer_grants_is_still_withdrawn(customer, newsletter, method):
    # Not an error: withdrawing what the customer grants works whatever editors did since.
    service.record(customer, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(customer, "newsletter", "email")
    ConsentPurpose.objects.filter(key="newsletter").update(key="news")
    response = page(method, token)
    assert response.status_code == 200
    assert service.has_consent(customer, "newsletter", "email") is (method == "get")


@METHODS
def test_a_channel_removed_since(customer, newsletter, method):
    sl(customer)
    token = unsubscribe.token_for(customer, "newsletter", "sms")
    ConsentPurpose.objects.filter(key="newsletter").update(sms=False)
    before = ledger()
    html = assert_error_page(page(method, token), 422, "unknown_channel", language="sl")
    assert "<h1>Odjava</h1>" in html
    assert ledger() == before


@METHODS
def test_a_channel_removed_since_in_english(customer, newsletter, method):
    token = unsubscribe.token_for(customer, "newsletter", "sms")
    ConsentPurpose.objects.filter(key="newsletter").update(sms=False)
    html = assert_error_page(page(method, token), 422, "unknown_channel")
    assert STALE_CHANNEL in html


@METHODS
@pytest.mark.parametrize(
    "language,text",
    [("en", "This unsubscribe link is not valid."), ("sl", "Ta povezava za odjavo ni veljavna.")],
)
def test_a_tampered_link(customer, newsletter, method, language, text):
    # The link names nobody any more: the page speaks the reader's language.
    service.record(customer, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(customer, "newsletter", "email")
    bad = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    before = ledger()
    response = page(method, bad, HTTP_ACCEPT_LANGUAGE=language)
    html = assert_error_page(response, 400, "invalid_token", language=language)
    assert text in html
    if language == "en":
        assert "Open the link from the email again: it may have been cut short." in html
    assert ledger() == before
    assert service.has_consent(customer, "newsletter", "email")


@METHODS
def test_a_link_of_a_customer_deleted_since(customer, newsletter, method):
    service.record(customer, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(customer, "newsletter", "email")
    customer.delete()
    before = ledger()
    assert_error_page(page(method, token), 400, "invalid_token")
    assert ledger() == before


@METHODS
def test_links_do_not_expire(customer, newsletter, method):
    # RFC 8058 links must keep working: years later the link still unsubscribes.
    service.record(customer, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(customer, "newsletter", "email")
    with time_machine.travel(timezone.now() + timedelta(days=3 * 365)):
        response = page(method, token)
    assert response.status_code == 200
    assert service.has_consent(customer, "newsletter", "email") is (method == "get")


def test_a_used_link_changes_nothing_more(customer, newsletter):
    service.record(customer, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(customer, "newsletter", "email")
    assert page("post", token).status_code == 200
    before = ledger()
    response = page("get", token)
    assert response.status_code == 200 and "You do not receive" in response.content.decode()
    assert page("post", token).status_code == 200
    assert ledger() == before


def test_a_simultaneous_change_asks_to_try_again(customer, newsletter, monkeypatch):
    from wagtail_privacy.exceptions import PrivacyError

    service.record(customer, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(customer, "newsletter", "email")

    def busy(*args, **kwargs):
        raise PrivacyError("Busy", code="throttled", status=429, params={"retry_after": 1})

    monkeypatch.setattr(unsubscribe, "unsubscribe", busy)
    response = page("post", token)
    assert_error_page(response, 429, "throttled")
    assert response["Retry-After"] == "1"
    assert service.has_consent(customer, "newsletter", "email")
