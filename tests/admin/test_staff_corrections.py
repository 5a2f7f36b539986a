"""Admin: a person sends a correction by post; staff record the rectification request for
their account, verify them, then apply the correction on the request's page (Art. 16)."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from tests.admin.requests_helpers import actions, detail, record_request
from tests.recipients.test_forwarding import recipient
from tests.testapp.models import Address, Invoice
from wagtail_privacy.recipients.models import RecipientNotification
from wagtail_privacy.rights import corrections
from wagtail_privacy.rights.models import Correction, DataRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def address(customer):
    return Address.objects.create(customer=customer, street="Old street 1", phone="111")


@pytest.fixture
def invoice(customer):
    return Invoice.objects.create(
        customer=customer,
        number="I-1",
        issued_at=timezone.now(),
        billing_name="Ana Novak",
        billing_address="Trg 1",
    )


def record(staff, capture, customer, **fields):
    """A rectification request received by post, recorded in the admin."""
    fields = {
        "kind": "rectification",
        "channel": "post",
        "customer": customer.username,
        "verification": "signed_letter",
        "note": "Signed letter with the new address.",
        **fields,
    }
    return record_request(staff, capture, days_ago=2, **fields)


def apply(staff, capture, item, target, value):
    with capture(execute=True):
        response = staff.post(
            detail(item), {"staff_correction": "1", "target": target, "value": value}, follow=True
        )
    item.refresh_from_db()
    return unescape(response.content.decode())


def test_staff_apply_a_correction_received_by_post(
    staff, editor, customer, address, locales, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    told = recipient(
        "courier", ("addresses",), delivery="email", notify_email="courier@example.com"
    )
    item = record(staff, capture, customer)
    page = staff.get(detail(item)).content.decode()
    target = f"addresses|street|{address.pk}"
    assert "Apply the correction" in page and target in page and "Old street 1" in page
    page = apply(staff, capture, item, target, "New street 2")
    assert "The correction is applied; the request is completed." in page
    address.refresh_from_db()
    assert address.street == "New street 2"
    assert item.status == "completed" and item.outcome == "Corrected as you asked."
    assert DataRequest.objects.count() == 1  # linked to this request, no new one
    correction = Correction.objects.get()
    assert correction.request == item
    assert (correction.source, correction.record, correction.field) == (
        "addresses",
        str(address.pk),
        "street",
    )
    assert (correction.old_value, correction.new_value) == ("Old street 1", "New street 2")
    assert (correction.state, correction.decided_by) == ("applied", editor)
    assert actions(item)[-1] == "wagtail_privacy.correction_recorded_by_staff"
    # Recipients of the source are told (Art. 19), as for the customer's own correction.
    notice = RecipientNotification.objects.get()
    assert (notice.recipient, notice.action) == (told, "rectification")
    assert notice.reference == f"request:{item.pk}"
    # The old value is kept, then blanked like any correction's once the request closed.
    later = timezone.now() + timedelta(days=365)
    assert corrections.blank_old_values(later) == 1
    correction.refresh_from_db()
    assert correction.old_value == ""
    # Corrected once: the form is gone, and a second post is refused.
    page = staff.get(detail(item)).content.decode()
    assert 'name="staff_correction"' not in page
    page = apply(staff, capture, item, target, "Third street")
    assert "This request is closed." in page
    address.refresh_from_db()
    assert address.street == "New street 2"


def test_a_checked_field_is_applied_at_once_as_staff_are_the_check(
    staff, customer, invoice, locales, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    item = record(staff, capture, customer)
    apply(staff, capture, item, f"invoices|billing_name|{invoice.pk}", "Ana Kovač")
    invoice.refresh_from_db()
    assert invoice.billing_name == "Ana Kovač" and item.status == "completed"
    correction = item.correction
    assert (correction.state, correction.needs_check) == ("applied", True)
    assert correction.old_value == "Ana Novak"


def test_a_bad_value_shows_the_error_and_changes_nothing(
    staff, customer, address, locales, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    item = record(staff, capture, customer)
    target = f"addresses|phone|{address.pk}"
    with capture(execute=True):
        response = staff.post(
            detail(item), {"staff_correction": "1", "target": target, "value": "9" * 41}
        )
    assert response.status_code == 200
    assert "at most 40 characters" in response.content.decode()
    with capture(execute=True):
        response = staff.post(detail(item), {"staff_correction": "1", "target": "x|y|z"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    address.refresh_from_db()
    item.refresh_from_db()
    assert address.phone == "111" and item.is_open
    assert not Correction.objects.exists()
    assert "wagtail_privacy.correction_recorded_by_staff" not in actions(item)


def test_refused_while_unverified_closed_or_already_corrected(
    staff, customer, address, locales, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    target = f"addresses|street|{address.pk}"
    unverified = record(staff, capture, customer, verification="email_link")
    page = staff.get(detail(unverified)).content.decode()
    assert 'name="staff_correction"' not in page
    page = apply(staff, capture, unverified, target, "New street 2")
    assert "Confirm the person's identity first" in page

    closed = record(staff, capture, customer)
    with capture(execute=True):
        staff.post(detail(closed), {"status": "refused", "outcome": "Not a correction."})
    closed.refresh_from_db()
    assert not closed.is_open
    page = apply(staff, capture, closed, target, "New street 2")
    assert "This request is closed." in page

    # A rectification the customer submitted has its correction already.
    own = corrections.submit(customer, "addresses", "phone", "222", record=address.pk).request
    own.identity_confirmed_at = timezone.now()
    own.status = "in_progress"
    own.save()
    page = apply(staff, capture, own, target, "New street 2")
    assert "This request has its correction already." in page

    access = record(staff, capture, customer, kind="access")
    page = apply(staff, capture, access, target, "New street 2")
    assert "Only a rectification request of an account" in page

    address.refresh_from_db()
    assert address.street == "Old street 1"
    assert Correction.objects.count() == 1  # the customer's own only


def test_staff_without_change_permission_get_403_and_anonymous_the_login(
    customer, address, locales, django_capture_on_commit_callbacks
):
    now = timezone.now()
    item = DataRequest.objects.create(
        kind="rectification",
        channel="post",
        user=customer,
        received_at=now,
        due_at=now + timedelta(days=30),
        identity_confirmed_at=now,
        identity_method="signed_letter",
    )
    data = {"staff_correction": "1", "target": f"addresses|street|{address.pk}", "value": "X"}
    user = get_user_model().objects.create_user("clerk", "clerk@example.com", "pw")
    group = Group.objects.create(name="clerks")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_privacy").exclude(
            codename="change_datarequest"
        ),
        Permission.objects.get(codename="access_admin"),
    )
    user.groups.add(group)
    clerk = Client()
    clerk.force_login(user)
    assert clerk.get(detail(item)).status_code == 200  # they may see it
    with django_capture_on_commit_callbacks(execute=True):
        xhr = clerk.post(detail(item), data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert xhr.status_code == 403
        anonymous = Client().post(detail(item), data)
    assert anonymous.status_code == 302 and "login" in anonymous.url
    address.refresh_from_db()
    assert address.street == "Old street 1" and not Correction.objects.exists()
