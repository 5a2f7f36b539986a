"""The export read by a person: CSVs that spreadsheets open right, with named columns, and an
index.html that shows the records themselves, in the customer's language."""

import codecs
import csv
import io
import json
import zipfile
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser

import jsonschema
import pytest
from django.utils import timezone

from tests.testapp.models import CustomerProfile, Order
from wagtail_privacy.rights import export_html
from wagtail_privacy.rights.export import SCHEMA_PATH, build_archive
from wagtail_privacy.sources import DataSource, registry

pytestmark = pytest.mark.django_db

NOTE = '<script>alert("x")</script>\nRing twice & wait'
ORDERS_HEADER = ["Number", "Placed at", "Total", "Delivery note"]


@pytest.fixture
def shopper(customer):
    customer.first_name, customer.last_name = "=HYPERLINK(1)", "Šmartinska"
    customer.save()
    placed = timezone.make_aware(datetime(2024, 5, 1, 9, 30))
    for i in range(1, 4):
        Order.objects.create(
            customer=customer,
            number=f"LC-{i}",
            placed_at=placed,
            total=Decimal("12.50") * i,
            delivery_note=NOTE if i == 1 else "Šmartinska 152, Ljubljana",
        )
    return customer


def archive(user, tmp_path):
    path = tmp_path / "export.zip"
    build_archive(user, path)
    return zipfile.ZipFile(path)


def rows_of(zf, name):
    return list(csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig"), newline="")))


class Tables(HTMLParser):
    """The tables of a page: caption, header cells (with scope) and body rows as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.lang, self._cell, self._where = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": [], "attrs": attrs})
        elif tag == "caption":
            self._where = "caption"
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = {"tag": tag, "scope": attrs.get("scope"), "text": ""}
        elif tag == "br" and self._cell is not None:
            self._cell["text"] += "\n"

    def handle_endtag(self, tag):
        if tag == "caption":
            self._where = None
        elif tag in ("th", "td") and self._cell is not None:
            table = self.tables[-1]
            if self._cell["tag"] == "th":
                table["head"].append((self._cell["text"], self._cell["scope"]))
            else:
                table["rows"][-1].append(self._cell["text"])
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        elif self._where == "caption":
            self.tables[-1]["caption"] += data


def tables_of(zf):
    parser = Tables()
    parser.feed(zf.read("index.html").decode("utf-8"))
    for table in parser.tables:
        table["rows"] = [row for row in table["rows"] if row]
    return parser


def test_csv_has_a_byte_order_mark_and_columns_named_for_people(shopper, tmp_path):
    zf = archive(shopper, tmp_path)
    raw = zf.read("orders.csv")
    assert raw.startswith(codecs.BOM_UTF8) and raw.count(codecs.BOM_UTF8) == 1
    header, *rows = rows_of(zf, "orders.csv")
    assert header == ORDERS_HEADER
    assert [row[0] for row in rows] == ["LC-1", "LC-2", "LC-3"]
    assert rows[1][3] == "Šmartinska 152, Ljubljana"
    assert rows_of(zf, "account.csv")[0] == [
        "Username",
        "Email address",
        "First name",
        "Last name",
        "Date joined",
        "Last login",
        "Active",
    ]
    # Formulas stay inert behind the mark: the value, not the header, carries the quote.
    assert rows_of(zf, "account.csv")[1][2:4] == ["'=HYPERLINK(1)", "Šmartinska"]
    for name in zf.namelist():
        if name.endswith(".csv"):
            assert zf.read(name).startswith(codecs.BOM_UTF8), name
    # data.json keeps the field names, and its schema.
    data = json.loads(zf.read("data.json"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    orders = {s["name"]: s for s in data["sources"]}["orders"]
    assert orders["fields"] == ["number", "placed_at", "total", "delivery_note"]
    assert orders["records"][0]["delivery_note"] == NOTE


def test_built_in_sources_have_named_columns(shopper, tmp_path):
    zf = archive(shopper, tmp_path)
    assert rows_of(zf, "acceptances.csv")[0] == [
        "Policy",
        "Version",
        "Language",
        "SHA-256 of the accepted text",
        "Accepted at",
        "IP address",
        "User agent",
        "Channel",
    ]
    assert rows_of(zf, "notices.csv")[0][:2] == ["Policy", "Version"]
    assert rows_of(zf, "sessions.csv")[0] == ["Signed in at"]
    assert rows_of(zf, "verification_devices.csv")[0] == [
        "Kind",
        "Name",
        "Confirmed",
        "Created at",
        "Last used at",
    ]
    for name in zf.namelist():
        if name.endswith(".csv"):
            assert not any("__" in column for column in rows_of(zf, name)[0]), name


def test_index_shows_each_sources_records_in_accessible_escaped_tables(shopper, tmp_path):
    zf = archive(shopper, tmp_path)
    html = zf.read("index.html").decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    page = tables_of(zf)
    assert page.lang == "en"
    tables = {table["caption"]: table for table in page.tables}
    orders = tables["Orders"]
    assert orders["head"] == [(name, "col") for name in ORDERS_HEADER]
    assert [row[0] for row in orders["rows"]] == ["LC-1", "LC-2", "LC-3"]
    first = orders["rows"][0]
    assert first[3] == '<script>alert("x")</script>\nRing twice & wait'  # text, line kept
    assert first[2] == "12.50"
    assert first[1] == "1 May 2024, 09:30"  # local time, the package's format of the language
    [account] = tables["Account"]["rows"]
    assert account[2:4] == ["=HYPERLINK(1)", "Šmartinska"]  # a page shows the text as it is
    assert account[-1] == "Yes"
    assert "Sign-in sessions" not in tables  # no records: no empty table
    for table in page.tables:  # every table is named, and its header cells say what they head
        assert table["caption"] and all(scope == "col" for _, scope in table["head"])
    assert "are shown here" not in html  # all of them are shown


def test_index_and_csv_headers_in_the_customers_language(shopper, tmp_path):
    CustomerProfile.objects.create(user=shopper, language="sl")
    zf = archive(shopper, tmp_path)
    page = tables_of(zf)
    assert page.lang == "sl"
    account = rows_of(zf, "account.csv")[0]
    assert account[:3] == ["Uporabniško ime", "Elektronski naslov", "Ime"]
    assert rows_of(zf, "acceptances.csv")[0][4] == "Sprejeto ob"
    assert rows_of(zf, "sessions.csv")[0] == ["Prijavljeno ob"]
    orders = next(table for table in page.tables if table["caption"] == "Orders")
    assert orders["rows"][0][2] == "12,50"  # the decimal comma
    account_table = next(table for table in page.tables if table["caption"] == "Uporabniški račun")
    assert account_table["head"][0] == ("Uporabniško ime", "col")
    assert account_table["rows"][0][-1] == "Da"
    sources = {s["name"]: s for s in json.loads(zf.read("data.json"))["sources"]}
    assert (
        sources["account"]["label"] == "Uporabniški račun"
    )  # data.json's texts in the language too
    assert sources["account"]["fields"][0] == "username"  # its keys never


def test_index_shows_at_most_index_rows_per_source(shopper, tmp_path, monkeypatch):
    monkeypatch.setattr(export_html, "INDEX_ROWS", 2)
    zf = archive(shopper, tmp_path)
    html = zf.read("index.html").decode("utf-8")
    assert "The first 2 of 3 records are shown here; all of them are in orders.csv." in html
    assert 'aria-describedby="records-orders-note"' in html
    orders = next(table for table in tables_of(zf).tables if table["caption"] == "Orders")
    assert [row[0] for row in orders["rows"]] == ["LC-1", "LC-2"]
    assert len(rows_of(zf, "orders.csv")) == 1 + 3  # the CSV has them all
    assert html.count("are shown here") == 1  # only where there are more


class Counted(DataSource):
    """A source that counts the records each reader takes, and whether it let go."""

    name, label, order = "counted", "Counted", 1000
    fields = ("n", "flag", "when", "items")
    erasable, kept_reason = False, "Generated for the test."
    taken, closed = [], []

    def records(self, user):
        taken = 0
        self.taken.append(0)
        try:
            for n in range(50):
                taken += 1
                self.taken[-1] = taken
                yield {"n": n, "flag": n % 2 == 0, "when": None, "items": [n, "a<b"]}
        finally:
            self.closed.append(taken)


@pytest.fixture
def counted():
    Counted.taken, Counted.closed = [], []
    registry.register(Counted)
    yield Counted
    registry.unregister(Counted.name)


def test_each_source_is_read_once_for_json_csv_and_index(customer, counted, tmp_path, monkeypatch):
    monkeypatch.setattr(export_html, "INDEX_ROWS", 5)
    zf = archive(customer, tmp_path)
    assert counted.taken == [50]  # one read feeds data.json, the CSV and index.html
    assert counted.closed == [50]  # and the reader let go of it
    assert list(tmp_path.iterdir()) == [tmp_path / "export.zip"]  # no scratch files left
    table = next(t for t in tables_of(zf).tables if t["caption"] == "Counted")
    assert table["rows"][0] == ["0", "Yes", "", '[0, "a<b"]']
    assert rows_of(zf, "counted.csv")[1] == ["0", "true", "", '[0, "a<b"]']
    assert len(table["rows"]) == 5
    assert "The first 5 of 50 records" in zf.read("index.html").decode("utf-8")


def test_column_names_a_source_gives_and_fallbacks():
    class Loyalty(DataSource):
        name = "loyalty"
        fields = ("points", "updated_at", "tier__name", "points_total")
        field_labels = {"points": "Points", "points_total": "Points"}

    labels = [column.label for column in export_html.columns(Loyalty())]
    assert labels == ["Points (points)", "Updated at", "Tier: name", "Points (points_total)"]


def test_column_names_and_values_from_the_model():
    from tests.testapp.privacy_sources import OrderSource
    from wagtail_privacy.notices.sources import AcceptanceSource
    from wagtail_privacy.rights.sources import RequestSource

    assert [c.label for c in export_html.columns(OrderSource())] == ORDERS_HEADER
    channel = export_html.columns(AcceptanceSource())[-1]
    assert (channel.label, export_html.display("web", channel)) == ("Channel", "Website")
    kind = next(c for c in export_html.columns(RequestSource()) if c.name == "kind")
    assert kind.label == "Right" and export_html.display("unknown", kind) == "unknown"
