"""Requests from outside the account: the public form, the confirmation link, and the guest's
export or erasure it runs."""

import io
import json
import logging
import re
import zipfile
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import jsonschema
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.testapp.models import Order
from wagtail_privacy.rights.export import SCHEMA_PATH
from wagtail_privacy.rights.models import DataExport, DataRequest

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1"
GUEST = "mira.guest@example.com"


@pytest.fixture
def shop(locales, customer):
    """A guest's orders, an account's order under the account's own address."""
    Order.objects.create(
        email=GUEST, number="G-100", placed_at=timezone.now(), total=Decimal("12.00")
    )
    Order.objects.create(
        email="someone.else@example.com",
        number="G-200",
        placed_at=timezone.now(),
        total=Decimal("5.00"),
    )
    Order.objects.create(
        customer=customer,
        email=customer.email,
        number="A-100",
        placed_at=timezone.now(),
        total=Decimal("99.00"),
        delivery_note="Ana's secret",
    )
    return customer


def ask(email, kind="export", client=None, ip="203.0.113.5", **headers):
    client = client or Client()
    return client.post(
        f"{API}/requests/",
        {"email": email, "kind": kind},
        content_type="application/json",
        REMOTE_ADDR=ip,
        **headers,
    )


def submit(email, kind, capture, **kwargs):
    with capture(execute=True):
        response = ask(email, kind, **kwargs)
    assert response.status_code == 202
    return response


def link_in(message):
    return re.search(r"/privacy/(?:\w\w/)?requests/confirm/(\S+)/", message.body).group(1)


def confirm(token, capture):
    with capture(execute=True):
        return Client().post(
            f"{API}/requests/confirm/", {"token": token}, content_type="application/json"
        )


def test_every_address_gets_the_same_answer(shop, django_capture_on_commit_callbacks):
    answers = []
    for address in (GUEST, "nobody@example.com", shop.email, shop.email.upper()):
        with django_capture_on_commit_callbacks(execute=False):
            response = ask(address)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "date"}
        answers.append((response.status_code, response.content, headers, response.cookies))
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 202
    assert json.loads(answers[0][1])["status"] == "received"
    # Nothing was looked up or sent while answering: that is the task's, after the commit.
    assert mail.outbox == []
    assert DataRequest.objects.filter(status="awaiting_identity").count() == 4


def test_a_guest_confirms_and_gets_their_export_by_email(
    shop, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    submit(GUEST, "export", django_capture_on_commit_callbacks)
    request = DataRequest.objects.get()
    assert (request.status, request.kind, request.channel) == (
        "awaiting_identity",
        "access",
        "self_service",
    )
    assert request.user is None and request.contact_email == GUEST
    (message,) = mail.outbox
    assert message.to == [GUEST] and "Confirm your request" in message.subject
    token = link_in(message)
    assert GUEST not in message.body.split("http")[1]  # the link names no address

    page = Client().get(f"/privacy/requests/confirm/{token}/")
    assert page.status_code == 200 and "Confirm the request" in page.content.decode()
    request.refresh_from_db()
    assert request.status == "awaiting_identity"  # opening the link changes nothing

    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        response = confirm(token, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.json()["kind"] == "export"
    request.refresh_from_db()
    assert request.status == "completed" and request.identity_method == "email_link"
    # The clock started at the confirmation: a month from then, one day paused.
    assert request.due_at > request.received_at + timedelta(days=28 + 1)
    assert request.paused_days() == 1
    statuses = list(request.events.values_list("status", flat=True))
    assert statuses == ["awaiting_identity", "received", "in_progress", "completed"]

    (ready,) = mail.outbox
    assert ready.to == [GUEST]
    url = re.search(r"http://\S+/requests/exports/\S+", ready.body).group(0)
    assert GUEST not in url
    archive = Client().get(url.removeprefix("http://localhost"))
    assert archive.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content)))
    data = json.loads(zf.read("data.json"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    orders = next(s for s in data["sources"] if s["name"] == "orders")
    assert [r["number"] for r in orders["records"]] == ["G-100"]
    account = next(s for s in data["sources"] if s["name"] == "account")
    assert account["records"] == []
    assert GUEST not in "\n".join(caplog.messages)

    # The link is bound to its export: another export id, or a tampered token, opens nothing.
    export = DataExport.objects.get()
    other = url.replace(str(export.pk), "00000000-0000-0000-0000-000000000000")
    assert Client().get(other.removeprefix("http://localhost")).status_code == 403
    assert Client().get(f"{API}/requests/exports/{export.pk}/download/?token=x").status_code == 403


def test_a_link_works_once(shop, django_capture_on_commit_callbacks):
    submit(GUEST, "export", django_capture_on_commit_callbacks)
    token = link_in(mail.outbox[0])
    assert confirm(token, django_capture_on_commit_callbacks).status_code == 200
    again = confirm(token, django_capture_on_commit_callbacks)
    assert again.status_code == 410 and again.json()["code"] == "link_superseded"
    page = Client().post(f"/privacy/requests/confirm/{token}/")
    assert page.status_code == 410
    assert 'data-code="link_superseded"' in page.content.decode()
    assert DataExport.objects.count() == 1


def test_a_link_expires_and_the_request_closes_as_unverified(
    shop, django_capture_on_commit_callbacks
):
    submit(GUEST, "erasure", django_capture_on_commit_callbacks)
    token = link_in(mail.outbox[0])
    later = timezone.now() + timedelta(hours=49)
    with time_machine.travel(later):
        out = StringIO()
        call_command("privacy_tick", "--only", "guest_requests", "--dry-run", stdout=out)
        assert DataRequest.objects.get().status == "awaiting_identity"
        expired = confirm(token, django_capture_on_commit_callbacks)
        assert expired.status_code == 410 and expired.json()["code"] == "link_expired"
        call_command("privacy_tick", "--only", "guest_requests", stdout=StringIO())
        call_command("privacy_tick", "--only", "guest_requests", stdout=StringIO())  # idempotent
    request = DataRequest.objects.get()
    assert request.status == "unverified" and request.closed_at is not None
    assert list(request.events.values_list("status", flat=True)) == [
        "awaiting_identity",
        "unverified",
    ]
    assert Order.objects.filter(number="G-100").exists()  # nothing was erased


def test_a_token_of_one_request_cannot_confirm_another(shop, django_capture_on_commit_callbacks):
    from django.core import signing

    from wagtail_privacy.rights.guests import CONFIRM_SALT

    submit(GUEST, "erasure", django_capture_on_commit_callbacks)
    submit("someone.else@example.com", "erasure", django_capture_on_commit_callbacks)
    first, second = DataRequest.objects.order_by("pk")
    token = link_in(mail.outbox[0])
    data = signing.loads(token, salt=CONFIRM_SALT)
    assert data["r"] == first.pk
    # The first link's nonce under the second request's id: refused.
    forged = signing.dumps({"r": second.pk, "n": data["n"]}, salt=CONFIRM_SALT)
    assert confirm(forged, django_capture_on_commit_callbacks).status_code == 410
    # A token edited by hand: not signed.
    edited = token.replace(token[2], "A" if token[2] != "A" else "B", 1)
    assert confirm(edited, django_capture_on_commit_callbacks).json()["code"] == "invalid_token"
    second.refresh_from_db()
    assert second.status == "awaiting_identity"
    assert Order.objects.filter(number="G-200").exists()


def test_a_guest_erasure_erases_by_email_and_sends_a_receipt(
    shop, django_capture_on_commit_callbacks, newsletter_guest
):
    submit(GUEST, "erasure", django_capture_on_commit_callbacks)
    token = link_in(mail.outbox.pop())
    response = confirm(token, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.json()["kind"] == "erasure"
    assert sorted(Order.objects.values_list("number", flat=True)) == ["A-100", "G-200"]
    (receipt,) = mail.outbox
    assert receipt.to == [GUEST] and "erased" in receipt.subject
    assert "Orders: 1 deleted, 0 anonymised" in receipt.body
    assert "Proof of consent" in receipt.body
    request = DataRequest.objects.get()
    assert request.status == "completed" and request.receipt["orders"]["deleted"] == 1
    assert request.contact_email == ""  # the address went after the receipt
    statuses = list(request.events.values_list("status", flat=True))
    assert statuses == ["awaiting_identity", "received", "in_progress", "completed"]
    assert not type(newsletter_guest).objects.filter(email__iexact=GUEST).exists()


@pytest.fixture
def newsletter_guest(locales):
    from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord
    from wagtail_privacy.consent.service import record

    ConsentPurpose.objects.create(key="newsletter", name="Newsletter", locale=locales["en"])
    record(GUEST, "newsletter", "email", True, source="signup")
    return ConsentRecord.objects.get()


def test_an_account_address_is_sent_to_the_privacy_centre(
    shop, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "ACCOUNT_URL": "https://shop/account"}
    submit(shop.email.upper(), "export", django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == [shop.email]
    assert "https://shop/account" in message.body and "/requests/confirm/" not in message.body
    request = DataRequest.objects.get()
    assert request.status == "cancelled" and request.user is None
    assert DataExport.objects.count() == 0  # nobody gets the account's data by email


def test_the_email_is_in_the_readers_language(shop, django_capture_on_commit_callbacks):
    submit(GUEST, "export", django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="sl")
    (message,) = mail.outbox
    assert "/sl/privacy/requests/confirm/" in message.body
    assert DataRequest.objects.get().language == "sl"


def test_rate_limits_per_address_and_per_ip(shop, django_capture_on_commit_callbacks, settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "PUBLIC_REQUESTS_PER_ADDRESS": 2,
        "PUBLIC_REQUESTS_PER_IP": 3,
    }
    assert ask(GUEST, ip="198.51.100.1").status_code == 202
    assert ask(GUEST, ip="198.51.100.2").status_code == 202
    third = ask(GUEST, ip="198.51.100.3")  # a third for the address, from another IP
    assert third.status_code == 429 and third.json()["code"] == "throttled"
    assert int(third["Retry-After"]) > 0
    # Per IP: one client asking for many addresses.
    for n in range(3):
        assert ask(f"x{n}@example.com", ip="192.0.2.9").status_code == 202
    assert ask("x9@example.com", ip="192.0.2.9").status_code == 429
    assert ask("x9@example.com", ip="192.0.2.10").status_code == 202


def test_bad_input_is_refused(shop):
    assert ask("not an address").status_code == 422
    assert ask(GUEST, kind="deletion").status_code == 422
    response = Client().post(
        f"{API}/requests/confirm/", {"token": "x" * 600}, content_type="application/json"
    )
    assert response.status_code == 422
    assert Client().get("/privacy/requests/confirm/garbage/").status_code == 400
    assert DataRequest.objects.count() == 0


def test_the_clock_is_paused_while_awaiting_identity(shop, django_capture_on_commit_callbacks):
    from wagtail_privacy.rights.stats import due_counts

    submit(GUEST, "export", django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        assert due_counts() == {"overdue": 0, "due_soon": 0}


def test_no_address_reaches_the_logs(shop, django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.DEBUG)
    submit(GUEST, "erasure", django_capture_on_commit_callbacks)
    confirm(link_in(mail.outbox[0]), django_capture_on_commit_callbacks)
    assert GUEST not in "\n".join(record.getMessage() for record in caplog.records)
