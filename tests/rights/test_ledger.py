"""The requests ledger: calendar-month deadlines, extensions with a reason, history."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from wagtail_privacy.exceptions import PrivacyError
from wagtail_privacy.rights import ledger
from wagtail_privacy.rights.models import DataRequest, RequestStatus

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Europe/Ljubljana")


@pytest.mark.parametrize(
    "received,due",
    [
        (datetime(2026, 1, 31, 10, tzinfo=TZ), datetime(2026, 2, 28, 10, tzinfo=TZ)),
        (datetime(2028, 1, 31, 10, tzinfo=TZ), datetime(2028, 2, 29, 10, tzinfo=TZ)),
        (datetime(2026, 3, 15, 9, tzinfo=TZ), datetime(2026, 4, 15, 9, tzinfo=TZ)),
        (datetime(2026, 12, 31, 9, tzinfo=TZ), datetime(2027, 1, 31, 9, tzinfo=TZ)),
    ],
)
def test_due_one_calendar_month_after_receipt(received, due):
    request = ledger.open_request(kind="access", channel="email", received_at=received)
    assert request.due_at == due
    assert request.events.count() == 1


def test_extension_is_capped_and_emailed(customer):
    received = datetime(2026, 1, 31, 10, tzinfo=TZ)
    request = ledger.open_request(
        kind="erasure", channel="post", user=customer, received_at=received
    )
    with pytest.raises(PrivacyError) as refused:
        ledger.extend(request, 3, "Too many records")
    assert refused.value.code == "invalid_input"
    with pytest.raises(PrivacyError):
        ledger.extend(request, 1, "  ")
    ledger.extend(request, 2, "We must collect records from our warehouse.")
    request.refresh_from_db()
    assert request.extended_until == datetime(2026, 4, 28, 10, tzinfo=TZ)
    ledger.notify_extension(request.pk)
    assert mail.outbox[-1].to == [customer.email]
    assert "warehouse" in mail.outbox[-1].body
    assert request.events.last().note.startswith("Deadline extended to")


def test_closed_request_cannot_be_extended():
    request = ledger.open_request(kind="access", channel="email")
    ledger.set_status(request, RequestStatus.COMPLETED, outcome="Sent by post.")
    with pytest.raises(PrivacyError) as refused:
        ledger.extend(request, 1, "reason")
    assert refused.value.code == "request_closed"
    assert request.closed_at is not None
    assert [e.status for e in request.events.all()] == ["received", "completed"]


def test_worklist_puts_overdue_first():
    old = ledger.open_request(
        kind="access", channel="email", received_at=datetime(2025, 1, 1, tzinfo=TZ)
    )
    new = ledger.open_request(kind="access", channel="email")
    done = ledger.open_request(
        kind="access", channel="email", received_at=datetime(2024, 1, 1, tzinfo=TZ)
    )
    ledger.set_status(done, RequestStatus.COMPLETED)
    assert list(ledger.worklist()) == [old, new, done]
    assert ledger.due_state(old) == "overdue" and ledger.due_state(done) == "closed"


def test_customer_sees_own_requests_only(customer, other_customer):
    ledger.open_request(kind="access", channel="self_service", user=customer)
    ledger.open_request(kind="erasure", channel="email", user=other_customer)
    client = Client()
    client.force_login(customer)
    data = client.get("/api/privacy/v1/me/requests/").json()
    assert [r["kind"] for r in data] == ["access"]
    assert data[0]["due_at"] and data[0]["status"] == "received"
    assert Client().get("/api/privacy/v1/me/requests/").status_code == 401
    assert DataRequest.objects.count() == 2
