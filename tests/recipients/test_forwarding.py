"""Recipients told of erasures, rectifications and restrictions (Art. 19): by a signed webhook
to a real local HTTP server, retried with backoff by privacy_tick, or by email with a
single-use acknowledgement link."""

import hashlib
import hmac
import io
import json
import re
import threading
import zipfile
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import jsonschema
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale

from tests.processes import free_port
from tests.rights.test_retention import customers, schedule
from tests.testapp.models import Address, Order
from wagtail_privacy.recipients.models import NoticeStatus, Recipient, RecipientNotification
from wagtail_privacy.recipients.webhook import SCHEMA_PATH
from wagtail_privacy.rights import corrections, restriction
from wagtail_privacy.rights.models import AccountClosure

pytestmark = pytest.mark.django_db
SECRET = "s3cret-" + "x" * 40


class Receiver:
    """A webhook receiver on a free port: checks the signature, answers 500 ``failures``
    times, then 200."""

    def __init__(self, failures=0):
        self.failures, self.received, self.port = failures, [], free_port()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                signed = hmac.compare_digest(self.headers["X-Privacy-Signature"], expected)
                receiver.received.append((signed, json.loads(body)))
                if not signed:
                    status = 401
                elif receiver.failures:
                    receiver.failures -= 1
                    status = 500
                else:
                    status = 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/privacy-hook"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def local_http(settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "RECIPIENT_LOCAL_HTTP": True,
        "RECIPIENT_RETRY_SECONDS": (60, 600),
    }


def recipient(key, sources, **fields):
    defaults = {
        "name": key.title(),
        "role": "processor",
        "purposes": "Delivery",
        "data_categories": "Names, addresses",
        "sources": ",".join(sources),
        "locale": Locale.get_default(),
    }
    return Recipient.objects.create(key=key, **{**defaults, **fields})


def webhook_recipient(url, sources=("orders",)):
    return recipient(
        "accountant", sources, delivery="webhook", webhook_url=url, webhook_secret=SECRET
    )


def erase(at, capture):
    """The accounts step at ``at``, its tasks enqueued on commit run there too."""
    out = StringIO()
    with time_machine.travel(at, tick=False), capture(execute=True):
        call_command("privacy_tick", "--only", "accounts", stdout=out)
    return out.getvalue()


def privacy_tick(at):
    with time_machine.travel(at, tick=False):
        call_command("privacy_tick", "--only", "recipient_notices", stdout=StringIO())


def test_an_erasure_is_forwarded_to_a_webhook_retried_until_it_answers_2xx(
    django_capture_on_commit_callbacks,
):
    (ana,) = customers(1)
    due = schedule([ana])
    with Receiver(failures=2) as receiver:
        webhook_recipient(receiver.url)
        recipient("newsletter", ["consents"], notify_email="dpo@letters.example")  # no records
        mail.outbox.clear()
        assert "erased=1" in erase(due, django_capture_on_commit_callbacks)
        # The erasure is done though the recipient answered 500.
        assert AccountClosure.objects.get().state == "erased"
        notice = RecipientNotification.objects.get()
        assert (notice.status, notice.attempts, notice.last_error) == ("pending", 1, "HTTP 500")
        privacy_tick(due + timedelta(seconds=30))  # not due again yet
        assert len(receiver.received) == 1
        privacy_tick(due + timedelta(minutes=2))  # the second attempt: 500 again
        privacy_tick(due + timedelta(minutes=20))
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.ACKNOWLEDGED, 3)
    assert notice.identifier == ""  # sent: no longer kept
    assert all(signed for signed, _body in receiver.received)
    body = receiver.received[-1][1]
    jsonschema.validate(body, json.loads(SCHEMA_PATH.read_text()))
    assert body["event"] == "erasure"
    assert body["customer"] == {"identifier": "c0@example.com", "type": "email"}
    assert body["sources"] == ["orders"]
    # The receipt, sent before the address went, names the recipient told.
    (receipt,) = [m for m in mail.outbox if m.to == ["c0@example.com"]]
    assert "We have told those we passed your data to" in receipt.body
    assert "Accountant" in receipt.body and "Newsletter" not in receipt.body


def test_an_unreachable_webhook_never_blocks_the_erasure_and_survives_a_restart(
    django_capture_on_commit_callbacks,
):
    (ana,) = customers(1)
    due = schedule([ana])
    receiver = Receiver()  # bound to a port, but not serving yet: the worker is "down"
    receiver.server.server_close()
    webhook_recipient(receiver.url)
    assert "erased=1" in erase(due, django_capture_on_commit_callbacks)
    notice = RecipientNotification.objects.get()
    assert notice.status == "pending" and notice.attempts == 1 and notice.identifier
    # Later, a fresh process (the state is in the database) delivers it.
    with Receiver() as back:
        # Serve on the port the notice was sent to: stop the server this one started first
        # (closing its socket under a running serve_forever would leave a thread spinning).
        back.server.shutdown()
        back.server.server_close()
        back.port = receiver.port
        back.server = type(back.server)(
            ("127.0.0.1", receiver.port), back.server.RequestHandlerClass
        )
        threading.Thread(target=back.server.serve_forever, daemon=True).start()
        privacy_tick(due + timedelta(hours=1))
    notice.refresh_from_db()
    assert notice.status == "acknowledged" and back.received[0][0]


def test_a_failed_webhook_is_marked_failed_after_the_last_attempt(
    settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RECIPIENT_MAX_ATTEMPTS": 2}
    (ana,) = customers(1)
    with Receiver(failures=5) as receiver:
        webhook_recipient(receiver.url, sources=("addresses",))
        address = Address.objects.filter(customer=ana).first()
        with django_capture_on_commit_callbacks(execute=True):
            corrections.submit(ana, "addresses", "street", "New 2", record=address.pk)
        notice = RecipientNotification.objects.get()
        assert (notice.action, notice.attempts) == ("rectification", 1)
        privacy_tick(timezone.now() + timedelta(minutes=5))
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.identifier) == ("failed", 2, "")
    assert receiver.received[0][1]["fields"] == ["street"]


def test_an_emailed_recipient_acknowledges_once_through_its_link(
    client, django_capture_on_commit_callbacks
):
    (ana,) = customers(1)
    recipient("parcels", ["orders"], notify_email="privacy@parcels.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.restrict(ana)
    (email,) = [m for m in mail.outbox if m.to == ["privacy@parcels.example"]]
    assert "restrict" in email.subject and "c0@example.com" in email.body
    notice = RecipientNotification.objects.get()
    assert notice.status == "delivered" and notice.action == "restriction"
    link = re.search(r"https?://\S+/recipients/acknowledge/\S+/", email.body).group()
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200  # a GET (a mail scanner) changes nothing
    notice.refresh_from_db()
    assert notice.status == "delivered"
    assert client.post("/" + path).status_code == 200
    notice.refresh_from_db()
    assert notice.status == "acknowledged" and notice.acknowledged_at
    again = client.post("/" + path)
    assert again.status_code == 410 and b"acknowledged already" in again.content
    assert client.post("/" + path.replace("acknowledge/", "acknowledge/x")).status_code == 400


def test_an_acknowledgement_link_expires(client, settings, django_capture_on_commit_callbacks):
    (ana,) = customers(1)
    recipient("parcels", ["orders"], notify_email="privacy@parcels.example")
    with django_capture_on_commit_callbacks(execute=True):
        restriction.restrict(ana)
    (email,) = [m for m in mail.outbox if m.to == ["privacy@parcels.example"]]
    path = re.search(r"/privacy/recipients/acknowledge/\S+/", email.body).group()
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.post(path).status_code == 410
    assert RecipientNotification.objects.get().status == "delivered"


def test_customers_read_the_recipients_in_their_information(client, customer):
    recipient("parcels", ["orders"], notify_email="privacy@parcels.example", countries="SI")
    client.force_login(customer)
    found = client.get("/api/privacy/v1/me/information/").json()["recipients"]
    assert [(r["name"], r["role"], r["sources"], r["countries"]) for r in found] == [
        ("Parcels", "processor", ["orders"], "SI")
    ]
    assert "webhook_secret" not in found[0] and "notify_email" not in found[0]


def test_the_export_lists_the_recipients_told(customer, django_capture_on_commit_callbacks):
    from tests.rights.test_export import download, start_export, verified_client

    Order.objects.create(customer=customer, number="LC-1", placed_at=timezone.now(), total=1)
    recipient("parcels", ["orders"], notify_email="privacy@parcels.example")
    with django_capture_on_commit_callbacks(execute=True):
        restriction.restrict(customer)
    client = verified_client(customer)
    export_id = start_export(client, django_capture_on_commit_callbacks).json()["id"]
    archive = download(client, export_id)
    zf = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content)))
    data = json.loads(zf.read("data.json"))
    (told,) = [s for s in data["sources"] if s["name"] == "recipient_notifications"]
    assert [(r["recipient_name"], r["action"], r["status"]) for r in told["records"]] == [
        ("Parcels", "restriction", "delivered")
    ]
