"""The requests ledger: deadlines in days or calendar months, extensions with a reason, history."""

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
        ledger.extend(request, 3, "Too many records", now=received)
    assert refused.value.code == "invalid_input"
    with pytest.raises(PrivacyError):
        ledger.extend(request, 1, "  ", now=received)
    ledger.extend(request, 2, "We must collect records from our warehouse.", now=received)
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


@pytest.mark.parametrize(
    "due,received,expected",
    [
        ("30d", datetime(2026, 1, 31, 10, tzinfo=TZ), datetime(2026, 3, 2, 10, tzinfo=TZ)),
        # Across the change to summer time: the same local time, 30 calendar days later.
        ("30d", datetime(2026, 3, 15, 9, tzinfo=TZ), datetime(2026, 4, 14, 9, tzinfo=TZ)),
        ("1m", datetime(2026, 1, 31, 10, tzinfo=TZ), datetime(2026, 2, 28, 10, tzinfo=TZ)),
        ("2M", datetime(2026, 12, 31, 9, tzinfo=TZ), datetime(2027, 2, 28, 9, tzinfo=TZ)),
    ],
)
def test_the_deadline_is_the_promised_period_in_days_or_months(settings, due, received, expected):
    """A policy that promises "within 30 days" is kept: 31-day months do not overshoot."""
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "REQUEST_DUE": due}
    request = ledger.open_request(kind="access", channel="email", received_at=received)
    assert request.due_at == expected
    assert request.due_at.astimezone(TZ).hour == received.hour


def test_extensions_in_days_add_up_to_the_maximum(settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "REQUEST_DUE": "30d",
        "REQUEST_MAX_EXTENSION": "60d",
    }
    received = datetime(2026, 5, 1, 9, tzinfo=TZ)
    request = ledger.open_request(kind="access", channel="email", received_at=received)
    now = datetime(2026, 5, 10, tzinfo=TZ)
    ledger.extend(request, "30d", "Many archives.", now=now)
    assert request.extended_until == datetime(2026, 6, 30, 9, tzinfo=TZ)
    ledger.extend(request, "30d", "Still more archives.", now=now)
    assert request.extended_until == datetime(2026, 7, 30, 9, tzinfo=TZ)
    with pytest.raises(PrivacyError) as refused:
        ledger.extend(request, "1d", "One more day.", now=now)
    assert refused.value.code == "invalid_input"
    assert "60 days" in refused.value.message
    for wrong in ("0d", "3w", "", "soon"):
        with pytest.raises(PrivacyError):
            ledger.extend(request, wrong, "reason", now=now)
    request.refresh_from_db()
    assert request.extended_until == datetime(2026, 7, 30, 9, tzinfo=TZ)


def test_an_overdue_request_cannot_be_extended(customer):
    received = datetime(2026, 1, 5, 10, tzinfo=TZ)
    request = ledger.open_request(
        kind="access", channel="email", user=customer, received_at=received
    )
    late = datetime(2026, 2, 6, tzinfo=TZ)
    with pytest.raises(PrivacyError) as refused:
        ledger.extend(request, 1, "We forgot.", now=late)
    assert (refused.value.code, refused.value.status) == ("request_overdue", 409)
    request.refresh_from_db()
    assert request.extended_until is None
    assert request.events.count() == 1  # nothing recorded
    assert not mail.outbox  # nobody told of an extension that did not happen


@pytest.mark.parametrize(
    "key,value",
    [("REQUEST_DUE", "30 days"), ("REQUEST_DUE", 30), ("REQUEST_MAX_EXTENSION", "2y")],
)
def test_a_period_in_unknown_units_is_a_system_check_error(settings, key, value):
    from wagtail_privacy.checks import check_settings

    settings.WAGTAIL_PRIVACY = {key: value}
    [problem] = [p for p in check_settings() if p.id == "wagtail_privacy.E021"]
    assert key in problem.msg and "30d" in problem.msg


def test_the_month_settings_of_development_versions_are_named(settings):
    from wagtail_privacy.checks import check_settings

    settings.WAGTAIL_PRIVACY = {"REQUEST_DUE_MONTHS": 1}
    [problem] = [p for p in check_settings() if p.id == "wagtail_privacy.E016"]
    assert "REQUEST_DUE" in problem.msg and '"1m"' in problem.hint
