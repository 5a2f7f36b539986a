"""``DELETE /me/deletion/`` (cancel a pending deletion) cannot be forged cross-site.

Its authentication (``PendingDeletionSession``) admits two kinds of caller: a signed-in
customer (Django's session auth: an active account, or an inactive one with a backend that
allows it), and a customer whose account is inactive because their deletion is pending, by
their session alone. Both get Django's CSRF check, as ``django_auth`` gives every other
signed-in endpoint: without the token, 403 ``csrf_failed`` and nothing changes.
"""

import pytest
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights.models import AccountClosure, ClosureState
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db
URL = "/api/privacy/v1/me/deletion/"
ALLOW_INACTIVE = "django.contrib.auth.backends.AllowAllUsersModelBackend"


def signed_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def with_token(client):
    """The CSRF cookie a page of the shop would have set, and its value for the header."""
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return {"HTTP_X_CSRFTOKEN": token}


def pending_deletion(user):
    closure = closures.request_deletion(user, proof=NO_STEP_UP)
    user.refresh_from_db()
    assert not user.is_active
    return closure


def assert_unchanged(user, closure):
    closure.refresh_from_db()
    user.refresh_from_db()
    assert closure.state == ClosureState.SCHEDULED
    assert not user.is_active


def assert_refused(response):
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "csrf_failed"


def assert_cancelled(response, user, closure):
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "cancelled"
    closure.refresh_from_db()
    user.refresh_from_db()
    assert closure.state == ClosureState.CANCELLED and user.is_active


def test_pending_deletion_session_needs_the_token(customer):
    # The account is inactive: Django's session auth refuses it, the session alone admits it.
    client = signed_in(customer)
    closure = pending_deletion(customer)
    assert_refused(client.delete(URL))
    assert_unchanged(customer, closure)
    # A token in the cookie only, as a cross-site form would send it, is not enough either.
    with_token(client)
    assert_refused(client.delete(URL))
    assert_unchanged(customer, closure)
    assert_cancelled(client.delete(URL, **with_token(client)), customer, closure)


def test_signed_in_customer_needs_the_token(customer, settings):
    # With a backend that lets inactive accounts sign in, the customer whose deletion is
    # pending is an ordinary signed-in user: the path that used to skip the check.
    settings.AUTHENTICATION_BACKENDS = [ALLOW_INACTIVE]
    client = signed_in(customer)
    closure = pending_deletion(customer)
    assert_refused(client.delete(URL))
    assert_unchanged(customer, closure)
    assert_cancelled(client.delete(URL, **with_token(client)), customer, closure)


def test_another_sites_origin_is_refused_even_with_the_token(customer, settings):
    settings.AUTHENTICATION_BACKENDS = [ALLOW_INACTIVE]
    client = signed_in(customer)
    closure = pending_deletion(customer)
    forged = client.delete(URL, HTTP_ORIGIN="https://evil.example", **with_token(client))
    assert_refused(forged)
    assert_unchanged(customer, closure)


def test_active_customer_without_token_is_refused_before_anything(customer):
    client = signed_in(customer)
    assert_refused(client.delete(URL))
    nothing = client.delete(URL, **with_token(client))
    assert nothing.status_code == 404 and nothing.json()["code"] == "no_pending_deletion"


def test_no_session_at_all(customer):
    client = Client(enforce_csrf_checks=True)
    assert client.delete(URL, **with_token(client)).status_code == 401
    assert not AccountClosure.objects.exists()
    assert get_user_model().objects.get(pk=customer.pk).is_active
