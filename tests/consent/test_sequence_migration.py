"""The scope of consent sequence numbers, as the initial migration's constraints enforce it.

Before 0.1.0 the numbers came in a migration of their own (0010_consent_sequence), which also
numbered the records already there, and this file tested that numbering. The single initial
migration creates the column with its two unique constraints and no records need numbering;
what is left to protect is what the numbering was for: one number once per customer (or
guest's email hash), purpose and channel, each counting from 1, and erased records (no
customer, no hash) outside both constraints.
"""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail_privacy.consent.models import ConsentRecord, email_hash

pytestmark = pytest.mark.django_db


def row(sequence, user=None, email="", purpose="newsletter", channel="email"):
    return ConsentRecord(
        user=user,
        email=email,
        email_sha256=email_hash(email),
        purpose_key=purpose,
        channel=channel,
        granted=True,
        wording_version=1,
        wording_sha256="0" * 64,
        at=timezone.now(),
        source="signup",
        sequence=sequence,
    )


def test_each_subject_purpose_and_channel_counts_from_one(customer, other_customer):
    ConsentRecord.objects.bulk_create(
        [
            row(1, customer),
            row(2, customer),
            row(1, customer, channel="sms"),
            row(1, customer, purpose="samples"),
            row(1, other_customer),
            row(1, email="g@example.com"),
            row(2, email="g@example.com"),
            row(1, email="g@example.com", channel="sms"),
            row(1, email="h@example.com"),
            # A customer's record with the guest's hash is the customer's, not the guest's.
            row(3, customer, email="g@example.com"),
            row(1),  # erased: no user, no hash
            row(1),
        ]
    )
    for duplicate in (
        row(2, customer),
        row(1, customer, channel="sms"),
        row(1, customer, purpose="samples"),
        row(1, other_customer),
        row(2, email="g@example.com"),
        row(1, email="g@example.com", channel="sms"),
        row(1, email="h@example.com"),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()
    assert ConsentRecord.objects.count() == 12
