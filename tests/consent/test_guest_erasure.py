"""Consents given as a guest, by email address, go with the account of that address."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from wagtail_privacy.consent import service
from wagtail_privacy.consent.models import ConsentRecord, email_hash
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.sources import registry
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db
User = get_user_model()
GUEST_IP, GUEST_UA = "198.51.100.7", "GuestBrowser/1.0"


def erase(user):
    closure = closures.request_deletion(user, proof=NO_STEP_UP)
    with time_machine.travel(closure.scheduled_for + timedelta(seconds=1)):
        closure = closures.erase(closure.pk)
    assert closure.state == "erased"
    return closure


def personal(address):
    return ConsentRecord.objects.filter(
        Q(email__iexact=address)
        | Q(email_sha256=email_hash(address))
        | Q(ip_address__startswith="198.51.100.")
        | Q(user_agent=GUEST_UA)
    )


def test_guest_consents_are_withdrawn_and_redacted_with_the_account(newsletter):
    # A guest signs up by email (mixed case, as typed), then opens an account with that address.
    service.set_channels(
        " Mira@Example.com",
        "newsletter",
        {"email": True, "sms": True},
        source="signup",
        ip=GUEST_IP,
        user_agent=GUEST_UA,
    )
    service.record("mira@example.com", "newsletter", "sms", False, source="unsubscribe")
    user = User.objects.create_user("mira", "mira@example.com", "pw")
    service.record(user, "newsletter", "email", True, source="account", ip=GUEST_IP)
    # Someone else's guest consent stays as it is.
    service.record("other@example.com", "newsletter", "email", True, source="signup", ip=GUEST_IP)
    assert service.has_consent("mira@example.com", "newsletter", "email")  # now cached
    assert registry.get("consents").count_for(User.objects.filter(pk=user.pk)) == 4

    closure = erase(user)

    assert service.has_consent("mira@example.com", "newsletter", "email") is False
    assert service.has_consent("MIRA@example.com ", "newsletter", "sms") is False
    assert not personal("mira@example.com").exclude(email="other@example.com").exists()
    withdrawals = ConsentRecord.objects.filter(source="erasure").order_by("pk")
    # The account's grant and the guest's standing grant (SMS was withdrawn already).
    assert [(r.channel, r.granted) for r in withdrawals] == [("email", False), ("email", False)]
    assert not withdrawals.exclude(email="").exists()
    # The proof stays, without anything that names her.
    assert ConsentRecord.objects.exclude(email="other@example.com").count() == 6
    assert not ConsentRecord.objects.filter(user__isnull=False).exists()
    assert closure.receipt["consents"]["anonymised"] == 6
    other = ConsentRecord.objects.get(email="other@example.com")
    assert other.ip_address == "198.51.100.0" and other.email_sha256
    assert service.has_consent("other@example.com", "newsletter", "email") is True


def test_a_joined_guest_and_a_new_sign_up_after_erasure(newsletter):
    service.record("mira@example.com", "newsletter", "email", True, source="signup")
    user = User.objects.create_user("mira", "mira@example.com", "pw")
    service.join_guest(user)
    assert service.has_consent(user, "newsletter", "email")
    erase(user)
    assert not ConsentRecord.objects.exclude(email_sha256="").exists()
    assert service.has_consent("mira@example.com", "newsletter", "email") is False
    # The address signs up again later: a fresh history, numbered from 1.
    again = service.record("mira@example.com", "newsletter", "email", True, source="signup")
    assert again.sequence == 1
    assert service.has_consent("mira@example.com", "newsletter", "email") is True


def _guests_and_accounts(count, start):
    users = []
    for i in range(start, start + count):
        address = f"g{i}@example.com"
        service.set_channels(
            address, "newsletter", {"email": True, "sms": True}, source="signup", ip=GUEST_IP
        )
        users.append(User.objects.create_user(f"g{i}", address, "pw"))
        service.record(users[-1], "newsletter", "email", True, source="account")
    return users


def test_guest_erasure_takes_a_few_queries_per_batch(newsletter):
    source = registry.get("consents")

    def queries(users):
        with CaptureQueriesContext(connection) as captured:
            source.erase_many(users)
        return len(captured)

    few = queries(_guests_and_accounts(2, 0))
    many = queries(_guests_and_accounts(10, 2))
    assert many == few, (few, many)
    assert not ConsentRecord.objects.exclude(email_sha256="").exists()
    assert not ConsentRecord.objects.exclude(ip_address=None).exists()
    assert ConsentRecord.objects.filter(source="erasure").count() == 12 * 3
