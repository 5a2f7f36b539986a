"""Data export: step-up, rate limit, the ZIP's contents, and the signed owner-only link."""

import csv
import io
import json
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import jsonschema
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.testapp.models import Order
from wagtail_privacy.rights.export import SCHEMA_PATH
from wagtail_privacy.rights.models import DataExport, DataRequest, ExportStatus
from wagtail_privacy.storage import export_storage

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me"


def verified_client(user):
    client = Client()
    client.force_login(user)
    client.post(f"{API}/verification/", {"method": "email"}, content_type="application/json")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert (
        client.post(
            f"{API}/verification/", {"token": code}, content_type="application/json"
        ).status_code
        == 200
    )
    return client


@pytest.fixture
def orders(customer):
    customer.first_name, customer.last_name = "Ana", "Šemrov Čeligoj"
    customer.save()
    now = timezone.now()
    return [
        Order.objects.create(
            customer=customer,
            number=f"LC-{i}",
            placed_at=now,
            total=Decimal("12.50") * i,
            delivery_note="Pustite pri sosedu Žigi",
        )
        for i in range(1, 4)
    ]


def start_export(client, capture):
    with capture(execute=True):
        return client.post(f"{API}/exports/")


def download(client, export_id):
    url = client.get(f"{API}/exports/{export_id}/").json()["download_url"]
    return client.get(url)


def test_export_needs_a_fresh_verification(customer):
    client = Client()
    client.force_login(customer)
    response = client.post(f"{API}/exports/")
    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required"
    assert not DataExport.objects.exists()


def test_full_export_journey(customer, orders, django_capture_on_commit_callbacks):
    client = verified_client(customer)
    response = start_export(client, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    export_id = response.json()["id"]
    assert [e["id"] for e in client.get(f"{API}/exports/").json()] == [export_id]
    state = client.get(f"{API}/exports/{export_id}/").json()
    assert state["status"] == "ready" and state["download_url"] and state["size"] > 0
    assert "ready" in mail.outbox[-1].subject
    request = DataRequest.objects.get()
    assert request.kind == "access" and request.status == "completed"

    archive = download(client, export_id)
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    assert archive["Cache-Control"] == "private, no-store"
    zf = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content)))
    names = set(zf.namelist())
    assert {"data.json", "index.html", "account.csv", "orders.csv", "acceptances.csv"} <= names

    data = json.loads(zf.read("data.json"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    by_name = {s["name"]: s for s in data["sources"]}
    assert by_name["account"]["records"][0]["last_name"] == "Šemrov Čeligoj"
    assert [r["number"] for r in by_name["orders"]["records"]] == ["LC-1", "LC-2", "LC-3"]
    assert by_name["orders"]["retention"] == "10 years."

    orders_csv = zf.read("orders.csv")
    assert orders_csv.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    rows = list(csv.DictReader(io.StringIO(orders_csv.decode("utf-8-sig"))))
    assert [(r["Number"], r["Total"], r["Delivery note"]) for r in rows] == [
        (o.number, str(o.total), "Pustite pri sosedu Žigi") for o in orders
    ]
    index = zf.read("index.html").decode("utf-8")
    assert "Why we keep it" in index and "Delivering orders." in index
    assert "<td>Pustite pri sosedu Žigi</td>" in index and "<td>LC-3</td>" in index


def test_one_export_per_day(customer, orders, django_capture_on_commit_callbacks):
    client = verified_client(customer)
    start_export(client, django_capture_on_commit_callbacks)
    again = client.post(f"{API}/exports/")
    assert again.status_code == 429
    body = again.json()
    assert body["code"] == "rate_limited" and body["next_available_at"]
    assert 0 < int(again["Retry-After"]) <= 24 * 3600
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=5)):
        client = verified_client(customer)
        assert start_export(client, django_capture_on_commit_callbacks).status_code == 202


def test_link_refuses_others_tampering_and_expiry(
    customer, other_customer, orders, django_capture_on_commit_callbacks
):
    client = verified_client(customer)
    export_id = start_export(client, django_capture_on_commit_callbacks).json()["id"]
    url = client.get(f"{API}/exports/{export_id}/").json()["download_url"]

    anonymous = Client().get(url)
    assert anonymous.status_code == 401

    other = Client()
    other.force_login(other_customer)
    assert other.get(url).json()["code"] == "invalid_link"
    assert other.get(f"{API}/exports/{export_id}/").json()["code"] == "unknown_export"

    tampered = url[:-3] + ("abc" if not url.endswith("abc") else "xyz")
    assert client.get(tampered).json()["code"] == "invalid_link"
    assert client.get(url.split("?")[0]).json()["code"] == "invalid_link"

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        expired = client.get(url)
    assert expired.status_code == 410 and expired.json()["code"] == "link_expired"


def test_files_are_deleted_when_the_export_expires(
    customer, orders, django_capture_on_commit_callbacks, settings
):
    client = verified_client(customer)
    export_id = start_export(client, django_capture_on_commit_callbacks).json()["id"]
    export = DataExport.objects.get(pk=export_id)
    storage = export_storage()
    assert storage.exists(export.file)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        call_command("privacy_tick", "--only", "exports")
        export.refresh_from_db()
        assert export.status == ExportStatus.EXPIRED
        client = verified_client(customer)
        fresh_link = client.get(f"{API}/exports/{export_id}/").json()["download_url"]
    assert fresh_link is None
    assert not storage.exists(f"wagtail_privacy/exports/{export_id}.zip")


def test_building_twice_changes_nothing(customer, orders, django_capture_on_commit_callbacks):
    from wagtail_privacy.rights.export import build

    client = verified_client(customer)
    export_id = start_export(client, django_capture_on_commit_callbacks).json()["id"]
    first = DataExport.objects.get(pk=export_id)
    build(export_id)
    assert DataExport.objects.get(pk=export_id).file == first.file
