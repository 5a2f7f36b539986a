"""The step-up as the services see it: a proof of the request, a waiver, and every device plugin.

``HOTPDevice`` is django-otp's own HOTP plugin, installed in the test settings only: a device
class the package does not name anywhere, as a shop's own plugin would be.
"""

import logging
import time

import pytest
import time_machine
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_otp.oath import hotp
from django_otp.plugins.otp_hotp.models import HOTPDevice
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from wagtail_privacy.exceptions import ActionRequired, PrivacyError, StepUpRequired
from wagtail_privacy.verification import service

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me/verification/"


@pytest.fixture(autouse=True)
def _english():
    """The refusals are worded in the active language, which an earlier test may have left."""
    with translation.override("en"):
        yield


class Session(dict):
    """Enough of a session for ``step_up_proof`` and ``verify`` (``django_otp.login``)."""


def request_of(user, verified_at=None):
    request = RequestFactory().post("/")
    request.user = user
    request.session = Session()
    if verified_at is not None:
        request.session[service.SESSION_KEY] = verified_at
    return request


def hotp_code(device, counter=None):
    counter = device.counter if counter is None else counter
    return f"{hotp(device.bin_key, counter, device.digits):0{device.digits}d}"


def test_no_proof_without_a_fresh_verification(customer, settings):
    settings.WAGTAIL_PRIVACY = {"STEP_UP_MAX_AGE": 60}
    assert service.step_up_proof(request_of(customer)) is None
    assert service.step_up_proof(request_of(customer, time.time() - 61)) is None
    proof = service.step_up_proof(request_of(customer, time.time()))
    assert proof.user_pk == customer.pk
    service.check_step_up(customer, proof)  # accepted
    with time_machine.travel(time.time() + 61):
        with pytest.raises(StepUpRequired):
            service.check_step_up(customer, proof)  # too old by the time the service acts


def test_a_proof_is_one_customers(customer, other_customer):
    proof = service.step_up_proof(request_of(customer, time.time()))
    with pytest.raises(StepUpRequired):
        service.check_step_up(other_customer, proof)


@pytest.mark.parametrize("proof", [None, "yes", True, object()])
def test_anything_else_is_no_proof(customer, proof):
    with pytest.raises(StepUpRequired) as refused:
        service.check_step_up(customer, proof)
    error = refused.value
    assert isinstance(error, ActionRequired) and isinstance(error, PrivacyError)
    assert (error.code, error.status) == ("step_up_required", 403)
    assert error.as_dict() == {
        "code": "step_up_required",
        "detail": "Confirm it is you: verify with a one-time code first.",
        "max_age": 600,
        "methods": ["email"],
    }


def test_a_waiver_is_named_and_logged(customer, editor, caplog):
    with caplog.at_level(logging.INFO, logger="wagtail_privacy.verification"):
        service.check_step_up(customer, service.without_step_up("support ticket 42", staff=editor))
    assert f"customer {customer.pk} (support ticket 42, staff {editor.pk})" in caplog.text
    with pytest.raises(ValueError):
        service.without_step_up("  ")


def test_methods_come_from_every_device_plugin(customer):
    assert service.methods_for(customer) == ["email"]
    HOTPDevice.objects.create(user=customer, name="key fob", confirmed=True)
    HOTPDevice.objects.create(user=customer, name="unconfirmed", confirmed=False)
    TOTPDevice.objects.create(user=customer, name="phone", confirmed=True)
    assert service.methods_for(customer) == ["totp", "hotp", "email"]
    service.issue_backup_codes(customer)
    assert service.methods_for(customer) == ["totp", "hotp", "email", "backup"]
    StaticDevice.objects.get(user=customer).token_set.all().delete()  # every code used
    assert service.methods_for(customer) == ["totp", "hotp", "email"]
    assert service.step_up_error(customer).methods == ["totp", "hotp", "email"]


def test_a_plugin_device_verifies(customer):
    """A device class that is not TOTP, email or backup codes: found by devices_for_user."""
    device = HOTPDevice.objects.create(user=customer, name="key fob", confirmed=True)
    request = request_of(customer)
    until = service.verify(request, hotp_code(device))
    assert until is not None and service.is_verified(request)
    assert request.session["otp_device_id"] == device.persistent_id
    device.refresh_from_db()
    assert device.counter == 1  # the code is used up
    assert service.step_up_proof(request).covers(customer)
    with pytest.raises(PrivacyError) as refused:
        service.verify(request_of(customer), hotp_code(device, 0))  # the same code again
    assert refused.value.code == "invalid_token"


def test_an_unconfirmed_plugin_device_does_not_verify(customer):
    device = HOTPDevice.objects.create(user=customer, name="key fob", confirmed=False)
    with pytest.raises(PrivacyError) as refused:
        service.verify(request_of(customer), hotp_code(device))
    assert refused.value.code == "invalid_token"


def test_a_plugin_device_through_the_api(customer):
    device = HOTPDevice.objects.create(user=customer, name="key fob", confirmed=True)
    client = Client()
    client.force_login(customer)
    assert client.get(API).json()["methods"] == ["hotp", "email"]
    done = client.post(API, {"token": hotp_code(device)}, content_type="application/json")
    assert done.status_code == 200 and done.json()["verified"] is True


def test_wrong_codes_for_a_plugin_device_are_throttled(customer, settings):
    settings.WAGTAIL_PRIVACY = {"STEP_UP_MAX_ATTEMPTS": 2}
    device = HOTPDevice.objects.create(user=customer, name="key fob", confirmed=True)
    right = hotp_code(device)
    wrong = "000000" if right != "000000" else "111111"
    start = time.time()
    for attempt in range(2):
        # Past django-otp's own back-off each time, so only the package's limit can stop it.
        with time_machine.travel(start + 20 * attempt), pytest.raises(PrivacyError) as refused:
            service.verify(request_of(customer), wrong)
        assert refused.value.code == "invalid_token"
    with time_machine.travel(start + 80), pytest.raises(service.Throttled):
        service.verify(request_of(customer), right)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no SELECT FOR UPDATE")
def test_every_plugins_devices_are_locked_while_a_code_is_checked(customer):
    HOTPDevice.objects.create(user=customer, name="key fob", confirmed=True)
    TOTPDevice.objects.create(user=customer, name="phone", confirmed=True)
    with CaptureQueriesContext(connection) as queries, pytest.raises(PrivacyError):
        service.verify(request_of(customer), "000000")
    locked = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any("otp_hotp_hotpdevice" in sql for sql in locked)
    assert any("otp_totp_totpdevice" in sql for sql in locked)
