"""Deactivation, deletion with grace and blockers, erasure with holds, retention sweeps."""

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.concurrency import at_once
from tests.testapp.models import Address, CustomerProfile, Invoice, Order
from wagtail_privacy.consent import service as consent
from wagtail_privacy.consent.models import ConsentPurpose
from wagtail_privacy.notices.models import Acceptance
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights.models import AccountClosure, DataRequest, ErasureStep
from wagtail_privacy.sources import registry
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db
API = "/api/privacy/v1"
PERSONAL = ["ana.semrov@example.com", "Šemrov", "Čeligoj", "+386 40 123 456", "Šmartinska cesta 12"]


def verified(user):
    client = Client()
    client.force_login(user)
    client.post(f"{API}/me/verification/", {"method": "email"}, content_type="application/json")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    client.post(f"{API}/me/verification/", {"token": code}, content_type="application/json")
    return client


@pytest.fixture
def ana(db, locales, policies):
    user = get_user_model().objects.create_user(
        "ana", "ana.semrov@example.com", "pw", first_name="Ana", last_name="Šemrov Čeligoj"
    )
    CustomerProfile.objects.create(user=user, language="en")
    now = timezone.now()
    Order.objects.create(
        customer=user,
        number="LC-1",
        placed_at=now,
        total=Decimal("20"),
        delivery_note="Šmartinska cesta 12, call +386 40 123 456",
    )
    Invoice.objects.create(
        customer=user,
        number="R-1",
        issued_at=now - timedelta(days=30),
        billing_name="Ana Šemrov Čeligoj",
        billing_address="Šmartinska cesta 12",
    )
    Invoice.objects.create(
        customer=user,
        number="R-0",
        issued_at=now - timedelta(days=4000),
        billing_name="Ana Šemrov Čeligoj",
        billing_address="Šmartinska cesta 12",
    )
    Address.objects.create(customer=user, street="Šmartinska cesta 12", phone="+386 40 123 456")
    ConsentPurpose.objects.create(
        key="newsletter", name="Newsletter", wording="Send it.", locale=locales["en"]
    )
    consent.record(user, "newsletter", "email", True, source="signup", ip="198.51.100.7")
    page = policies.create(requires_acceptance=True)
    policies.publish(page, level="editorial")
    from wagtail_privacy.notices.acceptance import accept

    accept(user, "privacy-policy", 1, language="en", ip="198.51.100.7", user_agent="Firefox")
    return user


def test_blockers_refuse_deletion_and_change_nothing(ana):
    Order.objects.create(
        customer=ana, number="LC-1042", placed_at=timezone.now(), total=5, paid=False
    )
    response = verified(ana).post(f"{API}/me/deletion/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "deletion_blocked"
    assert body["blockers"] == [
        {"source": "orders", "code": "unpaid_order", "message": "Order LC-1042 is unpaid."}
    ]
    ana.refresh_from_db()
    assert ana.is_active and not AccountClosure.objects.exists()
    assert not DataRequest.objects.filter(kind="erasure").exists()


def test_deletion_needs_step_up_and_a_customer(client, ana):
    assert client.post(f"{API}/me/deletion/").status_code == 401
    plain = Client()
    plain.force_login(ana)
    assert plain.post(f"{API}/me/deletion/").json()["code"] == "step_up_required"
    assert plain.post(f"{API}/me/deactivation/").json()["code"] == "step_up_required"


def test_deletion_is_scheduled_after_the_grace_period(ana, django_capture_on_commit_callbacks):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client = verified(ana)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{API}/me/deletion/")
    assert response.status_code == 202
    closure = AccountClosure.objects.get()
    assert closure.scheduled_for == start + timedelta(days=14)
    ana.refresh_from_db()
    assert not ana.is_active
    assert "will be deleted on" in mail.outbox[-1].subject
    with time_machine.travel(closure.scheduled_for - timedelta(seconds=1), tick=False):
        call_command("privacy_tick", "--only", "accounts", stdout=StringIO())
    assert get_user_model().objects.filter(pk=ana.pk).exists()
    with time_machine.travel(closure.scheduled_for, tick=False):
        call_command("privacy_tick", "--only", "accounts", stdout=StringIO())
    assert not get_user_model().objects.filter(pk=ana.pk).exists()


def test_cancel_by_link_or_by_delete(ana, django_capture_on_commit_callbacks):
    client = verified(ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{API}/me/deletion/")
    link = re.search(r"https?://\S+/reactivate/(\S+)/", mail.outbox[-1].body).group(1)
    cancelled = client.delete(f"{API}/me/deletion/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    ana.refresh_from_db()
    assert ana.is_active
    # The old link is now harmless; a new deletion can be cancelled by its own link.
    assert Client().post(f"{API}/reactivate/{link}/").status_code == 200
    client = verified(ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{API}/me/deletion/")
    link = re.search(r"/reactivate/(\S+)/", mail.outbox[-1].body).group(1)
    page = Client().post(f"/privacy/reactivate/{link}/")
    assert page.status_code == 200 and "active again" in page.content.decode()
    ana.refresh_from_db()
    assert ana.is_active
    assert Client().post(f"{API}/reactivate/{link[:-3]}abc/").json()["code"] == "invalid_token"


def test_other_customers_cannot_cancel(ana, other_customer, django_capture_on_commit_callbacks):
    verified(ana).post(f"{API}/me/deletion/")
    other = Client()
    other.force_login(other_customer)
    assert other.delete(f"{API}/me/deletion/").json()["code"] == "no_pending_deletion"
    assert Client().delete(f"{API}/me/deletion/").status_code == 401
    assert AccountClosure.objects.get().state == "scheduled"


def _erase_now(closure):
    with time_machine.travel(closure.scheduled_for + timedelta(seconds=1)):
        return closures.erase(closure.pk)


def _text_values():
    """Every text value in every table of the database."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                values += [str(v) for v in row if isinstance(v, str)]
    return values


def test_erasure_is_complete_except_anonymised_holds(ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verified(ana).post(f"{API}/me/deletion/")
    closure = AccountClosure.objects.get()
    assert _erase_now(closure).state == "erased"
    receipt_mail = mail.outbox[-1]
    assert receipt_mail.to == ["ana.semrov@example.com"]
    assert "kept without your personal data until" in receipt_mail.body
    dump = "\n".join(_text_values())
    for value in PERSONAL:
        assert value not in dump, value
    held = Invoice.objects.get(number="R-1")
    assert held.customer is None and held.billing_name == ""
    assert not Invoice.objects.filter(number="R-0").exists()  # its 10 years were over
    assert not Address.objects.exists() and not Order.objects.exists()
    acceptance = Acceptance.objects.get()
    assert acceptance.user is None and acceptance.ip_address is None
    closure.refresh_from_db()
    assert closure.receipt["invoices"]["held"][0]["count"] == 1
    assert "ana" not in str(closure.receipt).lower()
    request = DataRequest.objects.get(kind="erasure")
    assert request.status == "completed" and request.user is None


def test_crash_mid_erasure_then_rerun(ana, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verified(ana).post(f"{API}/me/deletion/")
    closure = AccountClosure.objects.get()
    source_class = type(registry.get("invoices"))
    calls = {"invoices": 0, "addresses": 0}
    real = source_class.erase

    def crash(self, user):
        calls["invoices"] += 1
        raise RuntimeError("power cut")

    monkeypatch.setattr(source_class, "erase", crash)
    with pytest.raises(RuntimeError):
        _erase_now(closure)
    done = set(ErasureStep.objects.values_list("source", flat=True))
    assert "orders" in done and "invoices" not in done and "addresses" not in done
    monkeypatch.setattr(source_class, "erase", real)
    address_class = type(registry.get("addresses"))
    real_address = address_class.erase

    def counting(self, user):
        calls["addresses"] += 1
        return real_address(self, user)

    monkeypatch.setattr(address_class, "erase", counting)
    orders_class = type(registry.get("orders"))
    monkeypatch.setattr(orders_class, "erase", lambda self, user: pytest.fail("ran twice"))
    assert _erase_now(closure).state == "erased"
    assert calls["addresses"] == 1
    assert ErasureStep.objects.filter(closure=closure).count() == len(registry.sources())
    assert _erase_now(closure) is None  # nothing left to do


def test_holds_are_purged_when_they_end(ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verified(ana).post(f"{API}/me/deletion/")
    _erase_now(AccountClosure.objects.get())
    assert Invoice.objects.count() == 1
    out = StringIO()
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        call_command("privacy_tick", "--only", "holds", "--dry-run", stdout=out)
        assert "expired_invoices=1" in out.getvalue()
        assert Invoice.objects.count() == 1
        call_command("privacy_tick", "--only", "holds", stdout=StringIO())
    assert not Invoice.objects.exists()


def test_deactivation_then_reactivation_then_erasure(
    ana, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "DEACTIVATED_RETENTION_DAYS": 60}
    client = verified(ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/me/deactivation/")
    assert response.status_code == 200 and response.json()["kind"] == "deactivation"
    ana.refresh_from_db()
    assert not ana.is_active
    assert client.get(f"{API}/me/").status_code == 401  # its sessions are over
    link = re.search(r"/reactivate/(\S+)/", mail.outbox[-1].body).group(1)
    assert Client().post(f"{API}/reactivate/{link}/").json() == {"reactivated": True}
    ana.refresh_from_db()
    assert ana.is_active
    client = verified(ana)
    client.post(f"{API}/me/deactivation/")
    closure = AccountClosure.objects.get(state="scheduled")
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        call_command("privacy_tick", "--only", "accounts", stdout=StringIO())
    assert "will be erased on" in mail.outbox[-1].subject
    with time_machine.travel(closure.scheduled_for + timedelta(minutes=1)):
        call_command("privacy_tick", "--only", "accounts", stdout=StringIO())
    assert not get_user_model().objects.filter(pk=ana.pk).exists()


def test_inactive_accounts_are_warned_then_erased_unless_they_return(ana, other_customer, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "INACTIVE_ACCOUNT_DAYS": 100}
    old = timezone.now() - timedelta(days=200)
    get_user_model().objects.filter(pk__in=[ana.pk, other_customer.pk]).update(
        last_login=old, date_joined=old
    )
    out = StringIO()
    call_command("privacy_tick", "--only", "accounts", "--dry-run", stdout=out)
    assert "inactive_warned=2" in out.getvalue()
    assert not AccountClosure.objects.exists()
    call_command("privacy_tick", "--only", "accounts", stdout=StringIO())
    assert AccountClosure.objects.filter(kind="inactivity", state="warned").count() == 2
    get_user_model().objects.filter(pk=other_customer.pk).update(
        last_login=timezone.now() + timedelta(days=1)
    )
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        call_command("privacy_tick", "--only", "accounts", stdout=StringIO())
    assert get_user_model().objects.filter(pk=other_customer.pk).exists()
    assert not get_user_model().objects.filter(pk=ana.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_deletions_at_once_schedule_one(db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    user = get_user_model().objects.create_user("racer", "racer@example.com", "pw")
    results, errors = at_once(
        lambda: closures.request_deletion(user, proof=NO_STEP_UP) and "scheduled"
    )
    results += [getattr(error, "code", type(error).__name__) for error in errors]
    assert sorted(results) == ["closure_pending", "scheduled"]
    assert AccountClosure.objects.filter(user=user).count() == 1


def test_ledger_shows_the_receipt(client, editor, ana, django_capture_on_commit_callbacks):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        verified(ana).post(f"{API}/me/deletion/")
    _erase_now(AccountClosure.objects.get())
    request = DataRequest.objects.get(kind="erasure")
    client.force_login(editor)
    page = client.get(reverse("wagtail_privacy_requests:detail", args=[request.pk]))
    html = page.content.decode()
    assert "Erased" in html and "Invoices" in html and "Accounting law" in html
    for value in PERSONAL:
        assert value not in html


def test_stale_reactivation_link_says_so_and_changes_nothing(
    ana, django_capture_on_commit_callbacks
):
    client = verified(ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{API}/me/deletion/")
    first = re.search(r"/reactivate/(\S+)/", mail.outbox[-1].body).group(1)
    assert Client().post(f"{API}/reactivate/{first}/").json() == {"reactivated": True}
    client = verified(ana)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{API}/me/deletion/").status_code == 202
    second = AccountClosure.objects.get(state="scheduled")

    stale = Client().post(f"{API}/reactivate/{first}/")
    assert stale.status_code == 410 and stale.json()["code"] == "link_superseded"
    page = Client().post(f"/privacy/reactivate/{first}/")
    assert page.status_code == 410 and "active again" not in page.content.decode()
    second.refresh_from_db()
    ana.refresh_from_db()
    assert second.state == "scheduled" and not ana.is_active
    assert _erase_now(second).state == "erased"


def test_erasure_leaves_no_session_log_label_or_staff_note(
    ana, editor, django_capture_on_commit_callbacks
):
    from django.contrib.sessions.models import Session
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry

    from wagtail_privacy.rights import ledger
    from wagtail_privacy.rights.models import DataRequestEvent

    browser = Client()
    browser.force_login(ana)
    session_key = browser.session.session_key
    assert Session.objects.filter(session_key=session_key).exists()
    log(ana, "wagtail.edit", user=editor)
    guest = ledger.open_request(
        kind="access", channel="email", contact_email="Ana.Semrov@example.com", actor=editor
    )
    ledger.add_note(guest, "Ana Šemrov phoned from +386 40 123 456", actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        verified(ana).post(f"{API}/me/deletion/")
    request = DataRequest.objects.get(kind="erasure")
    ledger.add_note(request, "Ana Šemrov asked us to hurry", actor=editor)

    closure = AccountClosure.objects.get()
    assert _erase_now(closure).state == "erased"

    assert not Session.objects.filter(session_key=session_key).exists()
    assert browser.get(f"{API}/me/").status_code == 401
    entry = ModelLogEntry.objects.get(action="wagtail.edit")
    assert entry.label == "[erased]"
    notes = DataRequestEvent.objects.filter(actor=editor)
    assert notes.count() == 3 and set(notes.values_list("note", flat=True)) == {""}
    guest.refresh_from_db()
    assert guest.contact_email == "" and guest.kind == "access"
    dump = "\n".join(_text_values())
    for value in [*PERSONAL, "Ana.Semrov@example.com", "Ana Šemrov"]:
        assert value not in dump, value
    closure.refresh_from_db()
    assert closure.receipt["sessions"]["deleted"] >= 1
    assert closure.receipt["activity_log"]["anonymised"] == 1


def test_reactivation_after_erasure_is_refused(ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verified(ana).post(f"{API}/me/deletion/")
    link = re.search(r"/reactivate/(\S+)/", mail.outbox[-1].body).group(1)
    _erase_now(AccountClosure.objects.get())
    response = Client().post(f"{API}/reactivate/{link}/")
    assert response.status_code == 409 and response.json()["code"] == "closure_not_cancellable"


def test_a_slovenian_customers_reactivation_link_opens_the_page_in_slovenian(
    ana, django_capture_on_commit_callbacks
):
    CustomerProfile.objects.update_or_create(user=ana, defaults={"language": "sl"})
    client = verified(ana)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{API}/me/deactivation/").status_code == 200
    path = re.search(r"https?://[^/\s]+(/\S+/reactivate/\S+/)", mail.outbox[-1].body).group(1)
    assert path.startswith("/sl/privacy/reactivate/"), path
    page = Client().get(path)
    assert page.status_code == 200 and page["Content-Language"] == "sl"
