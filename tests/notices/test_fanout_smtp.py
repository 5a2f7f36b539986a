"""The fan-out over a real SMTP server: prebuilt bytes on the wire, one Message-ID each.

``SmtpSink`` (an aiosmtpd server in a thread of the test process) is shared with the other
``test_fanout_*`` and ``test_mail_*`` modules.
"""

import asyncio
import email
import email.policy
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import django
import pytest
from django.core import mail as django_mail

from tests.processes import free_port
from wagtail_privacy import mail
from wagtail_privacy.notices import emails, fanout
from wagtail_privacy.notices.models import ChangeNotice, EmailState
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    content: bytes
    peer: tuple

    @property
    def message(self):
        return email.message_from_bytes(self.content, policy=email.policy.default)


class SmtpSink:
    """An SMTP server (aiosmtpd) keeping every message it receives.

    ``hold_for=address`` keeps the client of the message to ``address`` waiting for the answer
    to its DATA (the message is received and kept) until ``release`` is set; ``drop_at=n``
    closes the connection instead of answering the n-th message, which is not kept.
    """

    def __init__(self, hold_for=None, drop_at=None):
        self.received, self.lock = [], threading.Lock()
        self.hold_for, self.drop_at, self.count = hold_for, drop_at, 0
        self.held, self.release, self.held_message = threading.Event(), threading.Event(), None
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            count = self.count
        if count == self.drop_at:
            server.transport.close()
            return "421 closing"
        message = Received(
            envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.peer
        )
        with self.lock:
            self.received.append(message)
        if self.hold_for is not None and self.hold_for in message.rcpt_tos:
            self.held_message = message
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        self.release.set()
        if self.controller is not None:
            self.controller.stop()

    def by_recipient(self):
        with self.lock:
            return Counter(r for message in self.received for r in message.rcpt_tos)

    def messages(self):
        with self.lock:
            return list(self.received)


@pytest.fixture
def smtp_sink(settings):
    """Django's SMTP backend, pointed at a fresh ``SmtpSink``."""
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield sink
    sink.stop()


def publish_major(policies, page, capture, *, sl_text=None):
    sl = getattr(page, "sl", None)
    with capture(execute=False):
        page = policies.publish(
            page,
            level="major",
            effective_at=policies.days(12),
            summary="Reviews are kept.",
            text="We keep reviews too.",
        )
    if sl_text is not None:
        sl.body = [{"type": "paragraph", "value": f"<p>{sl_text}</p>"}]
        sl.change_summary = "Hranimo tudi ocene izdelkov."
        with capture(execute=False):
            sl.save_revision().publish()
    return PolicyVersion.objects.order_by("-number").first()


def test_fan_out_over_smtp_sends_prebuilt_bytes_once_each(
    policies,
    policy_page,
    make_customers,
    django_capture_on_commit_callbacks,
    smtp_sink,
    monkeypatch,
):
    english = make_customers(4, "en", "en")
    slovene = make_customers(3, "sl", "sl")
    version = publish_major(
        policies, policy_page, django_capture_on_commit_callbacks, sl_text="Hranimo ocene."
    )
    built = []
    real_email = mail.PreparedEmail.email

    def counting_email(self, *args, **kwargs):
        built.append(args)
        return real_email(self, *args, **kwargs)

    monkeypatch.setattr(mail.PreparedEmail, "email", counting_email)
    result = fanout.fan_out(version.pk)
    assert result == {"notices": 7, "emailed": 7, "failed": 0}
    # Django built one message per language (with placeholders), not one per customer.
    assert len(built) == (2 if mail.PREBUILT else 7)  # once per language, or Django 6: each
    assert smtp_sink.by_recipient() == Counter(u.email for u in english + slovene)
    notices = {n.user.email: n for n in ChangeNotice.objects.select_related("user")}
    ids = set()
    for received in smtp_sink.messages():
        message = received.message
        [to] = received.rcpt_tos
        assert message["To"] == to
        assert message["Message-ID"] == notices[to].message_id
        ids.add(message["Message-ID"])
        assert message.get_content_type() == "multipart/alternative"
        text, html = message.get_payload()
        assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
        assert text.get_content_charset() == html.get_content_charset() == "utf-8"
        # Django folds a long encoded subject after "Subject:", so it unfolds with a space.
        subject = message["Subject"].strip()
        if to.startswith("sl"):
            assert subject.startswith("Politika zasebnosti: spremembe")
            assert "Hranimo tudi ocene izdelkov." in text.get_content()
        else:
            assert subject.startswith("Privacy policy: changes taking effect on")
            assert "Reviews are kept." in text.get_content()
    assert len(ids) == 7
    assert set(ChangeNotice.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    assert fanout.fan_out(version.pk)["emailed"] == 0
    assert len(smtp_sink.messages()) == 7


@pytest.mark.skipif(
    django.VERSION >= (6, 0),
    reason="Django 6 no longer encodes non-ASCII local parts (they need an SMTPUTF8 server)",
)
def test_addresses_django_must_encode_go_through_django(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, smtp_sink, settings
):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "HOST": "tests.testapp.hooks.EveryoneHost",
    }
    from django.contrib.auth import get_user_model

    make_customers(1, "en", "plain")
    get_user_model().objects.create_user("ana", "ana.šemrov@example.com", "pw")
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    prepared = emails.build(version, "en", emails.CHANGE).prepared
    assert prepared.as_bytes("ana.šemrov@example.com", "<a@b>") is None  # Django's to encode
    assert fanout.fan_out(version.pk) == {"notices": 2, "emailed": 2, "failed": 0}
    received = {tuple(m.rcpt_tos): m.message for m in smtp_sink.messages()}
    assert set(received) == {("plain0@example.com",), ("ana.šemrov@example.com",)}
    # Django's own path built that one, and its To header is encoded as Django encodes it.
    assert received[("ana.šemrov@example.com",)]["To"] == "ana.šemrov@example.com"


def test_effective_emails_get_their_own_message_id(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, smtp_sink, settings
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "EMAIL_WHEN_EFFECTIVE": True}
    make_customers(2)
    version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    fanout.fan_out(version.pk)
    # Not before the version binds them: NOTICE_DAYS after their notice.
    assert fanout.send_pending(version, emails.EFFECTIVE) == (0, 0)
    bound = version.effective_at + timedelta(minutes=1)
    sent, failed = fanout.send_pending(version, emails.EFFECTIVE, now=bound)
    assert (sent, failed) == (2, 0)
    ids = [m.message["Message-ID"] for m in smtp_sink.messages()]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert ChangeNotice.objects.filter(effective_email_state=EmailState.SENT).count() == 2


def test_a_lost_connection_fails_one_email_and_leaves_the_rest_pending(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, settings
):
    import smtplib

    sink = SmtpSink(drop_at=3).start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        customers = make_customers(6)
        version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            fanout.fan_out(version.pk)
        states = Counter(ChangeNotice.objects.values_list("email_state", flat=True))
        assert states == {EmailState.SENT: 2, EmailState.FAILED: 1, EmailState.PENDING: 3}
        failed = ChangeNotice.objects.get(email_state=EmailState.FAILED)
        assert failed.failure_reason.startswith("SMTPServerDisconnected")
        fanout.fan_out(version.pk)  # the server is back (a new connection)
        received = sink.by_recipient()
        assert received == Counter({c.email: 1 for c in customers if c != failed.user})
    finally:
        sink.stop()
    assert django_mail.outbox == []
