"""A reader whose language a version lacks is told so, and gets the text and PDF it names.

The notice is in the reader's language and names both languages; the text shown in the
default language carries ``lang`` for screen readers. The PDF of such a version is the default
language's, and its response says so (``Content-Language``, the filename), on the public page
and through the API alike.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/policies/privacy-policy"


@pytest.fixture
def pages(policies):
    """Version 1 in English only; version 2 (upcoming) in English and Slovenian."""
    page = policies.create(title="Privacy policy", text="Old rules.", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    page = policies.publish(
        page,
        level="major",
        effective_at=timezone.now() + timedelta(days=11),
        summary="We now keep reviews.",
        text="New rules.",
    )
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Nova pravila.")
    sl.save_revision().publish()
    sl.refresh_from_db()
    return {"en": page, "sl": sl}


def fallback_notice(html):
    """The text of the page's fallback notice, or None."""
    if 'class="privacy-fallback"' not in html:
        return None
    return html.split('class="privacy-fallback"', 1)[1].split("</p>", 1)[0]


def test_the_slovenian_page_says_the_version_in_effect_is_shown_in_english(client, pages):
    html = client.get(pages["sl"].url).content.decode()
    assert '<html lang="sl">' in html
    notice = fallback_notice(html)
    assert notice is not None
    # Both languages named in the reader's language (the sentence follows the catalog).
    assert "Slovenščina" in notice and "Angleščina" in notice
    assert 'data-shown-language="en"' in html
    # The English text is marked English for screen readers: title, body.
    assert '<h1 lang="en">Privacy policy</h1>' in html
    assert '<div class="privacy-body" lang="en"><p>Old rules.</p></div>' in html
    # The PDF link names its language too.
    assert 'hreflang="en" type="application/pdf"' in html


def test_a_version_in_the_readers_language_says_nothing(client, pages):
    html = client.get(pages["sl"].url + "versions/2/").content.decode()
    assert fallback_notice(html) is None
    assert '<h1 lang="sl">Politika zasebnosti</h1>' in html
    english = client.get(pages["en"].url).content.decode()
    assert fallback_notice(english) is None


def test_the_version_page_and_the_comparison_say_so(client, pages):
    version = client.get(pages["sl"].url + "versions/1/").content.decode()
    assert fallback_notice(version) is not None and '<h1 lang="en">' in version
    # Version 1 has no Slovenian text: both versions are compared in English.
    diff = client.get(pages["sl"].url + "diff/1/2/").content.decode()
    notice = fallback_notice(diff)
    assert notice is not None and "Angleščina" in notice
    assert '<div class="privacy-diff" lang="en">' in diff
    # The legend is the reader's language, inside the English comparison.
    assert '<p class="privacy-diff-legend" lang="sl">' in diff


def test_the_banner_names_the_language_of_the_upcoming_version(client, pages):
    # On the Slovenian page, the version in effect is English, the upcoming one Slovenian.
    html = client.get(pages["sl"].url).content.decode()
    banner = html.split('<aside class="privacy-banner"', 1)[1].split("</aside>", 1)[0]
    assert '<p lang="sl">We now keep reviews.</p>' in banner
    assert 'hreflang="sl" type="application/pdf"' in banner


def test_the_accept_page_says_so(customer, pages):
    client = Client()
    client.force_login(customer)
    html = client.get("/sl/privacy/accept/?next=/sl/").content.decode()
    assert '<html lang="sl">' in html
    notice = fallback_notice(html)
    assert notice is not None and "Angleščina" in notice
    assert '<h2 lang="en">Privacy policy</h2>' in html
    assert '<div class="privacy-body" lang="en">' in html


def test_the_pdf_of_an_english_only_version_says_it_is_english(client, pages, storage):
    response = client.get(pages["sl"].url + "versions/1/pdf/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert 'filename="privacy-policy-v1-en.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    again = client.get(pages["sl"].url + "versions/1/pdf/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["Content-Language"] == "en"
    translated = client.get(pages["sl"].url + "versions/2/pdf/")
    assert translated["Content-Language"] == "sl"
    assert 'filename="privacy-policy-v2-sl.pdf"' in translated["Content-Disposition"]


def test_the_api_pdf_has_the_english_filename(client, pages, storage):
    response = client.get(f"{API}/versions/1/pdf/?locale=sl")
    assert response.status_code == 200
    assert 'filename="privacy-policy-v1-en.pdf"' in response["Content-Disposition"]


def test_the_api_pdf_says_it_is_english(client, pages, storage):
    response = client.get(f"{API}/versions/1/pdf/?locale=sl")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_the_api_links_the_pdf_in_the_language_it_is_in(client, pages):
    version = client.get(f"{API}/versions/1/?locale=sl").json()
    assert version["language"] == "en" and version["fallback"] is True
    assert version["pdf_url"].endswith("/versions/1/pdf/?locale=en")
