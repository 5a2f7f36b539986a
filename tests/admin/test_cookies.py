"""Admin: cookie categories (snippets), the cookie choices screen, and the opt-in rates."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from wagtail_privacy.cookies import service
from wagtail_privacy.cookies.models import CookieCategory, CookieConsentRecord
from wagtail_privacy.cookies.stats import opt_in_counts
from wagtail_privacy.wagtail_hooks import register_privacy_permissions

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/cookies/"
INDEX = "wagtail_privacy_cookies:index"


def user_with(username, *codenames):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    group = Group.objects.create(name=f"{username} group")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user.groups.add(group)
    return user


@pytest.fixture
def officer(db):
    return user_with("officer", "access_privacy_centre", "view_cookieconsentrecord")


def choose(client, **choices):
    response = client.put(API, {"choices": choices}, content_type="application/json")
    assert response.status_code == 200
    return response


@pytest.fixture
def choices(cookie_categories, customer):
    """A signed-out visitor allowing statistics; Ana refusing it, signed in."""
    visitor = Client()
    choose(visitor, statistics=True, marketing=False)
    ana = Client()
    ana.force_login(customer)
    choose(ana, statistics=False, marketing=False)
    return {
        "visitor": CookieConsentRecord.objects.filter(user=None).first().visitor_id,
        "ana": CookieConsentRecord.objects.filter(user=customer).first().visitor_id,
    }


def rows(client, **query):
    response = client.get(reverse(INDEX), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_officer_searches_by_visitor_id_and_by_customer(client, officer, choices):
    client.force_login(officer)
    html = rows(client)
    assert choices["visitor"] in html and choices["ana"] in html
    by_visitor = rows(client, q=choices["visitor"])
    assert choices["visitor"] in by_visitor and choices["ana"] not in by_visitor
    for query in ("ana", "ana@example.com"):
        by_customer = rows(client, q=query)
        assert choices["ana"] in by_customer and choices["visitor"] not in by_customer
    # The filters, and the results-only view Wagtail's search refreshes.
    statistics = rows(client, category_key="statistics", granted="true")
    assert choices["visitor"] in statistics and choices["ana"] not in statistics
    results = client.get(reverse("wagtail_privacy_cookies:index_results"), {"q": "ana"})
    assert results.status_code == 200 and choices["ana"] in results.content.decode()
    assert choices["visitor"] not in results.content.decode()


def test_the_list_is_paginated(client, officer, cookie_categories):
    for _n in range(26):  # two records each: 52 rows
        choose(Client(), statistics=True)
    client.force_login(officer)
    first = client.get(reverse(INDEX))
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(first.context["object_list"]) == 50
    assert client.get(reverse(INDEX), {"p": 2}).status_code == 200


def test_anonymous_is_sent_to_the_login(client, choices):
    response = client.get(reverse(INDEX))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_the_privacy_permission_is_refused(client, choices):
    # Every model permission of the app, the cookie choices' included, but not the centre's.
    staff = user_with("staff", "view_cookieconsentrecord", "view_consentrecord")
    client.force_login(staff)
    response = client.get(reverse(INDEX), {"q": "ana"})
    assert response.status_code == 302
    assert choices["ana"] not in response.content.decode()
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(INDEX) not in home


def test_the_centre_permission_alone_is_not_enough(client, choices):
    watcher = user_with("watcher", "access_privacy_centre")
    client.force_login(watcher)
    assert client.get(reverse(INDEX)).status_code == 302
    dashboard = client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode()
    assert reverse(INDEX) not in dashboard  # no link to a screen they cannot open
    assert "Cookie opt-in rates" in dashboard


def test_groups_offer_the_permission():
    offered = register_privacy_permissions()
    assert offered.filter(codename="view_cookieconsentrecord").exists()


def test_opt_in_rates_on_the_dashboard(client, officer, choices):
    client.force_login(officer)
    html = client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode()
    section = html.split('id="privacy-centre-cookies"', 1)[1].split("</section>", 1)[0]
    assert "Statistics: 1/2 (50%)" in section and "Marketing: 0/2 (0%)" in section
    assert reverse(INDEX) in section


def test_opt_in_counts_are_one_query_and_count_the_current_fingerprint(
    choices, cookie_categories, django_assert_num_queries
):
    fingerprints = {k: r.fingerprint for k, r in service.rules().items() if not r.necessary}
    with django_assert_num_queries(1):
        counts = opt_in_counts(fingerprints)
    assert counts == {"statistics": (1, 2), "marketing": (0, 2)}
    # The visitor changes their mind: their latest choice counts, once.
    statistics = cookie_categories["statistics"]
    statistics.wording_version = 2
    statistics.save()
    fingerprints["statistics"] = CookieCategory.objects.get(pk=statistics.pk).fingerprint
    assert opt_in_counts(fingerprints)["statistics"] == (0, 0)  # asked again: nobody decided


def test_editors_manage_categories_with_their_cookies(client, editor, locales):
    client.force_login(editor)
    url = reverse("wagtailsnippets_wagtail_privacy_cookiecategory:add") + "?locale=en"
    response = client.post(
        url,
        {
            "key": "statistics",
            "name": "Statistics",
            "description": "Counting visits.",
            "wording": "Allow statistics cookies.",
            "wording_version": "1",
            "sort_order": "10",
            "cookies-TOTAL_FORMS": "1",
            "cookies-INITIAL_FORMS": "0",
            "cookies-MIN_NUM_FORMS": "0",
            "cookies-MAX_NUM_FORMS": "1000",
            "cookies-0-name": "_demo_stats",
            "cookies-0-provider": "Lipa Stats",
            "cookies-0-duration": "13 months",
            "cookies-0-purpose": "Counts visits.",
            "cookies-0-ORDER": "1",
            "cookies-0-id": "",
            "cookies-0-DELETE": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    category = CookieCategory.objects.get(key="statistics")
    assert [(i.name, i.provider) for i in category.items] == [("_demo_stats", "Lipa Stats")]
    assert service.rules()["statistics"].fingerprint == category.fingerprint


def test_a_category_cannot_be_necessary_and_marketing(client, editor, locales):
    client.force_login(editor)
    url = reverse("wagtailsnippets_wagtail_privacy_cookiecategory:add") + "?locale=en"
    response = client.post(
        url,
        {
            "key": "odd",
            "name": "Odd",
            "wording": "Odd.",
            "wording_version": "1",
            "sort_order": "0",
            "necessary": "on",
            "marketing": "on",
            "cookies-TOTAL_FORMS": "0",
            "cookies-INITIAL_FORMS": "0",
            "cookies-MIN_NUM_FORMS": "0",
            "cookies-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "cannot be marketing cookies" in response.content.decode()
    assert not CookieCategory.objects.exists()
