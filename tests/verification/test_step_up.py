"""Step-up verification: emailed codes, TOTP, backup codes, expiry and throttling."""

import re
import time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from wagtail_privacy.verification import service

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me/verification/"


@pytest.fixture
def signed_in(customer):
    client = Client()
    client.force_login(customer)
    return client


def post(client, body):
    return client.post(API, body, content_type="application/json")


def emailed_code():
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_email_code_verifies(signed_in, customer):
    assert signed_in.get(API).json() == {
        "verified": False,
        "verified_until": None,
        "methods": ["email"],
        "sent": False,
    }
    started = post(signed_in, {"method": "email"})
    assert started.status_code == 202 and started.json()["sent"] is True
    assert mail.outbox[-1].to == [customer.email]
    done = post(signed_in, {"token": emailed_code()})
    assert done.status_code == 200
    assert done.json()["verified"] is True and done.json()["verified_until"]


def test_wrong_code_is_refused(signed_in):
    post(signed_in, {"method": "email"})
    response = post(signed_in, {"token": "000000" if emailed_code() != "000000" else "111111"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"
    assert signed_in.get(API).json()["verified"] is False


def test_totp_device(signed_in, customer):
    device = TOTPDevice.objects.create(user=customer, name="phone", confirmed=True)
    assert "totp" in signed_in.get(API).json()["methods"]
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert post(signed_in, {"token": code}).json()["verified"] is True


def test_backup_code_works_once(signed_in, customer):
    codes = service.issue_backup_codes(customer)
    assert len(codes) == 10
    assert post(signed_in, {"token": codes[0]}).status_code == 200
    assert post(signed_in, {"token": codes[0]}).json()["code"] == "invalid_token"


def test_verification_expires(signed_in, settings):
    settings.WAGTAIL_PRIVACY = {"STEP_UP_MAX_AGE": 60}
    post(signed_in, {"method": "email"})
    post(signed_in, {"token": emailed_code()})
    assert signed_in.get(API).json()["verified"] is True
    with time_machine.travel(time.time() + 61):
        assert signed_in.get(API).json()["verified"] is False


def test_attempts_are_throttled(signed_in, settings):
    settings.WAGTAIL_PRIVACY = {"STEP_UP_MAX_ATTEMPTS": 3}
    post(signed_in, {"method": "email"})
    code = emailed_code()
    wrong = "999999" if code != "999999" else "888888"
    start = time.time()
    for attempt in range(3):
        # Past django-otp's own back-off each time, so only our limit can stop the fourth.
        with time_machine.travel(start + 20 * attempt):
            assert post(signed_in, {"token": wrong}).status_code == 400
    with time_machine.travel(start + 80):
        throttled = post(signed_in, {"token": code})
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert throttled.json()["retry_after"] > 0


def test_email_codes_have_a_cooldown(signed_in):
    assert post(signed_in, {"method": "email"}).status_code == 202
    again = post(signed_in, {"method": "email"})
    assert again.status_code == 429 and again.json()["code"] == "throttled"


def test_bad_requests(signed_in, client):
    assert post(signed_in, {}).json()["code"] == "invalid_input"
    assert post(signed_in, {"method": "pigeon"}).status_code == 422
    assert client.get(API).status_code == 401
    assert post(client, {"method": "email"}).status_code == 401


def test_otp_back_off_is_reported_as_throttling(signed_in):
    post(signed_in, {"method": "email"})
    code = emailed_code()
    assert post(signed_in, {"token": "999999" if code != "999999" else "888888"}).status_code == 400
    quick = post(signed_in, {"token": code})  # inside django-otp's one-second back-off
    assert quick.status_code in (200, 429)
    if quick.status_code == 429:
        assert quick.json()["code"] == "throttled"
        time.sleep(quick.json()["retry_after"])
        assert post(signed_in, {"token": code}).status_code == 200
