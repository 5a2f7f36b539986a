"""The public policy endpoints of the JSON API."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.policies.helpers import add_versions
from wagtail_privacy.policies.resolution import HISTORY_PREVIEW

pytestmark = pytest.mark.django_db

API = "/api/privacy/v1"


@pytest.fixture
def published(policies):
    """A privacy policy with v1 in effect and a major v2 upcoming, in English and Slovenian."""
    page = policies.create(title="Privacy policy", text="We keep your orders.")
    page = policies.publish(page, level="editorial", summary="First")
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Hranimo naročila.")
    sl.save_revision().publish()
    effective = timezone.now() + timedelta(days=12)
    page = policies.publish(
        page,
        level="major",
        effective_at=effective,
        summary="We now keep reviews.",
        text="We keep your orders and reviews.",
    )
    return {"page": page, "sl": sl, "effective": effective}


def test_list_shows_current_and_upcoming(client, published):
    response = client.get(f"{API}/policies/")
    assert response.status_code == 200
    [policy] = response.json()
    assert policy["slug"] == "privacy-policy"
    assert policy["kind"] == "privacy"
    assert policy["title"] == "Privacy policy"
    assert policy["current"]["number"] == 1
    assert policy["current"]["status"] == "current"
    assert policy["upcoming"]["number"] == 2
    assert policy["upcoming"]["change_level"] == "major"
    assert policy["upcoming"]["summary"] == "We now keep reviews."
    assert policy["upcoming"]["url"] == f"{API}/policies/privacy-policy/versions/2/"


def test_detail_has_history_in_the_readers_language(client, published):
    response = client.get(f"{API}/policies/privacy-policy/", HTTP_ACCEPT_LANGUAGE="sl-SI,sl;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "sl"
    data = response.json()
    assert data["title"] == "Politika zasebnosti"
    assert [v["number"] for v in data["history"]] == [2, 1]
    assert [v["status"] for v in data["history"]] == ["upcoming", "current"]
    # Version 2 has no Slovenian text yet: the reader falls back to the default language.
    assert data["history"][0]["language"] == "en"
    assert data["history"][1]["language"] == "sl"


def test_version_in_full(client, published):
    response = client.get(f"{API}/policies/privacy-policy/versions/1/?locale=sl")
    data = response.json()
    assert response.status_code == 200
    assert data["language"] == "sl" and data["fallback"] is False
    assert "Hranimo naročila." in data["body_html"]
    assert len(data["sha256"]) == 64
    fallback = client.get(f"{API}/policies/privacy-policy/versions/2/?locale=hr").json()
    assert fallback["language"] == "en"
    assert fallback["requested_language"] == "hr"
    assert fallback["fallback"] is True
    assert "reviews" in fallback["body_html"]


def test_upcoming_version_becomes_current_without_publishing(client, published):
    with time_machine.travel(published["effective"] + timedelta(seconds=1)):
        policy = client.get(f"{API}/policies/").json()[0]
    assert policy["current"]["number"] == 2
    assert policy["upcoming"] is None


@pytest.mark.parametrize(
    "url,status,code",
    [
        ("/policies/nope/", 404, "unknown_policy"),
        ("/policies/nope/versions/1/", 404, "unknown_policy"),
        ("/policies/privacy-policy/versions/9/", 404, "unknown_version"),
        ("/policies/privacy-policy/versions/abc/", 422, "invalid_input"),
        ("/policies/?locale=xx", 400, "unknown_locale"),
        ("/policies/privacy-policy/?locale=klingon", 400, "unknown_locale"),
    ],
)
def test_errors_are_json_with_a_stable_code(client, published, url, status, code):
    response = client.get(API + url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


def test_error_detail_is_translated(client, published):
    response = client.get(f"{API}/policies/nope/?locale=sl")
    assert response.json()["code"] == "unknown_policy"
    assert "nope" in response.json()["detail"]
    assert response.json()["detail"] != client.get(f"{API}/policies/nope/").json()["detail"]


def test_openapi_document_lists_the_endpoints(client, published):
    document = client.get(f"{API}/openapi.json").json()
    paths = document["paths"]
    assert f"{API}/policies/" in paths
    assert f"{API}/policies/{{slug}}/" in paths
    assert f"{API}/policies/{{slug}}/versions/{{number}}/" in paths
    responses = paths[f"{API}/policies/{{slug}}/"]["get"]["responses"]
    assert {"200", "404"} <= set(responses)
    assert "`unknown_policy`" in responses["404"]["description"]
    me = paths[f"{API}/me/exports/"]["post"]["responses"]
    assert "`step_up_required`" in me["403"]["description"]
    assert "`rate_limited`" in me["429"]["description"]


def _publish_many(policies, count):
    page = policies.create()
    translations = {}
    for number in range(1, count + 1):
        page = policies.publish(page, level="editorial", text=f"Text {number}")
        for code in ("sl", "sq", "hr"):
            if code not in translations:
                translations[code] = policies.translate(page, code, title=code, text=code)
            translations[code].save_revision().publish()


@pytest.mark.parametrize("count", [1, 10])
def test_detail_costs_bounded_queries(client, policies, count, django_assert_max_num_queries):
    _publish_many(policies, count)
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/policies/privacy-policy/?locale=sq")
    assert response.json()["history_count"] == count
    assert len(response.json()["history"]) == min(count, HISTORY_PREVIEW)
    with django_assert_max_num_queries(5):
        client.get(f"{API}/policies/privacy-policy/versions/{count}/?locale=hr")
    with django_assert_max_num_queries(5):
        client.get(f"{API}/policies/?locale=sl")


@pytest.fixture
def long_history(policies):
    """A policy with 25 versions in effect (English and Slovenian), the latest current."""
    page = policies.publish(policies.create(), level="editorial")
    add_versions(page, 25, languages=("en", "sl"))
    return page


def test_detail_summarises_the_history(client, long_history):
    data = client.get(f"{API}/policies/privacy-policy/?locale=sl").json()
    assert data["history_count"] == 25
    assert [v["number"] for v in data["history"]] == [25, 24, 23, 22, 21][:HISTORY_PREVIEW]
    assert data["history"][0]["status"] == "current"
    assert data["history"][1]["status"] == "archived"
    assert data["history"][0]["language"] == "sl"
    assert data["history"][0]["url"] == f"{API}/policies/privacy-policy/versions/25/"
    assert data["history_url"] == f"{API}/policies/privacy-policy/versions/"
    assert data["current"]["number"] == 25


def test_history_endpoint_pages_through_every_version(client, long_history):
    url = f"{API}/policies/privacy-policy/versions/"
    first = client.get(url, {"locale": "sl"})
    assert first.status_code == 200
    data = first.json()
    assert (data["count"], data["page"], data["page_size"], data["pages"]) == (25, 1, 20, 2)
    assert [v["number"] for v in data["items"]] == list(range(25, 5, -1))
    assert data["items"][0]["status"] == "current" and data["items"][0]["language"] == "sl"
    assert data["previous"] is None
    assert data["next"] == f"{url}?locale=sl&page=2"

    second = client.get(data["next"]).json()
    assert [v["number"] for v in second["items"]] == [5, 4, 3, 2, 1]
    assert second["items"][-1]["summary"] == ""  # version 1 was published without a summary
    assert second["next"] is None
    assert second["previous"] == f"{url}?locale=sl&page=1"

    third = client.get(url, {"page": 3, "page_size": 10}).json()
    assert [v["number"] for v in third["items"]] == [5, 4, 3, 2, 1]
    assert third["pages"] == 3 and third["previous"] == f"{url}?page=2&page_size=10"


@pytest.mark.parametrize(
    "query,status,code",
    [
        ("page=0", 422, "invalid_input"),
        ("page=-1", 422, "invalid_input"),
        ("page=abc", 422, "invalid_input"),
        ("page=99999999999999999999", 422, "invalid_input"),
        ("page_size=0", 422, "invalid_input"),
        ("page_size=101", 422, "invalid_input"),
        ("page=3", 404, "not_found"),
        ("page=2&page_size=25", 404, "not_found"),
    ],
)
def test_history_page_that_does_not_exist(client, long_history, query, status, code):
    response = client.get(f"{API}/policies/privacy-policy/versions/?{query}")
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


def test_history_page_past_the_end_says_so_in_the_readers_language(
    client, long_history, monkeypatch
):
    url = f"{API}/policies/privacy-policy/versions/?page=3"
    assert client.get(url).json()["detail"] == "There is no page 3: the last page is 2."
    # The message goes through gettext in the reader's language (whatever the catalogs hold).
    from django.utils import translation

    from wagtail_privacy.api import policies as endpoints

    monkeypatch.setattr(endpoints, "_", lambda message: f"[{translation.get_language()}] {message}")
    detail = client.get(url + "&locale=sl").json()["detail"]
    assert detail == "[sl] There is no page 3: the last page is 2."
    assert client.get(f"{API}/policies/nope/versions/").json()["code"] == "unknown_policy"


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_the_history(client, policies):
    policies.publish(policies.create(title="One", slug="one"), level="editorial")
    many = policies.publish(policies.create(title="Many", slug="many"), level="editorial")
    add_versions(many, 50)
    for path in ("", "versions/", "versions/1/"):
        assert _count(client, f"{API}/policies/one/{path}") == _count(
            client, f"{API}/policies/many/{path}"
        ), path
    assert _count(client, f"{API}/policies/many/versions/?page=2&page_size=10") == _count(
        client, f"{API}/policies/one/versions/"
    )


def test_openapi_documents_the_history_endpoint(client, published):
    document = client.get(f"{API}/openapi.json").json()
    operation = document["paths"][f"{API}/policies/{{slug}}/versions/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"slug", "page", "page_size"} <= set(parameters)
    assert {"200", "404", "422"} <= set(operation["responses"])
    detail = document["components"]["schemas"]["PolicyDetail"]["properties"]
    assert {"history", "history_count", "history_url"} <= set(detail)


def test_wagtail_api_v2_exposes_policy_fields(client, published):
    page = published["page"]
    response = client.get(f"/api/v2/pages/{page.pk}/")
    data = response.json()
    assert data["kind"] == "privacy"
    assert data["requires_acceptance"] is False
    assert data["policy_versions"]["current"]["number"] == 1
    assert data["policy_versions"]["upcoming"]["change_level"] == "major"


def test_every_error_code_in_the_package_is_documented():
    """Each stable code the package raises appears in the OpenAPI error descriptions."""
    import re
    from pathlib import Path

    import wagtail_privacy
    from wagtail_privacy.api.errors import ERROR_CODES

    documented = {code for codes in ERROR_CODES.values() for code in codes}
    raised = set()
    for path in Path(wagtail_privacy.__file__).parent.rglob("*.py"):
        text = path.read_text()
        raised |= set(re.findall(r'\bcode="([a-z_]+)"', text))
        raised |= set(re.findall(r'^\s+code = "([a-z_]+)"', text, re.M))
    raised -= {"error"}  # the base class placeholder
    assert raised - documented == set()
