"""Admin: staff check a correction of a field the shop checks (the invoice's billing name),
then approve it (applied through the source) or refuse it (the reason is emailed)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from tests.testapp.models import CustomerProfile, Invoice
from wagtail_privacy import formats
from wagtail_privacy.rights import corrections
from wagtail_privacy.verification.service import without_step_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(customer):
    return Invoice.objects.create(
        customer=customer,
        number="I-1",
        issued_at=timezone.now(),
        billing_name="Ana Novak",
        billing_address="Trg 1",
    )


@pytest.fixture
def pending(customer, invoice):
    return corrections.submit(
        customer,
        "invoices",
        "billing_name",
        "Ana Kovač",
        proof=without_step_up("test fixture"),
    )


@pytest.fixture
def staff(editor):
    client = Client()
    client.force_login(editor)
    return client


def detail(correction):
    return reverse("wagtail_privacy_requests:detail", args=[correction.request.pk])


def logged(correction):
    entries = ModelLogEntry.objects.filter(object_id=str(correction.request.pk))
    return list(entries.values_list("action", flat=True))


def test_staff_see_the_correction_and_approve_it(staff, editor, pending, invoice):
    page = staff.get(detail(pending)).content.decode()
    assert "Ana Novak" in page and "Ana Kovač" in page and "approve_correction" in page
    response = staff.post(detail(pending), {"approve_correction": "1"}, follow=True)
    assert "The correction is applied" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.billing_name == "Ana Kovač"
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by) == ("applied", editor)
    assert pending.request.status == "completed"
    assert logged(pending) == ["wagtail_privacy.correction_approved"]
    # Decided once: a second approval changes nothing and says so.
    invoice.billing_name = "Changed since"
    invoice.save()
    response = staff.post(detail(pending), {"approve_correction": "1"}, follow=True)
    assert "decided already" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.billing_name == "Changed since"


def test_staff_refuse_it_and_the_customer_is_told_why_in_their_language(
    staff, customer, pending, invoice, django_capture_on_commit_callbacks
):
    CustomerProfile.objects.create(user=customer, language="sl")
    response = staff.post(detail(pending), {"refuse_correction": "1", "reason": ""})
    assert response.status_code == 200  # the form asks for the reason
    pending.refresh_from_db()
    assert pending.state == "pending" and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            detail(pending),
            {"refuse_correction": "1", "reason": "The name on the order was Novak."},
        )
    pending.refresh_from_db()
    assert pending.state == "refused" and pending.request.status == "refused"
    invoice.refresh_from_db()
    assert invoice.billing_name == "Ana Novak"
    (message,) = mail.outbox
    assert message.to == [customer.email]
    assert "The name on the order was Novak." in message.body and "Ana Kovač" in message.body
    with translation.override("sl"):
        received = formats.date(pending.request.received_at)
    assert received in message.body  # written in Slovenian, the customer's language
    assert logged(pending) == ["wagtail_privacy.correction_refused"]


def test_staff_without_the_privacy_centre_permission_are_refused(
    pending, invoice, django_capture_on_commit_callbacks
):
    user = get_user_model().objects.create_user("clerk", "clerk@example.com", "pw")
    group = Group.objects.create(name="clerks")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_privacy"),
        Permission.objects.get(codename="access_admin"),
    )
    group.permissions.remove(Permission.objects.get(codename="access_privacy_centre"))
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    for action in (
        {"approve_correction": "1"},
        {"refuse_correction": "1", "reason": "No."},
    ):
        with django_capture_on_commit_callbacks(execute=True):
            xhr = client.post(detail(pending), action, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert xhr.status_code == 403
    pending.refresh_from_db()
    invoice.refresh_from_db()
    assert pending.state == "pending" and invoice.billing_name == "Ana Novak"
    assert mail.outbox == []


def test_a_correction_the_staff_can_no_longer_apply_is_refused_whole(staff, pending, invoice):
    # The value was valid when submitted; the record is gone by the time staff approve.
    invoice.delete()
    response = staff.post(detail(pending), {"approve_correction": "1"}, follow=True)
    assert "This record no longer exists." in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == "pending" and pending.request.status == "received"
