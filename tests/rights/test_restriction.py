"""Restriction of processing (GDPR Art. 18): marketing and profiling paused, choices and data
kept, the account spared by the inactivity sweep; staff lifting it tell the customer first."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail_privacy.consent import service
from wagtail_privacy.consent.models import ConsentPurpose, ConsentRecord
from wagtail_privacy.rights.models import AccountClosure, DataRequest

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1"
User = get_user_model()


@pytest.fixture
def purposes(locales):
    """A newsletter (paused by a restriction) and order updates (not: the shop needs them)."""
    ConsentPurpose.objects.create(
        key="newsletter", name="Newsletter", wording="Send me news.", locale=locales["en"]
    )
    ConsentPurpose.objects.create(
        key="order_updates",
        name="Order updates",
        wording="Text me when my order ships.",
        suspended_by_restriction=False,
        sms=True,
        locale=locales["en"],
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def tick(at, *args):
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command(
            "privacy_tick", "--only", "restrictions", "--only", "accounts", *args, stdout=out
        )
    return out.getvalue()


def test_restricting_pauses_marketing_and_keeps_the_consents(
    customer, purposes, django_capture_on_commit_callbacks
):
    service.record(customer, "newsletter", "email", True, source="account")
    service.record(customer, "order_updates", "email", True, source="checkout")
    assert service.has_consent(customer, "newsletter", "email") is True  # now cached
    client = signed_in(customer)
    assert client.get(f"{API}/me/restriction/").json()["restricted"] is False

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/me/restriction/")

    assert response.status_code == 200
    body = response.json()
    assert body["restricted"] is True and body["since"] and body["lift_on"] is None
    assert body["suspended"] == ["newsletter"]
    assert service.has_consent(customer, "newsletter", "email") is False
    assert service.has_consent(customer, "order_updates", "email") is True
    # The choices are kept, and shown as paused.
    assert ConsentRecord.objects.filter(granted=True).count() == 2
    consents = {p["key"]: p for p in client.get(f"{API}/me/consents/").json()}
    assert consents["newsletter"]["suspended"] is True
    assert consents["newsletter"]["channels"][0]["granted"] is True
    assert consents["order_updates"]["suspended"] is False
    [request] = DataRequest.objects.all()
    assert (request.kind, request.status, request.channel) == (
        "restriction",
        "completed",
        "self_service",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"{API}/me/restriction/")

    assert response.status_code == 200 and response.json()["restricted"] is False
    assert service.has_consent(customer, "newsletter", "email") is True
    assert "lifted at the customer's request" in " ".join(
        request.events.values_list("note", flat=True)
    )
    again = client.delete(f"{API}/me/restriction/")
    assert again.status_code == 409 and again.json()["code"] == "not_restricted"


def test_restriction_needs_the_customer(client, customer, other_customer, purposes):
    for method in (client.get, client.post, client.delete):
        assert method(f"{API}/me/restriction/").status_code == 401
    signed_in(other_customer).post(f"{API}/me/restriction/")
    assert signed_in(customer).get(f"{API}/me/restriction/").json()["restricted"] is False


def test_a_restricted_account_is_not_erased_for_inactivity(settings, customer, other_customer):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "INACTIVE_ACCOUNT_DAYS": 100}
    old = timezone.now() - timedelta(days=200)
    User.objects.update(last_login=old, date_joined=old)
    signed_in(customer).post(f"{API}/me/restriction/")
    User.objects.update(last_login=old)  # signing in to restrict was activity: undo it

    assert "inactive_warned=1" in tick(timezone.now())

    [closure] = AccountClosure.objects.all()
    assert closure.user == other_customer and closure.kind == "inactivity"
    # Lifted, the account is inactive like any other.
    signed_in(customer).delete(f"{API}/me/restriction/")
    User.objects.filter(pk=customer.pk).update(last_login=old)
    assert "inactive_warned=1" in tick(timezone.now())
    assert AccountClosure.objects.filter(user=customer, kind="inactivity").exists()


def test_restricting_cancels_a_pending_inactivity_erasure(settings, customer, editor):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "INACTIVE_ACCOUNT_DAYS": 100}
    old = timezone.now() - timedelta(days=200)
    User.objects.filter(pk=customer.pk).update(last_login=old, date_joined=old)
    tick(timezone.now())
    assert AccountClosure.objects.get(user=customer).state == "warned"
    item = staff_request(customer)
    staff = signed_in(editor)

    staff.post(detail(item), {"apply_restriction": "1"})

    assert AccountClosure.objects.get(user=customer).state == "cancelled"


def staff_request(user):
    now = timezone.now()
    return DataRequest.objects.create(
        user=user,
        kind="restriction",
        channel="post",
        received_at=now,
        due_at=now + timedelta(days=30),
    )


def detail(item):
    return reverse("wagtail_privacy_requests:detail", args=[item.pk])


def test_staff_restrict_then_lift_after_telling_the_customer(
    settings, customer, editor, purposes, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RESTRICTION_LIFT_NOTICE_DAYS": 10}
    service.record(customer, "newsletter", "email", True, source="account")
    item = staff_request(customer)
    staff = signed_in(editor)
    assert b"apply_restriction" in staff.get(detail(item)).content

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(detail(item), {"apply_restriction": "1"})

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "completed" and DataRequest.objects.count() == 1
    assert service.has_consent(customer, "newsletter", "email") is False
    page = staff.get(detail(item)).content.decode()
    assert "Restricted since" in page and "lift_restriction" in page

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(detail(item), {"lift_restriction": "1"})
    assert mail.outbox == []  # the notice goes with the tick
    start = timezone.now()

    assert "lift_notices=1" in tick(start)

    [notice] = mail.outbox
    assert notice.to == [customer.email] and "lifted" in notice.subject
    assert signed_in(customer).get(f"{API}/me/restriction/").json()["lift_on"]
    # Still restricted during the notice period, whatever the tick.
    assert "restrictions_lifted=0" in tick(start + timedelta(days=9, hours=23))
    assert "lift_notices=0" in tick(start + timedelta(days=9, hours=23))
    assert service.has_consent(customer, "newsletter", "email") is False
    with django_capture_on_commit_callbacks(execute=True):
        assert "restrictions_lifted=1" in tick(start + timedelta(days=10))
    assert service.has_consent(customer, "newsletter", "email") is True
    assert len(mail.outbox) == 1
    notes = " ".join(item.events.values_list("note", flat=True))
    assert "Lifting announced" in notes and "after the customer was told" in notes


def test_the_dry_run_counts_and_lifts_nothing(customer, editor):
    item = staff_request(customer)
    staff = signed_in(editor)
    staff.post(detail(item), {"apply_restriction": "1"})
    staff.post(detail(item), {"lift_restriction": "1"})
    assert "lift_notices=1" in tick(timezone.now(), "--dry-run")
    assert mail.outbox == []
    assert signed_in(customer).get(f"{API}/me/restriction/").json()["restricted"] is True


def test_restricting_again_cancels_an_announced_lifting(customer, editor):
    item = staff_request(customer)
    staff = signed_in(editor)
    staff.post(detail(item), {"apply_restriction": "1"})
    staff.post(detail(item), {"lift_restriction": "1"})
    tick(timezone.now())
    client = signed_in(customer)
    assert client.get(f"{API}/me/restriction/").json()["lift_on"]

    assert client.post(f"{API}/me/restriction/").json()["lift_on"] is None

    assert "restrictions_lifted=0" in tick(timezone.now() + timedelta(days=30))
    assert client.get(f"{API}/me/restriction/").json()["restricted"] is True


def test_staff_without_the_privacy_centre_permission_are_refused(customer):
    clerk = User.objects.create_user("clerk", "clerk@example.com", "pw")
    group = Group.objects.create(name="clerks")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_privacy"),
        Permission.objects.get(codename="access_admin"),
    )
    group.permissions.remove(Permission.objects.get(codename="access_privacy_centre"))
    clerk.groups.add(group)
    item = staff_request(customer)
    client = signed_in(clerk)
    response = client.post(
        detail(item), {"apply_restriction": "1"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 403
    assert signed_in(customer).get(f"{API}/me/restriction/").json()["restricted"] is False


def test_a_restriction_is_in_the_export_and_goes_with_the_account(customer):
    from wagtail_privacy.sources import registry

    client = signed_in(customer)
    assert client.post(f"{API}/me/restriction/").status_code in (200, 201)
    source = registry.get("restrictions")
    [row] = list(source.records(customer))
    assert row["started_at"] is not None and row["lifted_at"] is None
    assert source.erase(customer).deleted == 1
    assert list(source.records(customer)) == []
