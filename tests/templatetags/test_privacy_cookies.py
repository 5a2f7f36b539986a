"""The cookie consent's template tags: banner, settings link, consent checks, categories."""

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from tests.cookies.helpers import browser_request, choose

pytestmark = pytest.mark.django_db
URL = "/api/privacy/v1/cookies/"


def render(source, **context):
    return Template("{% load privacy_cookies %}" + source).render(Context(context))


def test_the_banner_points_the_module_at_the_api_in_the_page_language(client, cookie_categories):
    with translation.override("sl"):
        html = render("{% cookie_banner %}")
    [api] = re.findall(r'data-api="([^"]+)"', html)
    assert api == URL
    assert 'data-locale="sl"' in html and 'lang="sl"' in html
    assert '<script src="/static/wagtail_privacy/cookies.js" defer></script>' in html
    assert 'href="/static/wagtail_privacy/cookies.css"' in html
    with translation.override("sl"):
        gpc = translation.gettext(
            "Your browser sends a Global Privacy Control signal: we treat it as a refusal of "
            "marketing cookies."
        )
        error = translation.gettext("Your choices could not be saved. Please try again.")
    assert "Global Privacy Control" not in gpc  # translated, in the page's language
    assert f'data-text-gpc="{escape(gpc)}"' in html
    assert f'data-text-error="{escape(error)}"' in html
    # The address the module calls answers with the categories, in the page's language.
    data = client.get(api, {"locale": "sl"}).json()
    assert [c["key"] for c in data["categories"]] == ["necessary", "statistics", "marketing"]
    assert data["categories"][1]["name"] == "Statistika"


def test_the_banner_without_styles_or_pinned_to_the_bottom():
    html = render('{% cookie_banner styles=False position="bottom" api="/shop/cookies/" %}')
    assert "cookies.css" not in html
    assert 'data-position="bottom"' in html
    assert 'data-api="/shop/cookies/"' in html


def test_the_settings_link_is_a_button_that_opens_the_dialog():
    html = render("{% cookie_settings_link %}")
    assert html.strip() == (
        '<button type="button" class="privacy-cookies-link" data-cookie-settings>'
        "Cookie settings</button>"
    )
    html = render('{% cookie_settings_link label="Cookies" css_class="footer-link" %}')
    assert 'class="footer-link"' in html and ">Cookies</button>" in html


def test_has_cookie_consent_follows_the_visitors_choices(rf, cookie_categories):
    source = (
        '{% has_cookie_consent "necessary" as necessary %}'
        '{% has_cookie_consent "statistics" as statistics %}'
        '{% has_cookie_consent "marketing" as marketing %}'
        '{% has_cookie_consent "unknown" as unknown %}'
        "{{ necessary }} {{ statistics }} {{ marketing }} {{ unknown }}"
    )
    browser = Client()
    assert render(source, request=browser_request(rf, browser)) == "True False False False"
    choose(browser, statistics=True, marketing=False)
    assert render(source, request=browser_request(rf, browser)) == "True True False False"
    choose(browser, statistics=False)
    assert render(source, request=browser_request(rf, browser)) == "True False False False"
    # Global Privacy Control refuses marketing whatever was chosen.
    choose(browser, marketing=True)
    assert render(source, request=browser_request(rf, browser)) == "True False True False"
    gpc = browser_request(rf, browser, HTTP_SEC_GPC="1")
    assert render(source, request=gpc) == "True False False False"


def test_has_cookie_consent_without_a_request_allows_nothing_optional(cookie_categories):
    assert render('{% has_cookie_consent "statistics" as ok %}{{ ok }}') == "False"


def test_has_cookie_consent_costs_no_query_in_steady_state(
    rf, cookie_categories, django_assert_num_queries
):
    browser = Client()
    choose(browser, statistics=True)
    source = (
        '{% has_cookie_consent "statistics" as a %}{% has_cookie_consent "marketing" as b %}'
        "{{ a }} {{ b }}"
    )
    assert render(source, request=browser_request(rf, browser)) == "True False"  # warms the cache
    with django_assert_num_queries(0):
        assert render(source, request=browser_request(rf, browser)) == "True False"


def test_cookie_categories_lists_the_categories_and_their_cookies(cookie_categories):
    with translation.override("sl"):
        html = render("{% cookie_categories %}")
    headings = re.findall(r"<h3[^>]*>(.*?)</h3>", html, re.S)
    assert [" ".join(re.sub(r"<[^>]+>", "", h).split()) for h in headings] == [
        "Strictly necessary (vedno vklopljeno)",  # the category has no Slovenian name
        "Statistika",
        "Marketing",
    ]
    assert "<code>_demo_stats</code>" in html and "13 mesecev" in html
    assert "<code>sessionid</code>" in html and "<code>_demo_ads</code>" in html
    assert html.count('<th scope="col">') == 4 * 3
    assert "data-cookie-settings" in html


def test_cookie_categories_without_categories_renders_nothing(db):
    assert render("{% cookie_categories %}").strip() == ""


def test_the_cookie_policy_page_lists_the_categories(client, policies, cookie_categories):
    cookies = policies.create(title="Cookie policy", slug="cookie-policy", kind="cookies")
    cookies = policies.publish(cookies)
    privacy = policies.publish(policies.create())
    html = client.get(cookies.url).content.decode()
    assert "data-cookie-categories" in html
    assert html.index("We keep data.") < html.index("data-cookie-categories")
    assert "<code>_demo_stats</code>" in html
    assert "data-cookie-categories" not in client.get(privacy.url).content.decode()
