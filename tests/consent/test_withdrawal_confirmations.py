"""Every withdrawal of consent is confirmed by email, in the customer's language, once; the
record says when. Granting is not confirmed, nor is the withdrawal that erasure makes."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.consent.helpers import API, put, signed_in
from tests.testapp.models import CustomerProfile
from wagtail_privacy.consent import confirmations, service, unsubscribe
from wagtail_privacy.consent.models import ConsentRecord

pytestmark = pytest.mark.django_db


def withdrawals():
    return ConsentRecord.objects.filter(granted=False).order_by("pk")


def test_withdrawing_through_the_api_is_confirmed_once(
    customer, newsletter, django_capture_on_commit_callbacks
):
    client = signed_in(customer)
    with django_capture_on_commit_callbacks(execute=True):
        put(client, "newsletter", {"email": True, "sms": True})
    assert mail.outbox == []  # granting is not confirmed
    with django_capture_on_commit_callbacks(execute=True):
        put(client, "newsletter", {"email": False})
    [message] = mail.outbox
    assert message.to == [customer.email]
    assert "no longer use your personal data for" in message.body
    assert "- Newsletter: Email" in message.body
    [record] = withdrawals()
    assert record.confirmed_at is not None

    assert confirmations.confirm([record.pk]) == 0  # a task delivered twice sends nothing
    assert len(mail.outbox) == 1

    # The customer sees that the confirmation went, and when.
    [purpose] = [p for p in client.get(f"{API}/me/consents/").json() if p["key"] == "newsletter"]
    channels = {c["channel"]: c for c in purpose["channels"]}
    assert channels["email"]["confirmation_sent_at"] is not None
    assert channels["sms"]["confirmation_sent_at"] is None  # still granted


def test_a_withdrawal_not_confirmed_yet_says_so(customer, newsletter, queued):
    client = signed_in(customer)
    put(client, "newsletter", {"email": True})
    put(client, "newsletter", {"email": False})  # its task has not run
    [purpose] = [p for p in client.get(f"{API}/me/consents/").json() if p["key"] == "newsletter"]
    [email] = [c for c in purpose["channels"] if c["channel"] == "email"]
    assert email["granted"] is False and email["confirmation_sent_at"] is None


def test_withdraw_all_is_one_email_in_the_customers_language(
    customer, newsletter, django_capture_on_commit_callbacks
):
    CustomerProfile.objects.update_or_create(user=customer, defaults={"language": "sl"})
    client = signed_in(customer)
    with django_capture_on_commit_callbacks(execute=True):
        put(client, "newsletter", {"email": True, "sms": True})
        client.post(f"{API}/me/consents/withdraw-all/")
    [message] = mail.outbox
    assert "E-novice" in message.body and message.body.count("E-novice") == 2
    assert "no longer use" not in message.body  # Slovenian, not English
    assert all(r.confirmed_at for r in withdrawals())


def test_a_guest_unsubscribing_is_confirmed_at_their_address(
    newsletter, client, django_capture_on_commit_callbacks
):
    service.record("guest@example.com", "newsletter", "email", True, source="signup")
    url = unsubscribe.unsubscribe_url("guest@example.com", "newsletter", "email")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 200
    [message] = mail.outbox
    assert message.to == ["guest@example.com"]


def test_erasure_withdraws_without_a_confirmation(customer, newsletter):
    service.record(customer, "newsletter", "email", True, source="account")
    service.withdraw_all_of([customer], source="erasure")
    assert withdrawals().count() == 1
    assert mail.outbox == []
    assert not confirmations.unconfirmed(timezone.now() + timedelta(hours=1)).exists()


def test_privacy_tick_confirms_what_a_lost_task_left(customer, newsletter, queued):
    service.record(customer, "newsletter", "email", True, source="account")
    with_lost_task = service.record(customer, "newsletter", "email", False, source="account")
    service.record(customer, "newsletter", "sms", True, source="account")
    service.record(customer, "newsletter", "sms", False, source="account")
    queued.clear()  # the tasks were lost
    later = timezone.now() + timedelta(minutes=11)
    call_command("privacy_tick", "--only", "withdrawal_confirmations", "--dry-run")
    assert mail.outbox == []
    out = StringIO()
    call_command("privacy_tick", "--only", "withdrawal_confirmations", stdout=out)
    assert "confirmed=0" in out.getvalue()  # within the tasks' grace: not yet
    assert confirmations.confirm_left_over(later, dry_run=False) == {"confirmed": 1}
    [message] = mail.outbox
    assert message.body.count("Newsletter") == 2
    assert not confirmations.unconfirmed(later).exists()
    # Five days on, an unconfirmed withdrawal is no longer sent (not a flood at deployment).
    assert not confirmations.unconfirmed(with_lost_task.at + timedelta(days=6)).exists()
