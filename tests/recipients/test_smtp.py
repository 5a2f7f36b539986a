"""A recipient's notice over a real SMTP server (aiosmtpd), and its acknowledgement link."""

import re

import pytest

from tests.notices.test_fanout_smtp import smtp_sink  # noqa: F401 - a fixture
from tests.recipients.test_forwarding import erase, recipient
from tests.rights.test_retention import customers, schedule
from wagtail_privacy.recipients.models import NoticeStatus, RecipientNotification

pytestmark = pytest.mark.django_db


def test_an_erasure_reaches_an_emailed_recipient_over_smtp_and_its_link_acknowledges(
    client,
    smtp_sink,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    (ana,) = customers(1)
    due = schedule([ana])
    recipient("parcels", ["orders"], notify_email="privacy@parcels.example")
    assert "erased=1" in erase(due, django_capture_on_commit_callbacks)

    received = [m for m in smtp_sink.messages() if m.rcpt_tos == ["privacy@parcels.example"]]
    assert len(received) == 1
    message = received[0].message
    assert "erase" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "c0@example.com" in body  # the address it was given, nothing more
    link = re.search(r"https?://\S+/privacy/recipients/acknowledge/\S+/", body).group()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    # The customer's receipt went through the same server, naming the recipient.
    (receipt,) = [m.message for m in smtp_sink.messages() if m.rcpt_tos == ["c0@example.com"]]
    assert "Parcels" in receipt.get_body(preferencelist=("plain",)).get_content()

    notice = RecipientNotification.objects.get()
    assert notice.status == NoticeStatus.DELIVERED and notice.identifier == ""
    page = client.get(path)
    assert page.status_code == 200
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DELIVERED  # opening the link is not answering
    assert client.post(path).status_code == 200
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ACKNOWLEDGED and notice.acknowledged_at
