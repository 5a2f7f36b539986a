"""Deactivating or deleting an account writes all of it or nothing.

The closure, its request, the disabled account and the email (with its reactivation link) are
made in one transaction; whatever fails before the commit leaves nothing written, so a retry
after the fix simply works. The email goes out once the closure has committed.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tests.rights.test_closure import API, verified
from tests.rights.test_retention import FlakyBackend
from tests.testapp.models import CustomerProfile
from wagtail_privacy.background import BackgroundFailure
from wagtail_privacy.rights.models import AccountClosure, DataRequest

WITHOUT_PAGES = "tests.rights.urls_without_pages"
ENDPOINTS = [("deactivation", 200, "deactivated"), ("deletion", 202, "will be deleted on")]


@pytest.fixture
def ana(db):
    user = get_user_model().objects.create_user("ana", "ana.semrov@example.com", "pw")
    CustomerProfile.objects.create(user=user, language="en")
    return user


def pages_check():
    return [e for e in run_checks(tags=["urls"]) if e.id == "wagtail_privacy.E015"]


def nothing_written(user):
    user.refresh_from_db()
    assert user.is_active
    assert not AccountClosure.objects.exists()
    assert not DataRequest.objects.filter(user=user).exists()


# Autocommit, as in production: on-commit work runs when the transaction commits, inside the
# request, where the link of the email used to be reversed after the closure was written.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("endpoint", "status", "subject"), ENDPOINTS)
def test_a_site_without_the_plugin_pages_gets_a_clear_error_and_nothing_written(
    ana, endpoint, status, subject
):
    client = verified(ana)
    sent = len(mail.outbox)  # the step-up code
    with override_settings(ROOT_URLCONF=WITHOUT_PAGES):
        errors = pages_check()
        assert errors and "wagtail_privacy.urls" in errors[0].hint
        for _attempt in range(2):  # a retry is refused the same way, not 409 closure_pending
            with pytest.raises(ImproperlyConfigured, match=r"include\(\"wagtail_privacy.urls\"\)"):
                client.post(f"{API}/me/{endpoint}/")
            nothing_written(ana)
        assert len(mail.outbox) == sent
    assert not pages_check()
    # The URLconf fixed, the same session tries again and it works.
    response = client.post(f"{API}/me/{endpoint}/")
    assert response.status_code == status, response.content
    ana.refresh_from_db()
    assert not ana.is_active
    closure = AccountClosure.objects.get(user=ana, state="scheduled")
    assert closure.kind == endpoint
    assert len(mail.outbox) == sent + 1 and subject in mail.outbox[-1].subject
    assert "/privacy/reactivate/" in mail.outbox[-1].body


@pytest.mark.django_db
def test_a_receiver_of_account_deactivated_that_fails_undoes_the_deactivation(ana):
    from wagtail_privacy.signals import account_deactivated

    def broken(**kwargs):
        raise RuntimeError("the CRM is down")

    client = verified(ana)
    account_deactivated.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            client.post(f"{API}/me/deactivation/")
    finally:
        account_deactivated.disconnect(broken)
    nothing_written(ana)
    assert client.post(f"{API}/me/deactivation/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "status", "subject"), ENDPOINTS)
def test_a_mail_server_down_after_the_commit_is_a_visible_failure(
    ana, settings, django_capture_on_commit_callbacks, caplog, endpoint, status, subject
):
    client = verified(ana)
    settings.EMAIL_BACKEND = "tests.rights.test_retention.FlakyBackend"
    FlakyBackend.allowed = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/me/{endpoint}/")
    # The account is closed and the customer is told so; the email that could not go is
    # listed among the background failures, without its message.
    assert response.status_code == status
    closure = AccountClosure.objects.get(user=ana)
    assert closure.state == "scheduled"
    failure = BackgroundFailure.objects.get(work="rights.closure.send_closure_email")
    assert failure.resolved_at is None and failure.error.startswith("ConnectionError in ")
    assert f"account closure {closure.pk} could not be sent (ConnectionError)" in caplog.text
    assert "example.com" not in failure.error + caplog.text
    # The next such email that goes out marks it resolved.
    FlakyBackend.allowed = 10
    other = get_user_model().objects.create_user("bor", "bor@example.com", "pw")
    with django_capture_on_commit_callbacks(execute=True):
        assert verified(other).post(f"{API}/me/{endpoint}/").status_code == status
    failure.refresh_from_db()
    assert failure.resolved_at is not None
