"""Admin: staff record a request of an account holder, verify the person (the link emailed to
the account's address, or a proof they saw), then build the export, deactivate the account or
schedule its deletion from the request."""

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
from wagtail_privacy.rights import closure
from wagtail_privacy.rights.models import AccountClosure, DataExport, DataRequest
from wagtail_privacy.verification.service import without_step_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


def record(staff, capture, customer, **fields):
    fields = {"kind": "access", "channel": "post", "customer": customer.username, **fields}
    return record_request(staff, capture, days_ago=2, **fields)


def run(staff, capture, item, button):
    with capture(execute=True):
        response = staff.post(detail(item), {button: "1"}, follow=True)
    item.refresh_from_db()
    return response.content.decode()


def test_the_link_goes_to_the_account_and_the_export_link_only_to_the_customer(
    staff, editor, customer, locales, django_capture_on_commit_callbacks
):
    Order.objects.create(
        customer=customer, number="A-1", placed_at=timezone.now(), total=Decimal("9.00")
    )
    capture = django_capture_on_commit_callbacks
    item = record(staff, capture, customer, verification="email_link")
    assert item.status == "awaiting_identity" and item.user == customer
    (message,) = mail.outbox
    assert message.to == [customer.email]
    token = re.search(r"/requests/confirm/(\S+)/", message.body).group(1)
    page = staff.get(detail(item)).content.decode()
    assert "run_account_export" not in page and "Awaiting identity" in page
    mail.outbox.clear()
    with capture(execute=True):
        response = Client().post(f"/privacy/requests/confirm/{token}/")
    assert response.status_code == 200
    assert "We now handle your request" in response.content.decode()
    item.refresh_from_db()
    # Confirmed, not run: an account's right is run by staff.
    assert item.status == "received" and item.identity_method == "email_link"
    assert DataExport.objects.count() == 0 and mail.outbox == []
    assert "run_account_export" in staff.get(detail(item)).content.decode()

    page = run(staff, capture, item, "run_account_export")
    export = DataExport.objects.get()
    assert export.user == customer and export.request == item and export.record_count >= 1
    assert item.status == "completed"
    (ready,) = mail.outbox
    assert ready.to == [customer.email] and editor.email not in ready.to
    assert str(export.pk) not in page and "token=" not in page  # nothing to download here
    assert "The export is being prepared" in page
    events = list(item.events.values_list("status", "actor__username"))
    assert ("in_progress", "editor") in events and events[-1][0] == "completed"
    assert actions(item) == [
        "wagtail_privacy.request_recorded",
        "wagtail_privacy.request_link_sent",
        "wagtail_privacy.request_account_export_started",
    ]
    # Run again: refused, the export stands.
    page = run(staff, capture, item, "run_account_export")
    assert "This request is closed." in page and DataExport.objects.count() == 1


def test_staff_deactivate_on_a_signed_letter_and_the_customer_is_emailed_as_self_service(
    staff, customer, other_customer, locales, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        closure.deactivate(other_customer, proof=without_step_up("test fixture"))
    (self_service,) = mail.outbox
    mail.outbox.clear()
    item = record(
        staff,
        capture,
        customer,
        kind="deactivation",
        verification="signed_letter",
        note="Letter of 3 May, signature matches",
    )
    assert item.status == "received" and item.identity_method == "signed_letter"
    assert mail.outbox == []
    page = run(staff, capture, item, "run_deactivation")
    customer.refresh_from_db()
    assert not customer.is_active
    done = AccountClosure.objects.get(user=customer)
    assert done.kind == "deactivation" and done.request == item
    assert item.status == "completed" and item.handler.username == "editor"
    assert "The account is deactivated" in page
    (message,) = mail.outbox
    assert message.to == [customer.email] and message.subject == self_service.subject
    assert re.search(r"/reactivate/\S+/", message.body)
    # No second self-service request was opened for it.
    assert DataRequest.objects.filter(user=customer).count() == 1
    assert actions(item)[-2:] == [
        "wagtail_privacy.request_identity_confirmed",
        "wagtail_privacy.request_account_deactivated",
    ]


def test_the_deletion_is_refused_with_its_blockers_then_scheduled(
    staff, customer, locales, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    order = Order.objects.create(
        customer=customer, number="U-7", placed_at=timezone.now(), total=Decimal("5"), paid=False
    )
    item = record(
        staff, capture, customer, kind="erasure", verification="id_document", note="ID card"
    )
    page = staff.get(detail(item)).content.decode()
    assert "The account cannot be deleted yet" in page and "Order U-7 is unpaid." in page
    assert "run_deletion" not in page
    page = run(staff, capture, item, "run_deletion")
    assert "The account cannot be deleted yet: Order U-7 is unpaid." in page
    customer.refresh_from_db()
    assert customer.is_active and not AccountClosure.objects.exists() and mail.outbox == []
    assert item.status == "received"

    order.paid = True
    order.save()
    assert "run_deletion" in staff.get(detail(item)).content.decode()
    page = run(staff, capture, item, "run_deletion")
    scheduled = AccountClosure.objects.get(user=customer)
    assert scheduled.kind == "deletion" and scheduled.request == item
    assert item.status == "in_progress"
    customer.refresh_from_db()
    assert not customer.is_active
    (message,) = mail.outbox
    assert message.to == [customer.email] and "/reactivate/" in message.body
    assert "The deletion is scheduled" in page
    assert actions(item)[-1] == "wagtail_privacy.request_deletion_scheduled"


def test_nothing_is_offered_or_run_before_the_identity_is_confirmed(
    staff, customer, locales, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    awaiting = record(staff, capture, customer, kind="erasure", verification="email_link")
    recorded_only = record(staff, capture, customer, kind="deactivation")
    for item, button in ((awaiting, "run_deletion"), (recorded_only, "run_deactivation")):
        page = staff.get(detail(item)).content.decode()
        assert button not in page
        assert "The right is run here once the person" in page
        page = run(staff, capture, item, button)
        assert "Confirm the person&#x27;s identity first" in page
    # A button of another right is refused too, even once the identity is known.
    staff.post(detail(awaiting), {"verify": "1", "method": "other", "note": "Called back"})
    page = run(staff, capture, awaiting, "run_deactivation")
    assert "does not answer this request" in page
    customer.refresh_from_db()
    assert customer.is_active and not AccountClosure.objects.exists()
    assert len(mail.outbox) == 1  # the confirmation link only
    assert "wagtail_privacy.request_deletion_scheduled" not in actions(awaiting)


def test_staff_without_the_privacy_centre_permission_are_refused(
    customer, locales, django_capture_on_commit_callbacks
):
    user = get_user_model().objects.create_user("clerk", "clerk@example.com", "pw")
    group = Group.objects.create(name="clerks")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_privacy"),
        Permission.objects.get(codename="access_admin"),
    )
    group.permissions.remove(Permission.objects.get(codename="access_privacy_centre"))
    user.groups.add(group)
    now = timezone.now()
    requests = {
        kind: DataRequest.objects.create(
            kind=kind,
            channel="email",
            user=customer,
            received_at=now,
            due_at=now + timedelta(days=30),
            identity_confirmed_at=now,
            identity_method="id_document",
        )
        for kind in ("access", "deactivation", "erasure")
    }
    client = Client()
    client.force_login(user)
    buttons = {
        "access": "run_account_export",
        "deactivation": "run_deactivation",
        "erasure": "run_deletion",
    }
    for kind, item in requests.items():
        with django_capture_on_commit_callbacks(execute=True):
            xhr = client.post(
                detail(item), {buttons[kind]: "1"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
            )
            assert xhr.status_code == 403
            response = client.post(detail(item), {buttons[kind]: "1"})
            assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    customer.refresh_from_db()
    assert customer.is_active and DataExport.objects.count() == 0 and mail.outbox == []
    assert not AccountClosure.objects.exists()
