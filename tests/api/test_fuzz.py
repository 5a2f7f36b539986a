"""The API under hostile input: schemathesis over the OpenAPI document, anonymous and signed in.

Bounded (a few dozen examples per operation) so it runs in CI; no 5xx and no response that
breaks the documented schema, status codes or content types.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

schema = schemathesis.openapi.from_wsgi("/api/privacy/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """The WSGI handler closes connections after each request; the test transaction needs it."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def content(policies):
    page = policies.create(title="Privacy policy", text="We keep orders.")
    page = policies.publish(page, level="editorial")
    policies.publish(page, level="minor", text="We keep orders and reviews.")


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_anonymous(case, content):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_signed_in(case, content, customer):
    from django.test import Client

    client = Client()
    client.force_login(customer)
    cookie = client.cookies["sessionid"].value
    case.call_and_validate(headers={"Cookie": f"sessionid={cookie}"}, checks=CHECKS)
