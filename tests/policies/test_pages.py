"""The public HTML of a policy page: the version in effect, the banner and the history."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(policies):
    page = policies.create(title="Privacy policy", text="Old rules.")
    page = policies.publish(page, level="editorial")
    return policies.publish(
        page,
        level="major",
        effective_at=timezone.now() + timedelta(days=11),
        summary="We now keep reviews.",
        text="New rules.",
    )


def test_page_shows_current_version_banner_and_history(client, page):
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Old rules." in html and "New rules." not in html
    # Both dates a policy promises about: when it was published, and from when it is valid.
    meta = html.split('class="privacy-meta"', 1)[1].split("</p>", 1)[0]
    assert "published on" in meta and "valid from" in meta
    assert meta.index("published on") < meta.index("valid from")
    assert "A new version takes effect on" in html
    assert "We now keep reviews." in html
    assert page.url + "versions/2/" in html
    assert page.url + "versions/1/" in html


def test_each_version_has_a_stable_url(client, page):
    response = client.get(page.url + "versions/2/")
    html = response.content.decode()
    assert "New rules." in html and "takes effect on" in html
    assert client.get(page.url + "versions/1/").status_code == 200
    assert client.get(page.url + "versions/7/").status_code == 404


def test_page_flips_at_the_effective_date(client, page):
    with time_machine.travel(timezone.now() + timedelta(days=12)):
        html = client.get(page.url).content.decode()
    assert "New rules." in html
    assert "A new version takes effect on" not in html


def test_translated_page_falls_back_to_the_default_language(client, policies, page):
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Nova pravila.")
    sl.save_revision().publish()
    sl.refresh_from_db()
    html = client.get(sl.url).content.decode()
    # Version 1 exists only in English: Slovenian readers get it in English for now.
    assert 'lang="en"' in html and "Old rules." in html
    assert 'lang="sl"' in html  # the page chrome is Slovenian
    v2 = client.get(sl.url + "versions/2/").content.decode()
    assert "Nova pravila." in v2


def test_unpublished_policy_says_so(client, policies):
    page = policies.create()
    page.live = True
    page.save()
    response = client.get(page.url)
    assert response.status_code == 200
    assert "has not been published yet" in response.content.decode()
