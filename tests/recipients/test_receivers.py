"""What recipients hear of rights' work through signals: an erasure batch recorded in one
insert, a guest's erasure (by the public request flow), the officers' digest of overdue
notices, and the recipients told kept with the stored receipt."""

import math
import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.recipients.test_forwarding import (
    Receiver,
    erase,
    local_http,  # noqa: F401 - a fixture
    recipient,
    webhook_recipient,
)
from tests.rights.test_guest_requests import confirm, link_in, submit
from tests.rights.test_retention import customers, schedule
from tests.testapp.models import Order
from wagtail_privacy.recipients import receivers
from wagtail_privacy.recipients.models import NoticeStatus, RecipientNotification
from wagtail_privacy.rights.models import AccountClosure, DataRequest

pytestmark = pytest.mark.django_db
GUEST = "mira.guest@example.com"


def erasing(count, start):
    """``count`` accounts due for erasure, as the sweep hands them to ``account_erasing``:
    each closure with its user and its receipt."""
    users = customers(count, start=start)
    schedule(users)
    closures = list(
        AccountClosure.objects.filter(user__in=users).select_related("user").order_by("pk")
    )
    for closure in closures:
        closure.receipt = {
            "orders": {"label": "Orders", "deleted": 1, "anonymised": 0, "held": []},
            "consents": {"label": "Consents", "deleted": 0, "anonymised": 0, "held": []},
        }
    return closures


def one_insert(rows):
    """The statements of one ``bulk_create`` of ``rows`` notifications: one, but SQLite takes
    at most 999 parameters a statement, so Django splits it there."""
    if connection.vendor != "sqlite":
        return 1
    columns = len(RecipientNotification._meta.concrete_fields) - 1  # not the id
    return math.ceil(rows / (connection.features.max_query_params // columns))


def test_an_erasure_batch_is_recorded_in_the_same_statements_for_1_or_50_accounts():
    parcels = recipient("parcels", ["orders"], notify_email="dpo@parcels.example")
    recipient("accountant", ["orders"], notify_email="dpo@acc.example", identifier="host")
    recipient("letters", ["consents"], notify_email="dpo@letters.example")  # nothing to tell
    recipient("old", ["orders"], notify_email="dpo@old.example", active=False)
    counted = {}
    for count, start in ((1, 0), (50, 1)):
        closures = erasing(count, start)
        with CaptureQueriesContext(connection) as queries:
            told = receivers.on_erasing(sender=AccountClosure, closures=closures)
        inserts = sum(q["sql"].startswith("INSERT") for q in queries)
        counted[count] = (len(queries) - inserts, inserts)
        assert told == {c.pk: ["Accountant", "Parcels"] for c in closures}
        assert inserts == one_insert(2 * count), (count, inserts)
    assert counted[1][0] == counted[50][0], counted  # the rest does not grow at all
    assert RecipientNotification.objects.count() == 2 * 51
    mine = RecipientNotification.objects.filter(reference=f"closure:{closures[0].pk}")
    by_key = {n.recipient_key: n for n in mine}
    assert by_key["parcels"].identifier == "c1@example.com"
    assert by_key["accountant"].identifier == str(closures[0].user_id)  # the host's identifier
    assert by_key["parcels"].recipient == parcels and by_key["parcels"].sources == ["orders"]
    # A resumed sweep asks again: nothing more is made, the same names are returned.
    again = receivers.on_erasing(sender=AccountClosure, closures=closures)
    assert again == told and RecipientNotification.objects.count() == 2 * 51


def test_the_stored_receipt_and_the_request_page_list_the_recipients_told(
    admin_client, django_capture_on_commit_callbacks
):
    (ana,) = customers(1)
    due = schedule([ana])
    recipient("parcels", ["orders"], notify_email="dpo@parcels.example")
    recipient("letters", ["consents"], notify_email="dpo@letters.example")
    assert "erased=1" in erase(due, django_capture_on_commit_callbacks)
    closure = AccountClosure.objects.get()
    assert closure.recipients_told == ["Parcels"]  # kept after the address went
    page = admin_client.get(f"/admin/privacy/requests/{closure.request_id}/").content.decode()
    assert "The receipt names the recipients told: Parcels" in page
    notice = RecipientNotification.objects.get()
    assert notice.status == "delivered"
    told_table = page.split("Recipients told</h2>", 1)[1].split("</table>", 1)[0]
    assert "Parcels" in told_table and "Delivered" in told_table
    assert "Letters" not in page


def test_a_guest_erasure_is_forwarded_by_email_address_only_to_who_holds_it(
    locales, django_capture_on_commit_callbacks, admin_client
):
    Order.objects.create(email=GUEST, number="G-1", placed_at=timezone.now(), total=Decimal(9))
    with Receiver() as hook:
        webhook_recipient(hook.url)  # "accountant": told the address it was given
        recipient("parcels", ["orders"], notify_email="dpo@parcels.example")
        recipient("numbers", ["orders"], notify_email="dpo@numbers.example", identifier="host")
        recipient("letters", ["consents"], notify_email="dpo@letters.example")  # no records
        # The public flow: the form, the emailed link, and the erasure task it runs.
        submit(GUEST, "erasure", django_capture_on_commit_callbacks)
        token = link_in(mail.outbox.pop())
        assert confirm(token, django_capture_on_commit_callbacks).status_code == 200
    assert not Order.objects.filter(number="G-1").exists()
    request = DataRequest.objects.get()
    assert request.status == "completed" and request.recipients_told == ["Accountant", "Parcels"]

    # The webhook received the address (what it holds), signed; acknowledged by its 2xx.
    ((signed, body),) = hook.received
    assert signed and body["event"] == "erasure" and body["sources"] == ["orders"]
    assert body["customer"] == {"identifier": GUEST, "type": "email"}
    notices = {n.recipient_key: n for n in RecipientNotification.objects.all()}
    assert set(notices) == {"accountant", "parcels", "numbers"}
    assert notices["accountant"].status == NoticeStatus.ACKNOWLEDGED
    # The emailed recipient got the address and its acknowledgement link.
    (notice_email,) = [m for m in mail.outbox if m.to == ["dpo@parcels.example"]]
    assert GUEST in notice_email.body and "/recipients/acknowledge/" in notice_email.body
    assert notices["parcels"].status == NoticeStatus.DELIVERED
    # Known to it by the shop's identifier only: a guest has none, so it is not told, and why.
    numbers = notices["numbers"]
    assert (numbers.status, numbers.identifier, numbers.attempts) == ("not_told", "", 0)
    assert "guest has no shop identifier" in numbers.last_error and not numbers.overdue
    assert not [m for m in mail.outbox if m.to == ["dpo@numbers.example"]]
    # Nothing is kept that names the guest; the receipt names those told.
    assert not RecipientNotification.objects.exclude(identifier="").exists()
    (receipt,) = [m for m in mail.outbox if m.to == [GUEST]]
    assert "so that they erase it too: Accountant, Parcels" in receipt.body
    page = admin_client.get(f"/admin/privacy/requests/{request.pk}/").content.decode()
    assert "The receipt names the recipients told: Accountant, Parcels" in page
    assert "Not told" in page and "which a guest does not have" in page


@pytest.fixture
def officer():
    group = Group.objects.create(name="Privacy officers")
    group.permissions.add(Permission.objects.get(codename="access_privacy_centre"))
    user = get_user_model().objects.create_user("officer", "officer@shop.example", is_staff=True)
    user.groups.add(group)
    return user


def reminders_tick(at):
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("privacy_tick", "--only", "request_reminders", stdout=out)
    return out.getvalue()


def test_overdue_notices_are_in_the_officers_digest_once_each(
    officer, django_capture_on_commit_callbacks
):
    ana, bo = customers(2)
    due = schedule([ana, bo])
    recipient("parcels", ["orders"], notify_email="dpo@parcels.example")
    recipient("accountant", ["invoices"], notify_email="dpo@acc.example")
    erase(due, django_capture_on_commit_callbacks)
    assert RecipientNotification.objects.filter(status="delivered").count() == 4
    parcels = RecipientNotification.objects.filter(recipient_key="parcels")
    answered = parcels.order_by("pk").first()
    RecipientNotification.objects.filter(pk=answered.pk).update(
        status="acknowledged", acknowledged_at=due
    )
    mail.outbox.clear()

    assert "recipient_notices_overdue=0" in reminders_tick(due + timedelta(days=3))
    assert mail.outbox == []  # none overdue yet
    late = due + timedelta(days=8)
    report = reminders_tick(late)
    assert "emailed=1, recipient_notices_overdue=3" in report
    (digest,) = mail.outbox
    assert digest.to == ["officer@shop.example"] and digest.subject == "Privacy reminders"
    body = digest.body
    assert "Notices to recipients not acknowledged in time:" in body
    assert body.count("- Parcels: Erasure, due") == 1
    assert body.count("- Accountant: Erasure, due") == 2
    assert "/admin/privacy/recipient-notices/" in body
    assert "@example.com" not in body  # nothing names a customer

    mail.outbox.clear()
    assert "recipient_notices_overdue=0" in reminders_tick(late + timedelta(days=1))
    assert mail.outbox == []  # each named once
    assert not RecipientNotification.objects.filter(
        status="delivered", reminded_at__isnull=True
    ).exists()


def test_an_overdue_request_and_an_overdue_notice_share_one_digest(
    officer, settings, django_capture_on_commit_callbacks
):
    from wagtail_privacy.rights import ledger

    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "REQUEST_DUE": "30d"}
    (ana,) = customers(1)
    due = schedule([ana])
    recipient("parcels", ["orders"], notify_email="dpo@parcels.example")
    erase(due, django_capture_on_commit_callbacks)
    late = due + timedelta(days=8)
    ledger.open_request(kind="access", channel="email", received_at=late - timedelta(days=40))
    mail.outbox.clear()
    assert "overdue=1, emailed=1, recipient_notices_overdue=1" in reminders_tick(late)
    (digest,) = mail.outbox
    assert digest.subject == "Privacy requests: 1 overdue"
    assert re.search(r"past its deadline:.*Notices to recipients", digest.body, re.S)
