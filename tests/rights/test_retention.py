"""Retention and erasure sweeps in batches: bounded queries, limits, claims, resumable email."""

import uuid
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrency import at_once
from tests.testapp.models import Address, CustomerProfile, Invoice, Order
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights import erasure_warnings
from wagtail_privacy.rights.models import AccountClosure, DataRequest, ErasureStep
from wagtail_privacy.sources import registry
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db
User = get_user_model()


def customers(count, *, start=0, language="en"):
    """Customers with orders, a held invoice, and ``i + 1`` addresses each."""
    now = timezone.now()
    made = []
    for i in range(start, start + count):
        user = User.objects.create_user(f"c{i}", f"c{i}@example.com", "pw", last_name=f"Kos{i}")
        CustomerProfile.objects.create(user=user, language=language)
        Order.objects.create(customer=user, number=f"O-{i}", placed_at=now, total=Decimal("9"))
        Invoice.objects.create(
            customer=user,
            number=f"R-{i}",
            issued_at=now - timedelta(days=10),
            billing_name=f"Kos{i}",
            billing_address="Trubarjeva 1",
        )
        Address.objects.bulk_create(
            Address(customer=user, street="Trubarjeva 1", phone="+386 1") for _ in range(i + 1)
        )
        made.append(user)
    return made


def schedule(users):
    for user in users:
        closures.request_deletion(user, proof=NO_STEP_UP)
    return timezone.now() + timedelta(days=15)


def tick(*args, at):
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("privacy_tick", "--only", "accounts", *args, stdout=out)
    return out.getvalue()


def test_a_batch_is_erased_with_queries_that_do_not_grow_per_account(settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 50}
    due = schedule(customers(3))
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as few:
        assert "erased=3" in tick(at=due)
    due = schedule(customers(30, start=3))
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as many:
        assert "erased=30" in tick(at=due)
    # Ten times the accounts, the same statements but one per receipt email (the statement
    # that records one email marks the next in flight, so a killed worker never sends a
    # receipt twice): erasure itself is per batch, not per account.
    assert len(many) <= len(few) + (30 - 3) + 2, (len(few), len(many))
    assert not User.objects.filter(username__startswith="c").exists()
    assert not Address.objects.exists() and not Order.objects.exists()
    assert Invoice.objects.filter(customer__isnull=True, billing_name="").count() == 33
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"c{i}@example.com" for i in range(3, 33))
    for closure in AccountClosure.objects.all():
        assert closure.state == "erased" and closure.claim is None
        assert closure.steps.count() == len(registry.sources())
    # Receipts count each customer's own records.
    address_counts = sorted(c.receipt["addresses"]["deleted"] for c in AccountClosure.objects.all())
    assert address_counts == list(range(1, 34))
    assert set(DataRequest.objects.values_list("status", flat=True)) == {"completed"}


def test_each_tick_erases_at_most_the_limit(settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "RETENTION_BATCH_SIZE": 2,
        "ERASURES_PER_TICK": 3,
    }
    due = schedule(customers(5))
    assert "erased=3" in tick(at=due)
    assert AccountClosure.objects.filter(state="scheduled").count() == 2
    assert "erased=2" in tick(at=due)
    assert "erased=0" in tick(at=due)


def test_dry_run_counts_records_per_source_and_changes_nothing():
    due = schedule(customers(2))
    out = tick("--dry-run", at=due)
    assert "erasures_due=2" in out
    assert "records_addresses=3" in out and "records_orders=2" in out
    assert "records_invoices=2" in out
    assert AccountClosure.objects.filter(state="scheduled").count() == 2
    assert Address.objects.count() == 3 and not ErasureStep.objects.exists()


def test_a_live_claim_is_left_alone_and_a_stale_one_taken_over(settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "ERASURE_CLAIM_TIMEOUT": 600}
    due = schedule(customers(2))
    first, second = AccountClosure.objects.order_by("pk")
    # Another sweep holds ``first`` and has erased its orders already.
    with time_machine.travel(due, tick=False):
        AccountClosure.objects.filter(pk=first.pk).update(
            state="erasing", claim=uuid.uuid4(), claimed_at=timezone.now()
        )
        ErasureStep.objects.create(
            closure=first,
            source="orders",
            done_at=timezone.now(),
            result={"label": "Orders", "deleted": 1, "anonymised": 0, "held": []},
        )
        Order.objects.filter(customer=first.user).delete()
    assert "erased=1" in tick(at=due)
    first.refresh_from_db()
    assert first.state == "erasing" and first.user is not None
    orders = type(registry.get("orders"))
    original = orders.erase_many
    orders.erase_many = lambda self, users: pytest.fail("orders erased twice")
    try:
        assert "erased=1" in tick(at=due + timedelta(minutes=11))
    finally:
        orders.erase_many = original
    first.refresh_from_db()
    assert first.state == "erased" and first.user is None
    assert first.steps.count() == len(registry.sources())


def test_a_source_that_erases_one_account_at_a_time_still_works(settings, monkeypatch):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 10}
    due = schedule(customers(3))
    addresses = type(registry.get("addresses"))
    seen = []
    real = addresses.erase

    def one_by_one(self, user):
        seen.append(user.pk)
        return real(self, user)

    monkeypatch.setattr(addresses, "erase", one_by_one)
    batches = []
    invoices = type(registry.get("invoices"))
    real_many = invoices.erase_many

    def many(self, users):
        batches.append(len(users))
        return real_many(self, users)

    monkeypatch.setattr(invoices, "erase_many", many)
    assert "erased=3" in tick(at=due)
    assert len(seen) == 3 and batches == [3]
    assert not Address.objects.exists()
    assert Invoice.objects.filter(customer__isnull=True).count() == 3


def test_receipt_is_in_the_customers_language(locales):
    due = schedule(customers(1, language="sl"))
    mail.outbox.clear()
    tick(at=due)
    body = mail.outbox[-1].body
    # Labels are stored in the source language and shown in the customer's.
    assert "Privolitve:" in body and "Vaše zahteve glede zasebnosti:" in body, body
    assert "Consents" not in body


def test_anonymised_users_keep_their_id(settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "ERASE_USER": "anonymise"}
    users = customers(2)
    due = schedule(users)
    tick(at=due)
    for user in users:
        user.refresh_from_db()
        assert user.username == f"erased-{user.pk}" and user.email == "" and user.last_name == ""
        assert not user.is_active and not user.has_usable_password()


class FlakyBackend:
    """Delivers the first ``allowed`` messages, then the server goes away."""

    allowed = 0

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        for message in messages:
            if FlakyBackend.allowed <= 0:
                raise ConnectionError("mail server gone")
            FlakyBackend.allowed -= 1
            mail.outbox.append(message)
        return len(messages)


def test_inactivity_warnings_survive_a_mail_failure(settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "INACTIVE_ACCOUNT_DAYS": 100}
    users = customers(3)
    old = timezone.now() - timedelta(days=200)
    User.objects.filter(pk__in=[u.pk for u in users]).update(last_login=old, date_joined=old)
    settings.EMAIL_BACKEND = "tests.rights.test_retention.FlakyBackend"
    FlakyBackend.allowed = 1
    mail.outbox.clear()
    now = timezone.now()
    with pytest.raises(CommandError, match="accounts"):
        tick(at=now)
    assert len(mail.outbox) == 1
    warned = AccountClosure.objects.filter(kind="inactivity", warned_at__isnull=False)
    assert warned.count() == 1
    # The next run sends the two missing warnings, and nobody gets a second one...
    later = now + timedelta(days=1)
    FlakyBackend.allowed = 10
    assert "inactive_warned=2" in tick(at=later)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    # ...and their erasure date counts from their own email, not from the failed run.
    dates = sorted(
        AccountClosure.objects.filter(kind="inactivity").values_list("scheduled_for", flat=True)
    )
    assert dates == [now + timedelta(days=30)] + [later + timedelta(days=30)] * 2


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_erase_each_account_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 4}
    due = schedule(customers(24))
    mail.outbox.clear()
    erased, errors = at_once(lambda: closures.erase_due(due))
    assert not errors
    assert sum(erased) == 24
    assert AccountClosure.objects.filter(state="erased").count() == 24
    assert ErasureStep.objects.count() == 24 * len(registry.sources())
    assert len(mail.outbox) == 24 and len({m.to[0] for m in mail.outbox}) == 24


def test_warning_sweep_skips_a_customer_who_started_a_closure_meanwhile(settings):
    from wagtail_privacy.rights import retention

    first, second = customers(2)
    closures.deactivate(second, proof=NO_STEP_UP)  # between the sweep's query and its insert
    retention._open_warned([first, second], timezone.now())
    assert AccountClosure.objects.get(user=first).kind == "inactivity"
    assert AccountClosure.objects.get(user=second).kind == "deactivation"


def test_expired_holds_are_purged_in_chunks(monkeypatch):
    users = customers(5)
    due = schedule(users)
    tick(at=due)
    assert Invoice.objects.filter(customer__isnull=True).count() == 5
    monkeypatch.setattr(type(registry.get("invoices")), "chunk_size", 2)
    out = StringIO()
    with time_machine.travel(due + timedelta(days=3700), tick=False):
        with CaptureQueriesContext(connection) as queries:
            call_command("privacy_tick", "--only", "holds", stdout=out)
    assert "purged_invoices=5" in out.getvalue()
    assert not Invoice.objects.exists()
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3  # 2 + 2 + 1 rows


def test_an_account_a_source_cannot_erase_holds_up_no_other(settings, monkeypatch):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 10}
    users = customers(3)
    due = schedule(users)
    poisoned = users[1].pk
    addresses = type(registry.get("addresses"))
    real = addresses.erase_many

    def refuses_one(self, batch):
        if any(user.pk == poisoned for user in batch):
            raise RuntimeError("this address row is locked by the warehouse system")
        return real(self, batch)

    monkeypatch.setattr(addresses, "erase_many", refuses_one)
    with pytest.raises(CommandError, match="accounts"):
        tick(at=due)
    states = dict(AccountClosure.objects.values_list("user_id", "state"))
    assert states[poisoned] == "erasing"
    assert AccountClosure.objects.filter(state="erased").count() == 2
    assert User.objects.filter(pk=poisoned).exists()
    # Fixed: the next run finishes it, without running the sources it already did.
    monkeypatch.setattr(addresses, "erase_many", real)
    assert "erased=1" in tick(at=due)
    assert not User.objects.filter(pk=poisoned).exists()
    assert ErasureStep.objects.count() == 3 * len(registry.sources())


def test_consents_are_withdrawn_by_the_erasure_in_a_few_queries(locales):
    from wagtail_privacy.consent import service as consent
    from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord

    ConsentPurpose.objects.create(
        key="newsletter",
        name="Newsletter",
        wording="Send it.",
        email=True,
        sms=True,
        locale=locales["en"],
    )

    def erase_with_consents(users):
        for user in users:
            consent.set_channels(user, "newsletter", {"email": True, "sms": True}, source="signup")
        consent.record(users[0], "newsletter", "sms", False, source="account")
        due = schedule(users)
        with CaptureQueriesContext(connection) as queries:
            tick(at=due)
        return len(queries)

    few = erase_with_consents(customers(2))
    many = erase_with_consents(customers(12, start=2))
    assert many <= few + (12 - 2) + 2, (few, many)  # and one per receipt email
    withdrawals = ConsentRecord.objects.filter(source="erasure")
    # Each customer's standing grants, withdrawn once: two each, but one for the first
    # customer of each run, who had withdrawn SMS already.
    assert withdrawals.count() == 2 * 14 - 2
    assert not withdrawals.filter(granted=True).exists()
    assert not ConsentRecord.objects.filter(user__isnull=False).exists()
    assert not ConsentRecord.objects.exclude(ip_address=None).exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_warning_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 3}
    for user in customers(20):
        closures.deactivate(user, proof=NO_STEP_UP)
    mail.outbox.clear()
    later = timezone.now() + timedelta(days=340)
    sent, errors = at_once(lambda: erasure_warnings.send_deactivation_warnings(later, 100))
    assert not errors
    assert sum(sent) == 20
    assert len(mail.outbox) == 20 and len({m.to[0] for m in mail.outbox}) == 20
    assert not AccountClosure.objects.filter(warned_at__isnull=True).exists()
    assert not AccountClosure.objects.exclude(claim=None).exists()


def test_a_consent_to_a_purpose_deleted_since_is_withdrawn_too(locales):
    from wagtail_privacy.consent import service as consent
    from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord

    purpose = ConsentPurpose.objects.create(
        key="samples", name="Samples", wording="Post me samples.", post=True, locale=locales["en"]
    )
    (user,) = customers(1)
    consent.record(user, "samples", "post", True, source="signup")
    purpose.delete()
    tick(at=schedule([user]))
    withdrawal = ConsentRecord.objects.get(source="erasure")
    assert withdrawal.purpose_key == "samples" and not withdrawal.granted
    assert withdrawal.wording_sha256 == ConsentRecord.objects.get(granted=True).wording_sha256
