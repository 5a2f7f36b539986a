"""The public policy endpoints of the JSON API."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

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
    assert len(response.json()["history"]) == count
    with django_assert_max_num_queries(5):
        client.get(f"{API}/policies/privacy-policy/versions/{count}/?locale=hr")
    with django_assert_max_num_queries(5):
        client.get(f"{API}/policies/?locale=sl")


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
