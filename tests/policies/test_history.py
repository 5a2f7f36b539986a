"""The policy page's history: the latest versions, then every version a page at a time."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_privacy.policies.pages import PolicyLinks
from wagtail_privacy.policies.resolution import HISTORY_PAGE_SIZE, HISTORY_PREVIEW

from .helpers import add_versions

pytestmark = pytest.mark.django_db


def history_numbers(html):
    """The version numbers the history list links to, in order."""
    match = re.search(r"<ol reversed[^>]*>(.*?)</ol>", html, re.S)
    assert match, html
    return [int(n) for n in re.findall(r'versions/(\d+)/"', match.group(1))]


@pytest.fixture
def long_policy(policies):
    page = policies.create(title="Privacy policy", text="Version one.")
    page = policies.publish(page, level="editorial")
    add_versions(page, HISTORY_PAGE_SIZE + 5)
    return page


def test_page_shows_the_latest_versions_and_links_the_full_history(client, long_policy):
    count = HISTORY_PAGE_SIZE + 5
    html = client.get(long_policy.url).content.decode()
    assert history_numbers(html) == list(range(count, count - HISTORY_PREVIEW, -1))
    assert f'href="{long_policy.url}history/"' in html
    assert f"See the whole history ({count} versions)" in html
    version = client.get(f"{long_policy.url}versions/2/").content.decode()
    assert history_numbers(version) == list(range(count, count - HISTORY_PREVIEW, -1))
    assert f'href="{long_policy.url}history/"' in version


def test_short_history_has_no_link_to_more(client, policies):
    page = policies.publish(policies.create(), level="editorial")
    html = client.get(page.url).content.decode()
    assert history_numbers(html) == [1]
    assert "See the whole history" not in html


def test_history_pages_hold_every_version_newest_first(client, long_policy):
    count = HISTORY_PAGE_SIZE + 5
    first = client.get(f"{long_policy.url}history/")
    assert first.status_code == 200
    html = first.content.decode()
    assert history_numbers(html) == list(range(count, 5, -1))
    assert "<title>Privacy policy [en] — Version history — Page 1 of 2</title>" in html
    assert "Page 1 of 2" in html
    assert f'<a href="{long_policy.url}history/" aria-current="page">1</a>' in html
    assert f'<a href="{long_policy.url}history/?page=2" rel="next">2</a>' in html
    assert 'rel="prev"' not in html
    # The oldest version of page 1 links to what changed from a version on page 2.
    assert f'href="{long_policy.url}diff/5/6/"' in html

    second = client.get(f"{long_policy.url}history/?page=2").content.decode()
    assert history_numbers(second) == [5, 4, 3, 2, 1]
    assert '<ol reversed start="5">' in second
    assert f'<a href="{long_policy.url}history/" rel="prev">1</a>' in second
    assert 'rel="next"' not in second
    assert f'href="{long_policy.url}diff/1/2/"' in second
    assert f'href="{long_policy.url}versions/1/pdf/"' in second


def test_pagination_shows_the_ends_and_the_pages_around():
    from wagtail_privacy.policies.pages import pagination
    from wagtail_privacy.policies.resolution import HistoryPage

    links = PolicyLinks("/p/")
    page = HistoryPage(number=6, size=10, count=200)
    shown = [(link.number, link.current, link.rel) for link in pagination(page, links)]
    assert shown == [
        (1, False, None),
        (None, False, None),
        (4, False, None),
        (5, False, "prev"),
        (6, True, None),
        (7, False, "next"),
        (8, False, None),
        (None, False, None),
        (20, False, None),
    ]
    assert pagination(HistoryPage(number=1, size=10, count=10), links) == []


@pytest.mark.parametrize("page", ["0", "-1", "3", "abc", "", "1.5", "99999999999999999999", "²"])
def test_a_page_that_does_not_exist_is_a_404(client, long_policy, page):
    response = client.get(f"{long_policy.url}history/", {"page": page})
    assert response.status_code == 404


def test_history_of_an_unpublished_policy_is_a_404(client, policies):
    page = policies.create()
    page.live = True
    page.save()
    assert client.get(f"{page.url}history/").status_code == 404


def test_diff_links_skip_withdrawn_versions(client, policies):
    page = policies.publish(policies.create(), level="editorial")
    page = policies.publish(page, level="minor", effective_at=policies.days(3), text="Two")
    page = policies.publish(page, level="minor", effective_at=policies.days(5), text="Three")
    html = client.get(f"{page.url}history/").content.decode()
    assert history_numbers(html) == [3, 2, 1]
    assert f'href="{page.url}diff/1/3/"' in html
    assert f'href="{page.url}diff/1/2/"' in html  # a withdrawn version still shows its changes
    assert "Withdrawn" in html


def test_links_are_the_routes_of_the_page(client, long_policy):
    links = PolicyLinks(long_policy.url)
    assert links.version(7) == long_policy.url + long_policy.reverse_subpage("version", args=[7])
    assert links.pdf(7) == long_policy.url + long_policy.reverse_subpage("version_pdf", args=[7])
    assert links.diff(3, 7) == long_policy.url + long_policy.reverse_subpage("diff", args=[3, 7])
    assert links.history() == long_policy.url + long_policy.reverse_subpage("history")
    assert links.history(2) == links.history() + "?page=2"
    assert PolicyLinks("/privacy-policy").page == "/privacy-policy/"
    assert long_policy.version_url(3) == f"{long_policy.url}versions/3/"


def _queries(client, url):
    client.get(url)  # the site's root paths are cached by the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_the_history(client, policies):
    one = policies.publish(policies.create(title="One", slug="one"), level="editorial")
    many = policies.publish(policies.create(title="Many", slug="many"), level="editorial")
    add_versions(many, 50)
    for path in ("", "versions/1/", "history/"):
        assert _queries(client, one.url + path) == _queries(client, many.url + path), path
    assert _queries(client, many.url + "history/?page=3") == _queries(client, one.url + "history/")
