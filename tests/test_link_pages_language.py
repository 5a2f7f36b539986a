"""The pages reached from an email speak the customer's language, and the reader's choice.

The reactivation page after a Slovenian email is Slovenian, whatever the browser asks for;
a link that names nobody any more follows its URL's language prefix; ``?locale=`` (what a
language switcher links to) is the reader's choice and wins.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from tests.testapp.models import CustomerProfile
from wagtail_privacy.consent import service, unsubscribe
from wagtail_privacy.consent.models import ConsentPurpose
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights.models import AccountClosure
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^/\s]+(/(?:[a-z]{2}/)?privacy/reactivate/[^/\s]+/)")


@pytest.fixture
def slovenian(customer, locales):
    CustomerProfile.objects.create(user=customer, language="sl")
    return customer


@pytest.fixture
def emailed_link(slovenian, django_capture_on_commit_callbacks):
    """The customer deactivates from an English storefront; the email is Slovenian."""
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        closures.deactivate(slovenian, proof=NO_STEP_UP)
    [message] = mail.outbox
    assert "Vaš račun je deaktiviran" in message.body  # the customer's language
    return LINK.search(message.body).group(1)


def page(method, path, **headers):
    return getattr(Client(raise_request_exception=False), method)(path, **headers)


def test_the_reactivation_page_after_a_slovenian_email_is_slovenian(slovenian, emailed_link):
    asked = page("get", emailed_link, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200 and asked["Content-Language"] == "sl"
    assert '<html lang="sl">' in asked.content.decode()
    done = page("post", emailed_link, HTTP_ACCEPT_LANGUAGE="en")
    assert done["Content-Language"] == "sl"
    assert "Vaš račun je znova aktiven." in done.content.decode()
    slovenian.refresh_from_db()
    assert slovenian.is_active


def test_the_readers_choice_wins(slovenian, emailed_link):
    path = emailed_link.split("?")[0]
    english = page("get", f"{path}?locale=en")
    assert english["Content-Language"] == "en"
    assert "Reactivate your account" in english.content.decode()
    # The form posts to the same address: the answer stays in the chosen language.
    assert '<form method="post">' in english.content.decode()
    done = page("post", f"{path}?locale=en")
    assert done["Content-Language"] == "en"
    assert "Your account is active again." in done.content.decode()


def test_a_link_naming_nobody_follows_its_language_prefix(slovenian, emailed_link):
    token = emailed_link.rstrip("/").rsplit("/", 1)[1]
    AccountClosure.objects.update(user=None, state="erased")  # erased since
    response = page("get", f"/sl/privacy/reactivate/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response["Content-Language"] == "sl"
    unprefixed = page("get", f"/privacy/reactivate/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert unprefixed["Content-Language"] == "en"


def test_the_unsubscribe_page_takes_the_readers_choice_too(slovenian):
    ConsentPurpose.objects.create(
        key="newsletter", name="Newsletter", wording="Send me news.", email=True
    )
    service.record(slovenian, "newsletter", "email", True, source="signup")
    token = unsubscribe.token_for(slovenian, "newsletter", "email")
    assert page("get", f"/privacy/unsubscribe/{token}/")["Content-Language"] == "sl"
    chosen = page("get", f"/sl/privacy/unsubscribe/{token}/?locale=en")
    assert chosen["Content-Language"] == "en"
    assert "Stop receiving" in chosen.content.decode()
    assert service.has_consent(slovenian, "newsletter", "email")
