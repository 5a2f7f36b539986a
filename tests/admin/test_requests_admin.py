"""Admin: staff list, record, update and extend data requests; customers are refused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from wagtail_privacy.rights import ledger
from wagtail_privacy.rights.models import DataRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


def test_list_shows_overdue_first(staff, customer):
    late = ledger.open_request(
        kind="erasure",
        channel="email",
        user=customer,
        received_at=timezone.now() - timedelta(days=40),
    )
    soon = ledger.open_request(
        kind="access",
        channel="post",
        contact_email="x@example.com",
        received_at=timezone.now() - timedelta(days=27),
    )
    response = staff.get(reverse("wagtail_privacy_requests:index"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["request"] for r in rows] == [late, soon]
    assert [r["due_state"] for r in rows] == ["overdue", "due_soon"]
    html = response.content.decode()
    assert "Overdue" in html and "Due soon" in html


def test_staff_records_an_offline_request(staff, customer):
    received = timezone.localtime() - timedelta(days=2)
    response = staff.post(
        reverse("wagtail_privacy_requests:create"),
        {
            "kind": "rectification",
            "channel": "phone",
            "received_at": received.strftime("%Y-%m-%d %H:%M"),
            "customer": customer.email,
            "note": "Called about a wrong address",
        },
    )
    item = DataRequest.objects.get()
    assert response.status_code == 302
    assert item.user == customer and item.channel == "phone"
    assert item.events.get().note == "Called about a wrong address"
    assert ModelLogEntry.objects.filter(action="wagtail_privacy.request_recorded").exists()


def test_recording_needs_someone_to_answer(staff):
    response = staff.post(
        reverse("wagtail_privacy_requests:create"),
        {
            "kind": "access",
            "channel": "post",
            "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert response.status_code == 200
    assert not DataRequest.objects.exists()


def test_staff_extends_and_closes(staff, customer, django_capture_on_commit_callbacks):
    item = ledger.open_request(kind="access", channel="email", user=customer)
    url = reverse("wagtail_privacy_requests:detail", args=[item.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"extend": "1", "months": "2", "reason": "Archive in storage."})
    item.refresh_from_db()
    assert item.extended_until is not None
    assert "Archive in storage." in mail.outbox[-1].body
    staff.post(url, {"update": "1", "status": "completed", "outcome": "Sent by post."})
    item.refresh_from_db()
    assert item.status == "completed" and item.closed_at and item.handler is not None
    page = staff.get(url).content.decode()
    assert "Sent by post." in page and "Archive in storage." in page


def test_customers_are_refused(client, customer):
    ledger.open_request(kind="access", channel="email", user=customer)
    client.force_login(customer)
    response = client.get(reverse("wagtail_privacy_requests:index"))
    assert response.status_code in (302, 403)
    assert "Privacy requests" not in response.content.decode()
