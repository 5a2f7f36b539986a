"""The Art. 15 information: GET /me/information/, the export's index.html and data.json, and
the checks that make a shop state it."""

import json
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.checks import run_checks
from django.test import Client
from django.utils import timezone

from tests.testapp.models import Order
from wagtail_privacy.consent.models import ConsentPurpose, LegalBasis
from wagtail_privacy.rights.export import build_archive
from wagtail_privacy.sources import CONTRACT, DataSource, registry

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me/information/"


@pytest.fixture
def orders(customer):
    placed = timezone.make_aware(datetime(2025, 5, 1, 9, 30))
    for i in range(3):
        Order.objects.create(
            customer=customer, number=f"LC-{i}", placed_at=placed, total=Decimal(5)
        )


@pytest.fixture
def purposes(locales):
    ConsentPurpose.objects.create(key="newsletter", name="Newsletter", wording="News.")
    ConsentPurpose.objects.create(
        key="recommendations",
        name="Recommendations",
        wording="We suggest products.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    )


def signed_in(user, **headers):
    client = Client(raise_request_exception=False, **headers)
    client.force_login(user)
    return client


def test_the_customer_reads_who_why_on_which_basis_and_where_to_complain(
    customer, orders, purposes
):
    data = signed_in(customer).get(API).json()
    assert data["controller"]["contact"] == "privacy@shop.example, Main Street 1, Ljubljana"
    assert data["controller"]["dpo_contact"] is None
    assert data["supervisory_authority"]["name"] == "Information Commissioner"
    assert data["supervisory_authority"]["url"] == "https://www.ip-rs.si/"
    assert data["transfers"] == "None: your data stays within the European Economic Area."
    assert data["automated_decisions"].startswith("We make no decisions about you")
    sources = {s["name"]: s for s in data["sources"]}
    assert sources["orders"]["legal_basis"] == "Our contract with you (Art. 6(1)(b) GDPR)."
    assert sources["orders"]["records"] == 3
    # A source's own statement of transfers wins over the shop's.
    assert "United States" in sources["orders"]["transfers"]
    assert sources["addresses"]["transfers"] == data["transfers"]
    assert sources["acceptances"]["legal_basis"].startswith("A legal obligation")
    assert {p["key"]: p["legal_basis"] for p in data["consent_purposes"]} == {
        "newsletter": "consent",
        "recommendations": "legitimate_interest",
    }


def test_in_the_readers_language(customer, purposes):
    data = signed_in(customer, HTTP_ACCEPT_LANGUAGE="sl").get(API).json()
    sources = {s["name"]: s for s in data["sources"]}
    assert sources["orders"]["legal_basis"] != str(CONTRACT)
    assert "6(1)(b)" in sources["orders"]["legal_basis"]


def test_own_counts_only_and_no_anonymous_access(customer, other_customer, orders):
    assert Client().get(API).status_code == 401
    data = signed_in(other_customer).get(API).json()
    assert {s["name"]: s["records"] for s in data["sources"]}["orders"] == 0


def test_the_dpo_and_automated_decisions_as_the_shop_states_them(customer, settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "DPO_CONTACT": "dpo@shop.example",
        "AUTOMATED_DECISIONS": "We score fraud risk at checkout; a person reviews refusals.",
    }
    data = signed_in(customer).get(API).json()
    assert data["controller"]["dpo_contact"] == "dpo@shop.example"
    assert data["automated_decisions"].startswith("We score fraud risk")


def test_the_export_carries_it(customer, orders, tmp_path, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "DPO_CONTACT": "dpo@shop.example"}
    path = tmp_path / "export.zip"
    build_archive(customer, path)
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
        page = archive.read("index.html").decode()
    assert data["information"]["supervisory_authority"]["name"] == "Information Commissioner"
    assert data["information"]["controller"]["dpo_contact"] == "dpo@shop.example"
    orders_info = next(s for s in data["sources"] if s["name"] == "orders")
    assert orders_info["legal_basis"] == "Our contract with you (Art. 6(1)(b) GDPR)."
    assert "Our contract with you (Art. 6(1)(b) GDPR)." in page
    assert "Transfers outside the European Economic Area" in page
    assert "The supervisory authority is Information Commissioner." in page
    assert "https://www.ip-rs.si/" in page
    assert "Our data protection officer: dpo@shop.example." in page
    assert "We make no decisions about you based solely on automated processing." in page


def ids():
    return {p.id for p in run_checks() if p.id.startswith("wagtail_privacy.")}


def test_a_shop_that_does_not_state_it_is_warned(settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "SUPERVISORY_AUTHORITY": None,
        "TRANSFERS": None,
    }
    assert {"wagtail_privacy.W004", "wagtail_privacy.W005"} <= ids()


@pytest.mark.parametrize(
    "value", ["Information Commissioner", {"url": "x"}, {"name": "A", "fax": 1}]
)
def test_a_bad_authority_is_an_error(settings, value):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "SUPERVISORY_AUTHORITY": value}
    assert "wagtail_privacy.E031" in ids()


def test_a_source_without_a_legal_basis_is_warned():
    assert "wagtail_privacy.W006" not in ids()

    class Silent(DataSource):
        name, label, fields = "silent", "Silent", ("a",)
        erasable, kept_reason = False, "Kept."

    registry.register(Silent)
    try:
        assert "wagtail_privacy.W006" in ids()
    finally:
        registry.unregister("silent")
