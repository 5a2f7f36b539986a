"""The package's public pages answer in the language of the URL, as the README mounts them."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def owes_acceptance(customer, policies):
    page = policies.create(requires_acceptance=True)
    policies.publish(page, level="editorial")
    client = Client()
    client.force_login(customer)
    return client


def test_the_accept_page_under_the_language_prefix(owes_acceptance):
    slovenian = owes_acceptance.get("/sl/privacy/accept/?next=/sl/")
    assert slovenian.status_code == 200
    assert slovenian["Content-Language"] == "sl"
    assert "Sprejmi in nadaljuj" in slovenian.content.decode()
    english = owes_acceptance.get("/privacy/accept/?next=/")
    assert english.status_code == 200
    assert "Accept and continue" in english.content.decode()


def test_links_to_the_pages_carry_the_language():
    with translation.override("sl"):
        assert reverse("wagtail_privacy:accept") == "/sl/privacy/accept/"
        assert reverse("wagtail_privacy:unsubscribe", args=["t"]) == "/sl/privacy/unsubscribe/t/"
    with translation.override("en"):
        assert reverse("wagtail_privacy:reactivate", args=["t"]) == "/privacy/reactivate/t/"
