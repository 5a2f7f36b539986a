"""has_cookie_consent and banner_needed: what counts, and what reading costs."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from tests.cookies.helpers import browser_request, choose
from wagtail_privacy.cookies import service, visitor
from wagtail_privacy.cookies.models import CookieCategory, CookieItem

pytestmark = pytest.mark.django_db
URL = "/api/privacy/v1/cookies/"


def test_what_counts(rf, cookie_categories):
    browser = Client()
    request = browser_request(rf, browser)
    assert service.has_cookie_consent(request, "necessary") is True
    assert service.has_cookie_consent(request, "statistics") is False
    assert service.has_cookie_consent(request, "nonsense") is False
    assert service.banner_needed(request) is True
    choose(browser, statistics=True, marketing=True)
    request = browser_request(rf, browser)
    assert service.has_cookie_consent(request, "statistics") is True
    assert service.has_cookie_consent(request, "marketing") is True
    assert service.banner_needed(request) is False
    # Global Privacy Control refuses marketing, even allowed before.
    gpc = browser_request(rf, browser, HTTP_SEC_GPC="1")
    assert service.has_cookie_consent(gpc, "marketing") is False
    assert service.has_cookie_consent(gpc, "statistics") is True


def test_reading_costs_no_query_and_one_cache_round_trip(
    rf, cookie_categories, customer, django_assert_num_queries, cache_calls
):
    browser = Client()
    choose(browser, statistics=True)
    service.has_cookie_consent(browser_request(rf, browser), "statistics")  # fills the cache
    signed_in = Client()
    signed_in.force_login(customer)
    choose(signed_in, marketing=True)
    service.has_cookie_consent(browser_request(rf, user=customer), "marketing")
    for request in (
        browser_request(rf, browser),
        browser_request(rf, user=customer),
        browser_request(rf),  # no cookie: the rules only
    ):
        cache_calls.clear()
        with django_assert_num_queries(0):
            service.has_cookie_consent(request, "statistics")
            service.has_cookie_consent(request, "marketing")
            service.banner_needed(request)
            service.allowed(request)
        assert cache_calls == ["get_many"]
    assert service.has_cookie_consent(browser_request(rf, browser), "statistics") is True
    assert service.has_cookie_consent(browser_request(rf, user=customer), "marketing") is True


def test_a_write_counts_at_once(rf, cookie_categories):
    browser = Client()
    choose(browser, statistics=True)
    assert service.has_cookie_consent(browser_request(rf, browser), "statistics") is True
    choose(browser, statistics=False)  # a withdrawal
    assert service.has_cookie_consent(browser_request(rf, browser), "statistics") is False


def test_a_saved_category_counts_at_once(rf, cookie_categories):
    browser = Client()
    choose(browser, statistics=True)
    assert service.has_cookie_consent(browser_request(rf, browser), "statistics") is True
    statistics = CookieCategory.objects.get(key="statistics", locale__language_code="en")
    statistics.wording_version = 2
    statistics.save()
    assert service.has_cookie_consent(browser_request(rf, browser), "statistics") is False
    choose(browser, statistics=True)
    assert service.has_cookie_consent(browser_request(rf, browser), "statistics") is True
    CookieItem.objects.filter(category=statistics).delete()
    assert service.has_cookie_consent(browser_request(rf, browser), "statistics") is False
    CookieCategory.objects.filter(key="statistics").delete()
    assert service.has_cookie_consent(browser_request(rf, browser), "statistics") is False
    assert "statistics" not in service.allowed(browser_request(rf, browser))


def test_choices_lapse_after_the_max_age(rf, cookie_categories, settings):
    browser = Client()
    choose(browser, statistics=True)
    later = service.snapshot(browser_request(rf, browser)).state["statistics"].at
    with time_machine.travel(later + timedelta(days=396)):
        request = browser_request(rf, browser)
        assert service.has_cookie_consent(request, "statistics") is False
        assert service.banner_needed(request) is True


def test_categories_in_a_language_with_their_cookies(cookie_categories, locales):
    found = service.categories("sl")
    assert [c.key for c in found] == ["necessary", "statistics", "marketing"]
    assert [c.locale.language_code for c in found] == ["en", "sl", "en"]
    assert [(i.name, i.provider, i.duration) for i in found[1].items] == [
        ("_demo_stats", "Lipa Stats", "13 mesecev")
    ]
    assert [c.key for c in service.categories()] == ["necessary", "statistics", "marketing"]


def test_the_fingerprint_ignores_the_order_of_the_cookies(cookie_categories):
    necessary = cookie_categories["necessary"]
    before = necessary.fingerprint
    items = list(necessary.cookies.all())
    assert [i.name for i in CookieCategory.objects.get(pk=necessary.pk).items] == [
        "sessionid",
        "privacy_visitor",
    ]
    for position, item in enumerate(reversed(items)):
        item.sort_order = position
        item.save()
    again = CookieCategory.objects.get(pk=necessary.pk)
    assert [i.name for i in again.items] == ["privacy_visitor", "sessionid"]
    assert again.fingerprint == before


def test_the_visitor_id_is_signed(rf):
    value = visitor.signed(visitor.new_id())
    request = rf.get("/")
    request.COOKIES["privacy_visitor"] = value
    assert visitor.from_request(request) == value.split(":")[0]
    request = rf.get("/")
    request.COOKIES["privacy_visitor"] = value[:-1] + ("A" if value[-1] != "A" else "B")
    assert visitor.from_request(request) is None


def test_the_visitor_cookie_name_is_a_setting(cookie_categories, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "COOKIE_VISITOR_COOKIE": "shop_v"}
    response = choose(Client(), statistics=True)
    assert list(response.cookies) == ["shop_v"]


def test_translating_a_category_copies_its_cookies(cookie_categories, locales):
    """Wagtail's translate action (``copy_for_translation``) brings the inline cookies."""
    marketing = cookie_categories["marketing"]
    copy = marketing.copy_for_translation(locales["hr"])
    copy.save()
    copy = CookieCategory.objects.get(pk=copy.pk)
    assert [(i.name, i.provider) for i in copy.items] == [("_demo_ads", "Lipa Ads")]
    assert copy.key == "marketing" and copy.fingerprint == marketing.fingerprint
