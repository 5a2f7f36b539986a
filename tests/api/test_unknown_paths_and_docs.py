"""Every path under the API's prefix answers JSON; the docs work offline."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1"
METHODS = ["get", "head", "post", "put", "patch", "delete", "options", "trace"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "path",
    ["/nothing-here/", "/policies/privacy-policy/versions/1/nope/", "/me/x/y", "/v2/policies/"],
)
def test_an_unknown_path_is_a_json_not_found_for_every_method(customer, method, path):
    # Signed in, with CSRF enforced: the CSRF check must not answer first with HTML.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(customer)
    response = getattr(client, method)(f"{API}{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    if method != "head":
        assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_the_not_found_detail_is_in_the_readers_language(client):
    response = client.post(f"{API}/nothing-here/", HTTP_ACCEPT_LANGUAGE="sl")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"] == "Ni najdeno."
    assert response["Content-Language"] == "sl"
    assert "Accept-Language" in response["Vary"]
    # An unknown ?locale= does not turn a missing endpoint into another error.
    response = client.get(f"{API}/nothing-here/?locale=xx")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = client.get(f"{API}/nothing-here/?locale=hr")
    assert response.json()["detail"] != "Not found." and response["Content-Language"] == "hr"


def test_the_api_root_is_a_json_not_found(client):
    response = client.get(f"{API}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_endpoint_without_its_trailing_slash_redirects_a_get(client):
    response = client.get(f"{API}/policies?locale=sl")
    assert response.status_code == 301
    assert response["Location"] == f"{API}/policies/?locale=sl"
    # Other methods are not redirected (a client would resend them as GET).
    response = client.post(f"{API}/policies")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_known_endpoints_and_other_urls_are_unchanged(client):
    assert client.get(f"{API}/policies/").status_code == 200
    assert client.get(f"{API}/openapi.json").status_code == 200
    # Outside the API's prefix the site's own 404 answers.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_the_docs_load_swagger_ui_from_the_static_files(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    assert not [url for url in assets if "//" in url], "nothing loaded from another host"
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert finders.find(f"ninja/{asset}"), asset
