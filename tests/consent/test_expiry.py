"""A purpose valid for a period: a consent stops counting once that long has passed since it
was given, the customer sees when it expires (and that it did), and granting again renews it,
from the notice window before the expiry on."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.consent.helpers import API, put, signed_in
from wagtail_privacy.checks import check_settings
from wagtail_privacy.consent import service
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def expiring(newsletter):
    newsletter.valid_for = "90d"
    newsletter.save()
    return newsletter


def email_state(client):
    [entry] = [p for p in client.get(f"{API}/me/consents/").json() if p["key"] == "newsletter"]
    return next(c for c in entry["channels"] if c["channel"] == "email")


def parse(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def days_later_locally(value, moment, days):
    """Whether the API's ``value`` is ``days`` calendar days after ``moment``, same local
    time (to the API's milliseconds)."""
    local, start = timezone.localtime(parse(value)), timezone.localtime(moment)
    return local.date() == start.date() + timedelta(days=days) and (
        local.time().replace(microsecond=0) == start.time().replace(microsecond=0)
    )


def test_a_consent_counts_until_the_end_of_its_period(customer, expiring):
    given = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)  # 10:30 in Ljubljana, winter time
    service.record(customer, "newsletter", "email", True, source="account", now=given)
    end = datetime(2026, 6, 8, 8, 30, tzinfo=UTC)  # 90 calendar days on, 10:30 summer time
    assert service.has_consent(customer, "newsletter", "email", now=end - timedelta(seconds=1))
    assert not service.has_consent(customer, "newsletter", "email", now=end)


def test_months_are_calendar_months(customer, expiring):
    expiring.valid_for = "1m"
    expiring.save()
    given = timezone.make_aware(datetime(2027, 1, 31, 12, 0))
    service.record(customer, "newsletter", "email", True, source="account", now=given)
    end = timezone.make_aware(datetime(2027, 2, 28, 12, 0))
    assert service.has_consent(customer, "newsletter", "email", now=end - timedelta(minutes=1))
    assert not service.has_consent(customer, "newsletter", "email", now=end)


def test_expiry_flips_without_a_query(customer, expiring, django_assert_num_queries):
    now = timezone.now()
    service.record(customer, "newsletter", "email", True, source="account", now=now)
    assert service.has_consent(customer, "newsletter", "email")
    with django_assert_num_queries(0):
        assert service.has_consent(customer, "newsletter", "email", now=now + timedelta(days=89))
        assert not service.has_consent(
            customer, "newsletter", "email", now=now + timedelta(days=90)
        )


def test_the_customer_sees_when_a_consent_expires_and_renews_an_expired_one(customer, expiring):
    client = signed_in(customer)
    given = timezone.now() - timedelta(days=100)
    service.record(customer, "newsletter", "email", True, source="account", now=given)
    lapsed = email_state(client)
    assert lapsed["granted"] is False and lapsed["expires_at"] is None
    assert lapsed["renewal"]["reason"] == "expired"
    assert days_later_locally(lapsed["renewal"]["expired_at"], given, 90)
    assert not service.has_consent(customer, "newsletter", "email")

    put(client, "newsletter", {"email": True})
    renewed = email_state(client)
    assert renewed["granted"] is True and renewed["renewal"] is None
    assert days_later_locally(renewed["expires_at"], parse(renewed["since"]), 90)
    assert service.has_consent(customer, "newsletter", "email")


def test_granting_again_renews_only_within_the_notice_window(customer, expiring, settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "CONSENT_RENEWAL_NOTICE_DAYS": 30,
    }
    client = signed_in(customer)
    now = timezone.now()
    service.record(customer, "newsletter", "email", True, source="account", now=now - timedelta(50))
    put(client, "newsletter", {"email": True})  # expires in 40 days: not yet
    assert ConsentRecord.objects.filter(user=customer).count() == 1

    service.record(customer, "newsletter", "sms", True, source="account", now=now - timedelta(70))
    put(client, "newsletter", {"sms": True})  # expires in 20 days: renewed
    assert ConsentRecord.objects.filter(user=customer, channel="sms").count() == 2
    [entry] = [p for p in client.get(f"{API}/me/consents/").json() if p["key"] == "newsletter"]
    sms = next(c for c in entry["channels"] if c["channel"] == "sms")
    assert parse(sms["expires_at"]) > now + timedelta(days=89)


def test_the_snippet_editor_refuses_a_period_it_cannot_read(client, editor, newsletter):
    client.force_login(editor)
    url = reverse("wagtailsnippets_wagtail_privacy_consentpurpose:edit", args=[newsletter.pk])
    form = {
        "key": "newsletter",
        "name": "Newsletter",
        "description": "",
        "wording": newsletter.wording,
        "wording_version": "1",
        "legal_basis": "consent",
        "email": "on",
        "sort_order": "0",
    }
    response = client.post(url, {**form, "valid_for": "two years"})
    assert response.status_code == 200
    assert "Write a whole number of days or months" in response.content.decode()
    assert ConsentPurpose.objects.get(pk=newsletter.pk).valid_for == ""

    assert client.post(url, {**form, "valid_for": "0m"}).status_code == 200  # never valid
    assert ConsentPurpose.objects.get(pk=newsletter.pk).valid_for == ""

    response = client.post(url, {**form, "valid_for": "24m", "renew_on_wording_change": "on"})
    assert response.status_code == 302
    saved = ConsentPurpose.objects.get(pk=newsletter.pk)
    assert (saved.valid_for, saved.renew_on_wording_change) == ("24m", True)


@pytest.mark.parametrize("days", [0, -5, "30", 2.5, True])
def test_a_renewal_notice_that_is_not_whole_days_is_reported(settings, days):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "CONSENT_RENEWAL_NOTICE_DAYS": days}
    assert "wagtail_privacy.E023" in {p.id for p in check_settings()}


def test_the_default_renewal_notice_is_fine():
    assert "wagtail_privacy.E023" not in {p.id for p in check_settings()}
    call_command("check")  # and the site starts
