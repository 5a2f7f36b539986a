"""Rectification (Art. 16) through the API: the customer corrects a field a source declares
correctable; a field the shop checks waits for staff; the ledger keeps old → new, the old value
only until some time after the request closes."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from tests.testapp.models import Address, Invoice
from wagtail_privacy.rights.models import Correction, DataRequest

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def shop(customer, other_customer):
    customer.first_name = "Ana"
    customer.save()
    return {
        "home": Address.objects.create(customer=customer, street="Trg 1", phone="01 111"),
        "work": Address.objects.create(customer=customer, street="Cesta 2", phone="01 222"),
        "invoice": Invoice.objects.create(
            customer=customer,
            number="I-1",
            issued_at=timezone.now(),
            billing_name="Ana Novak",
            billing_address="Trg 1",
        ),
        "theirs": Address.objects.create(customer=other_customer, street="Ulica 3", phone="02"),
    }


@pytest.fixture
def client(customer):
    client = Client()
    client.force_login(customer)
    return client


def verified(client):
    """The client after a fresh step-up with an emailed code."""
    client.post(f"{API}/verification/", {"method": "email"}, content_type="application/json")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    done = client.post(f"{API}/verification/", {"token": code}, content_type="application/json")
    assert done.status_code == 200
    mail.outbox.clear()
    return client


def correct(client, **payload):
    return client.post(f"{API}/corrections/", payload, content_type="application/json")


def test_the_customer_sees_what_they_can_correct(client, shop):
    body = client.get(f"{API}/corrections/").json()
    sources = {entry["source"]: entry for entry in body["sources"]}
    assert set(sources) == {"account", "invoices", "addresses"}
    assert [f["name"] for f in sources["account"]["fields"]] == ["first_name", "last_name"]
    assert sources["account"]["records"][0]["values"] == {"first_name": "Ana", "last_name": ""}
    assert sources["invoices"]["fields"] == [
        {"name": "billing_name", "label": "Billing name", "checked": True}
    ]
    addresses = sources["addresses"]["records"]
    assert addresses == [
        {"record": str(shop["home"].pk), "values": {"street": "Trg 1", "phone": "01 111"}},
        {"record": str(shop["work"].pk), "values": {"street": "Cesta 2", "phone": "01 222"}},
    ]  # the other customer's address is not listed
    assert body["pending"] == []
    me = client.get(f"{API}/").json()
    assert me["corrections_url"] == f"{API}/corrections/"


def test_a_correction_is_applied_at_once_and_recorded_old_to_new(client, shop, customer):
    home = shop["home"]
    response = correct(
        client, source="addresses", record=str(home.pk), field="street", value="Trg 9"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "applied" and body["value"] == "Trg 9"
    home.refresh_from_db()
    shop["work"].refresh_from_db()
    assert home.street == "Trg 9" and shop["work"].street == "Cesta 2"
    request = DataRequest.objects.get(reference=body["reference"])
    assert (request.kind, request.status, request.user) == ("rectification", "completed", customer)
    correction = request.correction
    assert (correction.old_value, correction.new_value) == ("Trg 1", "Trg 9")
    listed = client.get(f"{API}/requests/").json()
    assert [(r["kind"], r["status"]) for r in listed] == [("rectification", "completed")]


def test_the_only_record_of_a_source_needs_no_id(client, shop, customer):
    response = correct(client, source="account", field="last_name", value="Novak")
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.last_name == "Novak"
    # Two addresses: which one must be said.
    response = correct(client, source="addresses", field="street", value="Trg 9")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_a_checked_field_waits_for_staff_and_needs_a_step_up(client, shop):
    payload = {"source": "invoices", "field": "billing_name", "value": "Ana Kovač"}
    refused = correct(client, **payload)
    assert refused.status_code == 403 and refused.json()["code"] == "step_up_required"
    assert not DataRequest.objects.exists()
    response = correct(verified(client), **payload)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    shop["invoice"].refresh_from_db()
    assert shop["invoice"].billing_name == "Ana Novak"  # nothing changes before the check
    request = DataRequest.objects.get(reference=body["reference"])
    assert request.status == "received" and request.correction.old_value == "Ana Novak"
    (pending,) = client.get(f"{API}/corrections/").json()["pending"]
    assert (pending["label"], pending["value"]) == ("Billing name", "Ana Kovač")
    again = correct(client, **payload)
    assert again.status_code == 409 and again.json()["code"] == "correction_pending"
    assert DataRequest.objects.count() == 1


def test_another_customers_record_is_not_found(client, shop):
    theirs = shop["theirs"]
    for record in (str(theirs.pk), "not-a-key", "999999"):
        response = correct(
            client, source="addresses", record=record, field="street", value="Mine now"
        )
        assert response.status_code == 404, record
        assert response.json()["code"] == "unknown_record"
    theirs.refresh_from_db()
    assert theirs.street == "Ulica 3" and not DataRequest.objects.exists()


def test_anonymous_is_refused(shop):
    anonymous = Client()
    assert anonymous.get(f"{API}/corrections/").status_code == 401
    response = correct(anonymous, source="account", field="first_name", value="X")
    assert response.status_code == 401 and not DataRequest.objects.exists()


@pytest.mark.parametrize(
    ("payload", "code", "detail"),
    [
        ({"source": "nope", "field": "street"}, "unknown_source", "no data of this kind"),
        ({"source": "orders", "field": "number"}, "unknown_source", "no data of this kind"),
        ({"source": "account", "field": "email"}, "not_correctable", "cannot be corrected"),
        ({"source": "addresses", "field": "customer"}, "not_correctable", "cannot be corrected"),
        (
            {"source": "addresses", "field": "street", "value": "x" * 201},
            "invalid_value",
            "at most 200 characters",
        ),
        (
            {"source": "addresses", "field": "street", "value": ""},
            "invalid_value",
            "cannot be blank",
        ),
    ],
)
def test_bad_corrections_are_refused_and_nothing_is_written(client, shop, payload, code, detail):
    payload = {"value": "Trg 9", "record": str(shop["home"].pk), **payload}
    response = correct(client, **payload)
    assert response.status_code == 422
    assert response.json()["code"] == code and detail in response.json()["detail"]
    shop["home"].refresh_from_db()
    assert shop["home"].street == "Trg 1"
    assert not DataRequest.objects.exists() and not Correction.objects.exists()


def test_the_refusal_of_an_invalid_value_is_in_the_readers_language(client, shop):
    payload = {"source": "addresses", "record": str(shop["home"].pk), "field": "street"}
    response = client.post(
        f"{API}/corrections/?locale=sl",
        {**payload, "value": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    with translation.override("sl"):
        from django.db.models import Field

        expected = str(Field.default_error_messages["blank"])
    assert response.json()["detail"] == expected != "This field cannot be blank."


def tick(*args):
    out = StringIO()
    call_command("privacy_tick", "--only", "corrections", *args, stdout=out)
    return out.getvalue()


def test_the_old_value_is_blanked_some_time_after_the_request_closes(client, shop, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "CORRECTION_KEEP_OLD_VALUE": "30d"}
    reference = correct(
        client, source="addresses", record=str(shop["home"].pk), field="street", value="Trg 9"
    ).json()["reference"]
    correction = Correction.objects.get(request__reference=reference)
    tick()
    correction.refresh_from_db()
    assert correction.old_value == "Trg 1"  # kept a while: a mistake can still be undone
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert "old_values_to_blank=1" in tick("--dry-run")
        correction.refresh_from_db()
        assert correction.old_value == "Trg 1"
        assert "old_values_blanked=1" in tick()
        assert "old_values_blanked=0" in tick()  # a second run finds nothing
    correction.refresh_from_db()
    assert correction.old_value == "" and correction.new_value == "Trg 9"
    assert correction.old_value_cleared_at is not None


def test_an_open_request_keeps_its_old_value(client, shop):
    correct(verified(client), source="invoices", field="billing_name", value="Ana Kovač")
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        tick()
    assert Correction.objects.get().old_value == "Ana Novak"


def test_erasing_the_account_blanks_its_corrections(
    client, shop, customer, django_capture_on_commit_callbacks
):
    from wagtail_privacy.rights import closure as closures
    from wagtail_privacy.verification.service import without_step_up

    home = str(shop["home"].pk)
    correct(client, source="addresses", record=home, field="street", value="Trg 9")
    correct(verified(client), source="invoices", field="billing_name", value="Ana Kovač")
    with django_capture_on_commit_callbacks(execute=True):
        closure = closures.request_deletion(customer, proof=without_step_up("test fixture"))
    with time_machine.travel(closure.scheduled_for + timedelta(seconds=1)):
        assert closures.erase(closure.pk).state == "erased"
    values = Correction.objects.values_list("old_value", "new_value")
    assert list(values) == [("", ""), ("", "")]
