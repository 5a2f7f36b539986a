"""The ``List-Unsubscribe`` link works from a browser and from a mail provider.

A browser (or a mail scanner prefetching links) gets a page that says what will be
unsubscribed, with a button, and changes nothing; the button, or a mail provider's RFC 8058
one-click ``POST`` (``List-Unsubscribe=One-Click``, no session, no CSRF token) on the very same
URL, unsubscribes. The link is in the customer's language.
"""

import pytest
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.urls import include, path, reverse

from tests.testapp.models import CustomerProfile
from wagtail_privacy.consent import service, unsubscribe
from wagtail_privacy.consent.models import ConsentRecord

pytestmark = pytest.mark.django_db
ONE_CLICK = "List-Unsubscribe=One-Click"
ONE_CLICK_TYPE = "application/x-www-form-urlencoded"

#: A site that mounts the API and not the package's pages (``wagtail_privacy.urls``).
urlpatterns = [path("api/privacy/v1/", include("wagtail_privacy.api.urls"))]


def header_path(subject, **kwargs):
    """The path of the ``List-Unsubscribe`` URL a host's mailer puts in its email."""
    headers = unsubscribe.list_unsubscribe_headers(subject, "newsletter", "email", **kwargs)
    assert headers["List-Unsubscribe-Post"] == ONE_CLICK
    url = headers["List-Unsubscribe"]
    assert url.startswith("<http://") and url.endswith(">")
    return "/" + url.strip("<>").split("://", 1)[1].split("/", 1)[1]


def ledger():
    return list(ConsentRecord.objects.order_by("pk").values_list("pk", "granted", "source"))


def mail_provider():
    """A mail provider's server: no cookies, no CSRF token, CSRF checks on."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def subscribed(customer, newsletter):
    service.record(customer, "newsletter", "email", True, source="signup")
    return customer


def test_the_header_names_the_page_not_the_api(subscribed):
    path = header_path(subscribed)
    assert path.startswith("/privacy/unsubscribe/"), path
    assert subscribed.email not in path


def test_a_browser_gets_a_confirmation_and_nothing_changes(subscribed):
    path = header_path(subscribed)
    before = ledger()
    browser = Client()
    for method in ("get", "head"):
        response = getattr(browser, method)(path)
        assert response.status_code == 200, method
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    html = browser.get(path).content.decode()
    assert "Stop receiving “Newsletter” (Email)?" in html
    assert "New teas every month." in html  # what the purpose is
    assert '<form method="post">' in html and '<button type="submit">Unsubscribe</button>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert ledger() == before
    assert service.has_consent(subscribed, "newsletter", "email")


def test_the_button_unsubscribes(subscribed):
    path = header_path(subscribed)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path).content.decode()
    assert 'name="List-Unsubscribe" value="One-Click"' in page
    response = browser.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Done: you will no longer receive “Newsletter” (Email)." in response.content.decode()
    assert not service.has_consent(subscribed, "newsletter", "email")


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart"])
def test_rfc_8058_one_click_post_on_the_same_url(subscribed, content_type):
    path = header_path(subscribed)
    provider = mail_provider()
    if content_type == "multipart":
        response = provider.post(path, {"List-Unsubscribe": "One-Click"}, MULTIPART_CONTENT)
    else:
        response = provider.post(path, ONE_CLICK, content_type=content_type)
    assert response.status_code == 200
    assert not service.has_consent(subscribed, "newsletter", "email")
    [withdrawal] = ConsentRecord.objects.filter(granted=False)
    assert withdrawal.source == "unsubscribe"
    # Sent again (providers retry): nothing more is recorded.
    assert provider.post(path, ONE_CLICK, content_type=content_type).status_code == 200
    assert ConsentRecord.objects.filter(granted=False).count() == 1


def test_other_methods_are_refused(subscribed):
    path = header_path(subscribed)
    before = ledger()
    assert Client().put(path).status_code == 405
    assert Client().delete(path).status_code == 405
    assert ledger() == before


def test_the_link_is_in_the_customers_language(subscribed):
    CustomerProfile.objects.create(user=subscribed, language="sl")
    path = header_path(subscribed)
    assert path.startswith("/sl/privacy/unsubscribe/"), path
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "sl"
    assert "E-novice" in response.content.decode()
    # The mailer may name the language itself, and spare the look-up.
    assert header_path(subscribed, language="en").startswith("/privacy/unsubscribe/")


def test_a_guest_link_is_the_page_in_the_default_language(newsletter):
    service.record("guest@example.com", "newsletter", "email", True, source="signup")
    path = header_path("guest@example.com")
    assert path.startswith("/privacy/unsubscribe/") and "guest" not in path
    assert Client().get(path).status_code == 200
    assert service.has_consent("guest@example.com", "newsletter", "email")
    assert mail_provider().post(path, ONE_CLICK, content_type=ONE_CLICK_TYPE).status_code == 200
    assert not service.has_consent("guest@example.com", "newsletter", "email")


def test_without_the_pages_the_link_is_the_api_endpoint(subscribed, settings):
    settings.ROOT_URLCONF = __name__
    link = header_path(subscribed)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert link == reverse("wagtail_privacy_api:unsubscribe", kwargs={"token": token})
    response = mail_provider().post(link, ONE_CLICK, content_type=ONE_CLICK_TYPE)
    assert response.status_code == 200 and response.json()["unsubscribed"] is True
