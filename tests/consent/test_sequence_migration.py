"""Migration 0010 numbers the existing records per subject, purpose and channel."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from wagtail_privacy.consent.models import ConsentRecord, email_hash

pytestmark = pytest.mark.django_db
migration = importlib.import_module("wagtail_privacy.migrations.0010_consent_sequence")


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


def test_existing_records_are_numbered_oldest_first(customer, other_customer):
    # Numbers as they could be before the migration ran (the column started at 1 everywhere;
    # rows that would collide are outside the constraints or given spread-out numbers here).
    ConsentRecord.objects.bulk_create(
        [
            row(1, customer),
            row(40, customer),
            row(1, customer, channel="sms"),
            row(41, customer),
            row(1, other_customer),
            row(1, email="g@example.com"),
            row(9, email="g@example.com"),
            row(1),  # erased: no user, no hash
            row(1),
            row(1, purpose="samples"),
        ]
    )
    state = MigrationLoader(connection).project_state(("wagtail_privacy", "0010_consent_sequence"))
    migration.number_records(state.apps, None)
    numbered = list(
        ConsentRecord.objects.order_by("pk").values_list("purpose_key", "channel", "sequence")
    )
    assert [sequence for _purpose, _channel, sequence in numbered] == [1, 2, 1, 3, 1, 1, 2, 1, 2, 1]
