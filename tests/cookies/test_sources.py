"""Cookie choices as a personal-data source: exported with the account, redacted on erasure."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from wagtail_privacy.cookies.models import CookieConsentRecord
from wagtail_privacy.exceptions import ImmutableRecordError
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.sources import registry
from wagtail_privacy.verification.service import without_step_up

pytestmark = pytest.mark.django_db
URL = "/api/privacy/v1/cookies/"
NO_STEP_UP = without_step_up("test fixture")


def choose(client, **choices):
    client.put(
        URL,
        {"choices": choices},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="CookieBrowser/1.0",
    )


def test_the_export_lists_the_customers_choices(cookie_categories, customer, other_customer):
    browser = Client()
    browser.force_login(customer)
    choose(browser, statistics=True, marketing=False)
    other = Client()
    other.force_login(other_customer)
    choose(other, statistics=False)
    source = registry.get("cookie_choices")
    rows = sorted(source.records(customer), key=lambda row: row["category_key"])
    assert [(r["category_key"], r["granted"], r["source"]) for r in rows] == [
        ("marketing", False, "api"),
        ("statistics", True, "api"),
    ]
    assert rows[0]["ip_address"] == "198.51.100.0" and rows[0]["user_agent"] == "CookieBrowser/1.0"
    assert rows[0]["visitor_id"] and rows[0]["fingerprint"]
    assert str(source.label) == "Cookie choices" and source.describe()["fields"]


def test_erasure_redacts_the_ip_user_agent_and_account(cookie_categories, customer):
    browser = Client()
    browser.force_login(customer)
    choose(browser, statistics=True)
    mine = list(CookieConsentRecord.objects.filter(user=customer).values_list("pk", flat=True))
    stranger = Client()
    choose(stranger, statistics=True)
    assert browser.get(URL).json()["choices"]["statistics"] is True  # cached
    closure = closures.request_deletion(customer, proof=NO_STEP_UP)
    with time_machine.travel(closure.scheduled_for + timedelta(seconds=1)):
        closure = closures.erase(closure.pk)
    assert closure.state == "erased"
    assert closure.receipt["cookie_choices"]["anonymised"] == 2
    erased = CookieConsentRecord.objects.filter(pk__in=mine)
    assert erased.count() == 2 and not erased.filter(user__isnull=False).exists()
    assert not erased.exclude(ip_address=None).exists()
    assert not erased.exclude(user_agent="").exists()
    # The proof stays; a stranger's choices are untouched.
    assert set(erased.values_list("category_key", "granted")) == {
        ("statistics", True),
        ("marketing", False),
    }
    others = CookieConsentRecord.objects.exclude(pk__in=mine)
    assert others.count() == 2 and not others.exclude(ip_address="198.51.100.0").exists()


def test_records_are_append_only(cookie_categories):
    choose(Client(), statistics=True)
    record = CookieConsentRecord.objects.first()
    record.granted = False
    with pytest.raises(ImmutableRecordError):
        record.save()
    with pytest.raises(ImmutableRecordError):
        CookieConsentRecord.objects.update(granted=False)
    with pytest.raises(ImmutableRecordError):
        CookieConsentRecord.objects.all().redact(category_key="x")
