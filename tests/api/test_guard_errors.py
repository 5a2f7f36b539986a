"""The API's door for the guards: ``step_up_required`` documented and answered as ever."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1"
STEP_UP = [
    ("post", "/me/exports/"),
    ("post", "/me/deletion/"),
    ("post", "/me/deactivation/"),
]


@pytest.fixture
def document(client):
    return client.get(f"{API}/openapi.json").json()


@pytest.mark.parametrize(("method", "path"), STEP_UP)
def test_the_openapi_document_lists_the_step_up_refusal(document, method, path):
    forbidden = document["paths"][f"{API}{path}"][method]["responses"]["403"]
    assert "`step_up_required`" in forbidden["description"]
    assert "`policy_acceptance_required`" in forbidden["description"]
    ref = forbidden["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"code", "detail", "max_age", "methods"} <= set(schema["properties"])
    assert set(schema["required"]) == {"code", "detail"}  # other 403s carry only those


@pytest.mark.parametrize(("method", "path"), STEP_UP)
def test_every_step_up_endpoint_answers_the_same_body(customer, method, path):
    TOTPDevice.objects.create(user=customer, name="phone", confirmed=True)
    client = Client()
    client.force_login(customer)
    response = getattr(client, method)(f"{API}{path}")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "step_up_required",
        "detail": "Confirm it is you: verify with a one-time code first.",
        "max_age": 600,
        "methods": ["totp", "email"],
    }


def test_max_age_follows_the_setting(customer, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "STEP_UP_MAX_AGE": 120}
    client = Client()
    client.force_login(customer)
    assert client.post(f"{API}/me/exports/").json()["max_age"] == 120


def test_a_session_post_without_csrf_is_still_csrf_failed(customer):
    """The CSRF check runs first: a forged request never learns about the step-up."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post(f"{API}/me/exports/")
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
