"""privacy_tick asks customers to renew a consent before it expires: once per grant, in the
customer's language, with a link to where they renew it; a dry run only counts. Run on
PostgreSQL too (DATABASE_URL)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.concurrency import at_once
from tests.consent.helpers import put, signed_in
from tests.testapp.models import CustomerProfile
from wagtail_privacy.consent import renewals, service
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ACCOUNT_URL = "https://shop.example/account/privacy/"


@pytest.fixture
def expiring(newsletter, settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "CONSENT_RENEWAL_NOTICE_DAYS": 30,
        "ACCOUNT_URL": ACCOUNT_URL,
    }
    newsletter.valid_for = "90d"
    newsletter.save()
    return newsletter


def renewal_emails():
    return [m for m in mail.outbox if "renew" in m.subject]


def tick(*extra):
    out = StringIO()
    call_command("privacy_tick", "--only", "consent_renewals", *extra, stdout=out)
    return out.getvalue()


def grant(subject, channel, days_ago, purpose="newsletter"):
    at = timezone.now() - timedelta(days=days_ago)
    return service.record(subject, purpose, channel, True, source="account", now=at)


def test_a_customer_is_asked_once_in_their_language(customer, expiring):
    CustomerProfile.objects.update_or_create(user=customer, defaults={"language": "sl"})
    grant(customer, "email", 70)  # expires in 20 days
    grant(customer, "sms", 75)

    assert "[dry run] consent_renewals: to_email=1, grants=2" in tick("--dry-run")
    assert mail.outbox == []
    assert not ConsentRecord.objects.exclude(renewal_requested_at=None).exists()

    assert "consent_renewals: emailed=1, grants=2" in tick()
    assert "consent_renewals: emailed=0, grants=0" in tick()  # run again: nothing more
    [message] = mail.outbox
    assert message.to == [customer.email]
    assert message.body.count("E-novice") == 2  # the Slovenian purpose name, both channels
    assert "Po e-pošti" in message.body and "Email" not in message.body
    assert ACCOUNT_URL in message.body
    assert ConsentRecord.objects.filter(renewal_requested_at=None).count() == 0


def test_the_email_says_which_consents_and_until_when(customer, expiring):
    record = grant(customer, "email", 70)
    tick()
    [message] = mail.outbox
    expires = timezone.localtime(record.at + timedelta(days=90))
    assert "please renew your consent" in message.subject
    assert "- Newsletter: Email, until" in message.body
    assert str(expires.year) in message.body and ACCOUNT_URL in message.body


def test_only_standing_grants_within_the_window_are_asked(customer, other_customer, expiring):
    grant(customer, "email", 50)  # expires in 40 days: too early
    grant(customer, "sms", 95)  # expired already: the consent page says so
    grant(other_customer, "email", 70)
    put(signed_in(other_customer), "newsletter", {"email": False})  # withdrawn since
    assert "emailed=0, grants=0" in tick()
    assert renewal_emails() == []  # (the withdrawal was confirmed)


def test_a_renewed_grant_is_not_asked_again(customer, expiring):
    grant(customer, "email", 70)
    put(signed_in(customer), "newsletter", {"email": True})  # the customer renews first
    assert "emailed=0" in tick()
    assert mail.outbox == []


def test_a_grant_given_to_an_earlier_wording_is_not_asked(customer, expiring):
    grant(customer, "email", 70)
    purpose = ConsentPurpose.objects.get(pk=expiring.pk)
    purpose.renew_on_wording_change, purpose.wording_version = True, 2
    purpose.save()
    assert "emailed=0" in tick()


def test_a_guest_is_asked_at_their_address_with_a_link_to_the_shop(expiring):
    grant("guest@example.com", "email", 80)
    assert "emailed=1, grants=1" in tick()
    [message] = mail.outbox
    assert message.to == ["guest@example.com"]
    assert ACCOUNT_URL not in message.body  # no account to renew it in
    assert "http" in message.body  # the shop's site


def test_purposes_without_a_period_are_never_asked(customer, newsletter):
    grant(customer, "email", 3000)
    assert "emailed=0, grants=0" in tick()
    assert service.has_consent(customer, "newsletter", "email")


def test_two_ticks_at_once_ask_once(customer, other_customer, expiring):
    grant(customer, "email", 70)
    grant(customer, "sms", 70)
    grant(other_customer, "email", 65)
    results, errors = at_once(lambda: renewals.ask(timezone.now()))
    assert errors == []
    assert sum(report["emailed"] for report in results) == 2
    assert sorted(m.to[0] for m in renewal_emails()) == [customer.email, other_customer.email]
    assert not ConsentRecord.objects.filter(renewal_requested_at=None).exists()
