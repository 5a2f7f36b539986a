"""Telling the affected customers of a breach (Art. 34): staff select them, preview the
message and send it; each customer is emailed once, in their language, with proof."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.testapp.models import Order
from wagtail_privacy.breaches import emails
from wagtail_privacy.breaches.models import BreachNotice, BreachNotification, EmailState

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MARCH = timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def breach(make_breach):
    breach = make_breach()
    breach.detected_at = MARCH  # the date in the email reads "2 March" / "2. marec"
    breach.save()
    return breach


def notify_url(breach):
    return reverse("wagtail_privacy_breaches:notify", args=[breach.pk])


def tick():
    call_command("privacy_tick", "--only", "breach_notices", stdout=StringIO())


def test_preview_then_send_to_the_selected_customers_each_in_their_language(
    client, officer, breach, make_customers, django_capture_on_commit_callbacks
):
    english = make_customers(2, "en", prefix="en")
    slovene = make_customers(2, "sl", prefix="sl")
    make_customers(2, "en", prefix="other")  # not selected
    Order.objects.create(customer=slovene[0], number="A-1", placed_at=timezone.now(), total="12.00")
    client.force_login(officer)
    selection = {
        "sources": ["orders"],  # slovene[0]
        "emails": f"{english[0].email.upper()}, {english[1].email}",
        "user_ids": str(slovene[1].pk),
    }
    preview = client.post(notify_url(breach), {**selection, "language": "sl", "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Preview: 4 customers selected" in html
    assert "2. marec 2026" in html  # the date as Slovene customers read it
    assert "A backup of the customer database was stolen from a courier." in html
    assert not BreachNotice.objects.exists() and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(notify_url(breach), {**selection, "language": "sl", "send": "1"})
    assert sent.status_code == 302
    tick()  # a tick meanwhile sends nobody twice
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted(u.email for u in english + slovene)
    for user in english:
        assert "2 March 2026" in by_address[user.email].body
        assert by_address[user.email].subject.endswith(
            ": a security incident affecting your personal data"
        )
    for user in slovene:
        assert "2. marec 2026" in by_address[user.email].body
        assert "incident" in by_address[user.email].subject
        assert "affecting" not in by_address[user.email].subject
    with override_settings(WAGTAIL_SITE_NAME="Lipa & Co."):
        subject, _text = emails.render(breach, "en")
    assert subject.startswith("Lipa & Co.: ")  # not escaped as in HTML
    notices = BreachNotice.objects.filter(breach=breach)
    assert {(n.user_id, n.language, n.email_state) for n in notices} == {
        *((u.pk, "en", EmailState.SENT) for u in english),
        *((u.pk, "sl", EmailState.SENT) for u in slovene),
    }
    assert all(n.emailed_at and n.message_id for n in notices)
    assert BreachNotification.objects.get().finished_at is not None
    entry = ModelLogEntry.objects.get(action="wagtail_privacy.breach_notify")
    assert entry.user == officer


def test_everyone_is_told_once_however_often_it_is_sent(
    client, officer, breach, make_customers, django_capture_on_commit_callbacks
):
    customers = make_customers(5)
    client.force_login(officer)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(notify_url(breach), {"everyone": "on", "send": "1"})
        tick()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers)
    assert officer.email not in [m.to[0] for m in mail.outbox]  # staff are no customers
    assert BreachNotification.objects.filter(finished_at__isnull=False).count() == 2


def test_a_crashed_send_is_resumed_by_privacy_tick_without_repeats(
    client, officer, breach, make_customers, settings, monkeypatch
):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "NOTICE_BATCH_SIZE": 4,
        "NOTICE_TASKS_LOST_AFTER": 60,
    }
    customers = make_customers(10)
    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def crash_on_sixth(self, messages):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt("worker killed")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", crash_on_sixth)
    client.force_login(officer)
    with pytest.raises(KeyboardInterrupt):
        client.post(notify_url(breach), {"everyone": "on", "send": "1"})
    assert len(mail.outbox) == 5
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)

    tick()  # the tasks may still be at work: left alone
    assert len(mail.outbox) == 5
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        out = StringIO()
        call_command("privacy_tick", "--dry-run", "--only", "breach_notices", stdout=out)
        assert "rounds_unfinished=1" in out.getvalue() and len(mail.outbox) == 5
        tick()  # presumed lost now: the tick sends what they left
        tick()  # and once more: nothing left to send
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers)
    states = BreachNotice.objects.values_list("email_state", flat=True)
    assert list(states) == [EmailState.SENT] * 10


@pytest.mark.parametrize("data", [{}, {"user_ids": "12, ana"}])
def test_a_selection_must_name_customers(client, officer, breach, data):
    client.force_login(officer)
    response = client.post(notify_url(breach), {**data, "send": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not BreachNotification.objects.exists()
