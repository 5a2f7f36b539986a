"""Bodies Django refuses to read answer JSON errors with a stable code, never HTML or a 500.

Django raises while reading the body: for the payload of a JSON endpoint, or for the CSRF check,
which reads a form body as a form. Over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is 413
``body_too_large``; too many fields or files, a malformed multipart body or one cut short is
400 ``bad_request_body``. With ``DEBUG = True`` too (Ninja would otherwise answer a traceback).
"""

import logging

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from wagtail_privacy.consent.models import ConsentRecord
from wagtail_privacy.notices.models import Acceptance

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1"
LIMIT = 1000
BIG = "x" * (LIMIT * 5)


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def small_limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1


def signed_in(user, *, csrf=False):
    """A signed-in client; with ``csrf`` the checks are enforced and the token header is sent."""
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    client.force_login(user)
    headers = {}
    if csrf:
        token = _get_new_csrf_string()
        client.cookies["csrftoken"] = token
        headers["HTTP_X_CSRFTOKEN"] = token
    return client, headers


def assert_json_error(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    text = response.content.decode()
    assert "Traceback" not in text and 'File "' not in text and "<html" not in text.lower()
    return body


def test_too_big_json_put(customer, locales, small_limits, debug):
    client, _headers = signed_in(customer)
    response = client.put(
        f"{API}/me/consents/newsletter/",
        {"channels": {"email": True}, "padding": BIG},
        content_type="application/json",
    )
    body = assert_json_error(response, 413, "body_too_large")
    assert body["detail"] == "The request body is too large."
    assert not ConsentRecord.objects.exists()


def test_too_big_json_post(customer, policies, small_limits, debug):
    client, _headers = signed_in(customer)
    response = client.post(
        f"{API}/me/acceptances/",
        {"policy": "privacy-policy", "version": 1, "padding": BIG},
        content_type="application/json",
    )
    assert_json_error(response, 413, "body_too_large")
    assert not Acceptance.objects.exists()


@pytest.mark.parametrize(
    "url",
    [f"{API}/me/consents/withdraw-all/", f"{API}/me/deletion/", f"{API}/me/acceptances/"],
)
def test_too_big_form_body_read_by_the_csrf_check(customer, locales, small_limits, debug, url):
    # The CSRF check reads a form body before the endpoint runs, even one that takes no body.
    client, headers = signed_in(customer, csrf=True)
    response = client.post(
        url, f"padding={BIG}", content_type="application/x-www-form-urlencoded", **headers
    )
    assert_json_error(response, 413, "body_too_large")
    customer.refresh_from_db()
    assert customer.is_active and not ConsentRecord.objects.exists()


def test_too_big_multipart_body(customer, locales, small_limits, debug):
    client, headers = signed_in(customer, csrf=True)
    response = client.post(f"{API}/me/consents/withdraw-all/", {"padding": BIG}, **headers)
    assert_json_error(response, 413, "body_too_large")


def test_the_detail_is_in_the_readers_language(customer, locales, small_limits):
    client, _headers = signed_in(customer)
    response = client.put(
        f"{API}/me/consents/newsletter/?locale=sl",
        {"padding": BIG},
        content_type="application/json",
    )
    assert_json_error(response, 413, "body_too_large")
    assert response["Content-Language"] == "sl"


def test_the_refusal_is_logged_as_django_logs_it(customer, locales, small_limits, caplog):
    client, _headers = signed_in(customer)
    with caplog.at_level(logging.ERROR, logger="django.security"):
        client.put(
            f"{API}/me/consents/newsletter/", {"padding": BIG}, content_type="application/json"
        )
    assert [r.name for r in caplog.records] == ["django.security.RequestDataTooBig"]


def test_too_many_fields(customer, locales, small_limits, debug):
    client, headers = signed_in(customer, csrf=True)
    fields = "&".join(f"f{n}=1" for n in range(20))
    response = client.post(
        f"{API}/me/consents/withdraw-all/",
        fields,
        content_type="application/x-www-form-urlencoded",
        **headers,
    )
    body = assert_json_error(response, 400, "bad_request_body")
    assert body["detail"] == "The request body could not be read."


def test_too_many_files(customer, locales, small_limits, debug):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, headers = signed_in(customer, csrf=True)
    files = {f"f{n}": SimpleUploadedFile(f"{n}.txt", b"1") for n in range(3)}
    response = client.post(f"{API}/me/consents/withdraw-all/", files, **headers)
    assert_json_error(response, 400, "bad_request_body")


def test_malformed_multipart(customer, locales, debug):
    client, headers = signed_in(customer, csrf=True)
    response = client.generic(
        "POST",
        f"{API}/me/consents/withdraw-all/",
        b"--x\r\n",
        content_type="multipart/form-data; boundary=",  # no boundary: unparseable
        **headers,
    )
    assert_json_error(response, 400, "bad_request_body")


def test_a_form_body_not_in_utf_8(customer, locales, debug):
    client, headers = signed_in(customer, csrf=True)
    response = client.generic(
        "POST",
        f"{API}/me/consents/withdraw-all/",
        "a=č".encode("iso-8859-2"),
        content_type="application/x-www-form-urlencoded; charset=iso-8859-2",
        **headers,
    )
    assert_json_error(response, 400, "bad_request_body")


class BrokenStream:
    """A request body the client stops sending half-way."""

    def read(self, *args):
        raise OSError("connection reset")

    readline = read


def test_a_body_cut_short(customer, locales, debug):
    client, _headers = signed_in(customer)
    response = client.generic(
        "PUT",
        f"{API}/me/consents/newsletter/",
        b'{"channels": {}}',
        content_type="application/json",
        **{"wsgi.input": BrokenStream()},
    )
    assert_json_error(response, 400, "bad_request_body")
    assert not ConsentRecord.objects.exists()


def test_bodies_under_the_limit_still_work(customer, newsletter_purpose, small_limits):
    client, _headers = signed_in(customer)
    response = client.put(
        f"{API}/me/consents/newsletter/",
        {"channels": {"email": True}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert ConsentRecord.objects.filter(user=customer, granted=True).count() == 1


@pytest.fixture
def newsletter_purpose(locales):
    from wagtail_privacy.consent.models import ConsentPurpose

    return ConsentPurpose.objects.create(
        key="newsletter", name="Newsletter", email=True, locale=locales["en"]
    )


def test_openapi_documents_the_body_errors(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path, method in [
        (f"{API}/me/consents/{{purpose}}/", "put"),
        (f"{API}/me/acceptances/", "post"),
        (f"{API}/me/consents/withdraw-all/", "post"),
        (f"{API}/unsubscribe/{{token}}/", "post"),
    ]:
        responses = paths[path][method]["responses"]
        assert "`body_too_large`" in responses["413"]["description"], (path, method)
        assert "`bad_request_body`" in responses["400"]["description"], (path, method)
        schema = responses["413"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}
    assert "413" not in paths[f"{API}/me/consents/"]["get"]["responses"]
