"""Simultaneous writers record one change once: the database refuses a second proof.

These run real concurrent transactions, on SQLite and on PostgreSQL alike.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.concurrency import at_once
from tests.consent.helpers import put, signed_in
from wagtail_privacy.consent import service
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord, email_hash

# serialized_rollback: the flush after the test must not take the site tree with it.
concurrent = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def purpose(locales):
    return ConsentPurpose.objects.create(
        key="newsletter", name="Newsletter", wording="Send it.", email=True, locale=locales["en"]
    )


@pytest.fixture
def shopper(db):
    return get_user_model().objects.create_user("eva", "eva@example.com", "pw")


@concurrent
def test_simultaneous_grants_write_one_record(purpose, shopper):
    results, errors = at_once(
        lambda: service.record(shopper, "newsletter", "email", True, source="account"), 4
    )
    assert errors == []
    assert len([r for r in results if r is not None]) == 1  # the others found it done
    [record] = ConsentRecord.objects.filter(user=shopper)
    assert record.granted and record.sequence == 1
    assert service.has_consent(shopper, "newsletter", "email") is True


@concurrent
def test_simultaneous_requests_write_one_record(purpose, shopper):
    clients = [signed_in(shopper) for _ in range(4)]

    def request():
        return put(clients.pop(), "newsletter", {"email": True}).status_code

    statuses, errors = at_once(request, 4)
    assert errors == [] and statuses == [200] * 4
    assert ConsentRecord.objects.filter(user=shopper).count() == 1


@concurrent
def test_simultaneous_withdrawals_write_one_record(purpose, shopper):
    service.record(shopper, "newsletter", "email", True, source="account")
    results, errors = at_once(lambda: service.withdraw_all(shopper, source="account"), 4)
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    records = ConsentRecord.objects.filter(user=shopper).order_by("pk")
    assert [(r.granted, r.sequence) for r in records] == [(True, 1), (False, 2)]
    assert service.has_consent(shopper, "newsletter", "email") is False


@concurrent
def test_simultaneous_guest_sign_ups_write_one_record(purpose):
    results, errors = at_once(
        lambda: service.record("guest@example.com", "newsletter", "email", True, source="signup"),
        4,
    )
    assert errors == []
    assert len([r for r in results if r is not None]) == 1
    assert ConsentRecord.objects.filter(email_sha256=email_hash("guest@example.com")).count() == 1


@concurrent
def test_a_join_racing_a_withdrawal_keeps_one_consistent_history(purpose, shopper):
    service.record(shopper.email, "newsletter", "email", True, source="signup")

    join = lambda: service.join_guest(shopper)  # noqa: E731
    withdraw = lambda: service.withdraw_all(shopper, source="account")  # noqa: E731
    turns = [join, withdraw, join, withdraw]

    def join_or_withdraw():
        return turns.pop()()

    _results, errors = at_once(join_or_withdraw, 4)
    assert errors == []
    sequences = list(
        ConsentRecord.objects.filter(user=shopper).order_by("pk").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))


def _record(user, sequence, **extra):
    return ConsentRecord(
        user=user,
        purpose_key="newsletter",
        channel="email",
        granted=True,
        wording_version=1,
        wording_sha256="0" * 64,
        at=timezone.now(),
        source="account",
        sequence=sequence,
        **extra,
    )


@pytest.mark.django_db
def test_the_database_refuses_a_second_record_with_the_same_number(purpose, shopper):
    guest = {"email": "g@example.com", "email_sha256": email_hash("g@example.com")}
    ConsentRecord.objects.bulk_create([_record(shopper, 1), _record(None, 1, **guest)])
    for duplicate in (_record(shopper, 1), _record(None, 1, **guest)):
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()
    # Erased rows (no user, no hash) are outside both constraints.
    ConsentRecord.objects.bulk_create([_record(None, 1), _record(None, 1)])
