"""Bad input reaches a 4xx JSON answer with a stable code, never a 500."""

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1"
HUGE = "9223372036854775808"  # 2**63: beyond every database's integer


@pytest.fixture
def published(policies):
    page = policies.publish(policies.create(), level="editorial")
    return policies.publish(page, level="minor", text="We keep reviews.")


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/policies/privacy-policy/diff/?from=1&to={HUGE}",
        f"{API}/policies/privacy-policy/diff/?from=-{HUGE}&to=1",
        f"{API}/policies/privacy-policy/versions/{HUGE}/",
        f"{API}/policies/privacy-policy/versions/{HUGE}/pdf/",
    ],
)
def test_numbers_out_of_range_are_invalid_input(published, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_out_of_range_ids_in_signed_in_endpoints(customer, published):
    client = Client(raise_request_exception=False)
    client.force_login(customer)
    response = client.post(f"{API}/me/notices/{HUGE}/acknowledge/")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    response = client.post(
        f"{API}/me/acceptances/",
        {"policy": "privacy-policy", "version": int(HUGE)},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


@pytest.mark.parametrize(
    "body",
    [
        b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb',
        b"garbage",
        b"--xyz\r\n\r\n\r\n--xyz--",
    ],
)
def test_form_bodies_with_a_valid_csrf_token(customer, published, body):
    # The CSRF check reads a form body as a form; the JSON endpoints then say what they take.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(customer)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    for url in (f"{API}/me/acceptances/", f"{API}/me/verification/"):
        response = client.generic(
            "POST",
            url,
            body,
            content_type="multipart/form-data; boundary=xyz",
            HTTP_X_CSRFTOKEN=token,
        )
        assert response.status_code == 415, url
        assert response.json()["code"] == "unsupported_media_type"


def test_throttled_verification_sends_retry_after(customer, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "STEP_UP_MAX_ATTEMPTS": 1}
    client = Client()
    client.force_login(customer)
    for _ in range(3):
        response = client.post(
            f"{API}/me/verification/", {"token": "000000"}, content_type="application/json"
        )
    assert response.status_code == 429
    body = response.json()
    assert body["retry_after"] >= 1
    assert int(response["Retry-After"]) == body["retry_after"]
