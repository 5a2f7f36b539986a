"""Admin: staff open a request for an email address, verify the person (emailed link or a
proof they saw), then run the export or the erasure of the guest's records."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.admin.requests_helpers import actions, detail, record_request
from tests.testapp.models import Order
from wagtail_privacy.rights.models import DataExport, DataRequest

pytestmark = pytest.mark.django_db
GUEST = "mira.guest@example.com"


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def guest_order(locales):
    return Order.objects.create(
        email=GUEST, number="G-1", placed_at=timezone.now(), total=Decimal("3.00")
    )


def record(staff, capture, **fields):
    fields = {"kind": "access", "channel": "email", "contact_email": GUEST, **fields}
    return record_request(staff, capture, days_ago=3, **fields)


def test_staff_email_a_link_and_the_guest_confirms(
    staff, guest_order, django_capture_on_commit_callbacks
):
    item = record(staff, django_capture_on_commit_callbacks, verification="email_link")
    assert item.status == "awaiting_identity" and item.channel == "email"
    (message,) = mail.outbox
    assert message.to == [GUEST]
    page = staff.get(detail(item)).content.decode()
    assert "Awaiting identity" in page and "Deadline paused 3 days" in page
    assert "run_export" not in page  # nothing runs before the identity is known
    token = re.search(r"/requests/confirm/(\S+)/", message.body).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(f"/privacy/requests/confirm/{token}/").status_code == 200
    item.refresh_from_db()
    assert item.status == "completed" and item.identity_method == "email_link"
    (ready,) = mail.outbox
    assert ready.to == [GUEST] and "/requests/exports/" in ready.body
    assert actions(item) == [
        "wagtail_privacy.request_recorded",
        "wagtail_privacy.request_link_sent",
    ]


def test_staff_record_an_id_seen_and_run_the_export(
    staff, editor, guest_order, django_capture_on_commit_callbacks
):
    item = record(
        staff,
        django_capture_on_commit_callbacks,
        verification="id_document",
        note="Passport seen at the counter",
    )
    assert item.status == "received" and item.identity_method == "id_document"
    assert item.due_at > timezone.now() + timedelta(days=27)  # counts from the verification
    assert mail.outbox == []
    assert "Passport seen at the counter" in item.events.last().note
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(detail(item), {"run_export": "1"}, follow=True)
    page = response.content.decode()
    item.refresh_from_db()
    assert item.status == "completed"
    export = DataExport.objects.get()
    assert export.user is None and export.email == GUEST and export.record_count >= 1
    (ready,) = mail.outbox
    assert ready.to == [GUEST]
    link = re.search(r"/requests/exports/\S+", ready.body).group(0)
    assert link not in page and "token=" not in page  # never shown to the staff member
    assert editor.email not in ready.to
    events = list(item.events.values_list("status", "actor__username"))
    assert ("in_progress", "editor") in events
    assert actions(item)[-1] == "wagtail_privacy.request_export_started"
    # A second run is refused while the first export stands.
    response = staff.post(detail(item), {"run_export": "1"}, follow=True)
    assert DataExport.objects.count() == 1


def test_staff_verify_later_and_run_the_erasure(
    staff, guest_order, django_capture_on_commit_callbacks
):
    item = record(
        staff, django_capture_on_commit_callbacks, kind="erasure", verification="email_link"
    )
    mail.outbox.clear()
    response = staff.post(detail(item), {"verify": "1", "method": "signed_letter", "note": ""})
    assert response.status_code == 200  # the note is required
    staff.post(detail(item), {"verify": "1", "method": "signed_letter", "note": "Letter of 3 May"})
    item.refresh_from_db()
    assert item.status == "received" and item.identity_method == "signed_letter"
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(detail(item), {"run_erasure": "1"})
    item.refresh_from_db()
    assert item.status == "completed"
    assert not Order.objects.filter(number="G-1").exists()
    (receipt,) = mail.outbox
    assert receipt.to == [GUEST] and "Orders: 1 deleted" in receipt.body
    assert actions(item)[-2:] == [
        "wagtail_privacy.request_identity_confirmed",
        "wagtail_privacy.request_erasure_started",
    ]


def test_a_request_of_an_account_holder_cannot_be_run_as_a_guest(
    staff, customer, django_capture_on_commit_callbacks
):
    item = record(
        staff,
        django_capture_on_commit_callbacks,
        contact_email=customer.email,
        verification="email_link",
    )
    item.refresh_from_db()
    assert item.status == "cancelled"  # sent to the privacy centre
    assert "/requests/confirm/" not in mail.outbox[0].body
    staff.post(detail(item), {"run_export": "1"})
    assert DataExport.objects.count() == 0


def test_the_form_refuses_to_verify_an_account_and_a_contact_email_at_once(staff, customer):
    response = staff.post(
        reverse("wagtail_privacy_requests:create"),
        {
            "kind": "access",
            "channel": "email",
            "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "customer": customer.email,
            "contact_email": GUEST,
            "verification": "email_link",
        },
    )
    assert response.status_code == 200 and DataRequest.objects.count() == 0
    assert "not both" in response.content.decode() and mail.outbox == []


def test_staff_without_the_privacy_centre_permission_are_refused(
    guest_order, django_capture_on_commit_callbacks
):
    user = get_user_model().objects.create_user("clerk", "clerk@example.com", "pw")
    group = Group.objects.create(name="clerks")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_privacy"),
        Permission.objects.get(codename="access_admin"),
    )
    group.permissions.remove(Permission.objects.get(codename="access_privacy_centre"))
    user.groups.add(group)
    item = DataRequest.objects.create(
        kind="access",
        channel="email",
        contact_email=GUEST,
        received_at=timezone.now(),
        due_at=timezone.now() + timedelta(days=30),
        identity_confirmed_at=timezone.now(),
        identity_method="id_document",
    )
    client = Client()
    client.force_login(user)
    for action in ({"run_export": "1"}, {"run_erasure": "1"}, {"send_link": "1"}):
        with django_capture_on_commit_callbacks(execute=True):
            # Wagtail refuses with a redirect to the dashboard, and a 403 to scripts.
            xhr = client.post(detail(item), action, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
            assert xhr.status_code == 403
            response = client.post(detail(item), action)
            assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert DataExport.objects.count() == 0 and Order.objects.exists() and mail.outbox == []
