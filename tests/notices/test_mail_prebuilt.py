"""Prebuilt email bytes: the very message Django would build, with only To, Date and
Message-ID (and a body's per-customer text) filled in per recipient.

Each test runs on Django 5.2 and Django 6, whose email APIs differ (Django 6 builds the standard
library's ``email.message.EmailMessage``); the reference is always what Django itself sends.
"""

import email
import email.policy
import re
import time

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.utils import timezone

from tests.notices.test_fanout_smtp import smtp_sink  # noqa: F401 - a fixture
from wagtail_privacy import mail

SUBJECTS = {
    "en": "Privacy policy: changes taking effect on 1 December 2026",
    "sl": "Politika zasebnosti: spremembe, ki začnejo veljati 1. decembra 2026 (ključne točke)",
    "sq": "Politika e privatësisë: ndryshime që hyjnë në fuqi më 1 dhjetor 2026",
    "hr": "Pravila o privatnosti: promjene stupaju na snagu 1. prosinca 2026. (čćđšž)",
}
TEXTS = {
    "en": "We are changing our privacy policy.\nRead it here: https://shop.example/p/\n",
    "sl": "Spreminjamo našo politiko zasebnosti.\nPreberite jo tukaj: https://shop.example/sl/\n",
    "sq": "Po ndryshojmë politikën tonë të privatësisë.\nLexojeni këtu.\n",
    "hr": "Mijenjamo naša pravila o privatnosti.\nPročitajte ih ovdje.\n",
}
HEADERS = {"Auto-Submitted": "auto-generated"}
TOKEN = "slot0123456789abcdef0123456789abcdef"

# Bodies around Django's rules: 5.2 writes a body as it is unless a line is over 998 bytes;
# Django 6 unless a line is over 78 bytes (else quoted-printable or base64), always ending it
# with a line break.
BODIES = [
    "Plain ASCII.\n",
    "Other ASCII,\nin two lines.\n",
    "No final newline",
    "",
    "\n",
    "Two newlines at the end\n\n",
    "Windows line ends\r\nSecond\r\n",
    "A bare\rcarriage return\n",
    "Now with ž, so 8bit\n",
    "ž" * 39 + "\n",  # 78 bytes
    "ž" * 40 + "\n",  # 40 characters, 80 bytes
    "x" * 78 + "\n",
    "x" * 79 + "\n",
    "x" * 998 + "\n",
    "x" * 999 + "\n",
    "y" * 300,  # long, without a final newline
    "Dolga vrstica: " + "žaba " * 30 + "\n",  # Django 6: base64
    "Trailing spaces   \n" + "z" * 90 + "\n",  # quoted-printable encodes them
    ("A line among many lines, " * 4 + "\n") * 12,  # Django 6 sniffs the first ten
    "Nul \x00, vertical tab \x0b and \u2028 separators\n",
    "From the start of a line\n.a dot at the start\n",
]


def boundaryless(raw):
    """``raw`` with its MIME boundary (random per message) replaced by a fixed one."""
    found = re.search(rb'boundary="([^"]+)"', raw)
    return raw.replace(found.group(1), b"BOUNDARY") if found else raw


def djangos(subject, text, html, to, message_id, date, headers=None):
    """What Django's SMTP backend sends for the same email, with the same Date and Message-ID."""
    kind = EmailMessage if html is None else EmailMultiAlternatives
    headers = {"Date": date, "Message-ID": message_id, **(headers or {})}
    message = kind(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    if html is not None:
        message.attach_alternative(html, "text/html")
    return mail.wire_bytes(message)


def date_of(raw):
    return re.search(rb"^Date: (.+)\r$", raw, re.MULTILINE).group(1).decode()


def transfer_encoding(raw):
    return re.search(rb"^Content-Transfer-Encoding: (.+)\r$", raw, re.MULTILINE).group(1)


def as_text_on_the_wire(text):
    """``text`` as a 7bit/8bit body reads back: CRLF line ends; Django 6 ends it with one."""
    text = text.replace("\n", "\r\n")
    return text + "\r\n" if mail.MODERN_EMAIL and not text.endswith("\r\n") else text


@pytest.mark.parametrize("language", sorted(SUBJECTS))
@pytest.mark.parametrize("with_html", [True, False])
def test_bytes_are_djangos_own_message(language, with_html):
    subject, text = SUBJECTS[language], TEXTS[language]
    html = f"<p>{text}</p>" if with_html else None
    prepared = mail.PreparedEmail(subject, text, html=html, headers=HEADERS)
    for to, message_id in [
        ("ana@example.com", "<privacy.1.abc@shop.example>"),
        ("bor.novak@example.si", "<privacy.2.abc@shop.example>"),
    ]:
        raw = prepared.as_bytes(to, message_id)
        expected = djangos(subject, text, html, to, message_id, date_of(raw), HEADERS)
        assert boundaryless(raw) == boundaryless(expected)


@pytest.mark.parametrize("language", sorted(SUBJECTS))
def test_bytes_parse_as_a_proper_message(language):
    subject, text = SUBJECTS[language], TEXTS[language]
    html = f"<p>{text}</p>"
    prepared = mail.PreparedEmail(subject, text, html=html, headers=HEADERS)
    raw = prepared.as_bytes("ana@example.com", "<privacy.7.abc@shop.example>")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.defects == []
    # Subjects are RFC 2047 encoded words when not ASCII, and decode to the original (Django 6
    # folds before an encoded word after a space, which reads back as two spaces).
    assert " ".join(message["Subject"].split()) == subject
    if not subject.isascii():
        assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0]
    assert message["To"] == "ana@example.com"
    assert message["Message-ID"] == "<privacy.7.abc@shop.example>"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["MIME-Version"] == "1.0"
    assert message["Date"].datetime is not None
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.get_payload()
    assert (plain.get_content_type(), rich.get_content_type()) == ("text/plain", "text/html")
    assert plain.get_content_charset() == rich.get_content_charset() == "utf-8"
    assert plain.get_content() == as_text_on_the_wire(text)
    assert rich.get_content() == as_text_on_the_wire(html)


def test_each_recipient_gets_its_own_to_and_message_id():
    prepared = mail.PreparedEmail(SUBJECTS["sl"], TEXTS["sl"], html="<p>x</p>", headers=HEADERS)
    raws = [prepared.as_bytes(f"c{i}@example.com", f"<id{i}@shop.example>") for i in range(3)]
    messages = [email.message_from_bytes(raw, policy=email.policy.default) for raw in raws]
    assert [m["To"] for m in messages] == [f"c{i}@example.com" for i in range(3)]
    assert [m["Message-ID"] for m in messages] == [f"<id{i}@shop.example>" for i in range(3)]
    # Nothing else differs (the Date is the same second here, or differs in its own line).
    lines = [
        [
            line
            for line in raw.split(b"\r\n")
            if not line.startswith((b"To:", b"Message-ID:", b"Date:"))
        ]
        for raw in raws
    ]
    assert lines[0] == lines[1] == lines[2]


@pytest.mark.parametrize(
    ("text", "on_django52", "on_django6"),
    [
        ("x" * 78 + "\n", b"7bit", b"7bit"),
        ("x" * 79 + "\n", b"7bit", b"quoted-printable"),
        ("ž" * 40 + "\n", b"8bit", b"base64"),  # 80 bytes
        ("A long line, " * 76 + "\n", b"7bit", b"quoted-printable"),  # 988 characters
        ("A long line. " * 77 + "\n", b"quoted-printable", b"quoted-printable"),  # 1001
        ("Dolga vrstica: " + "žaba " * 300 + "\n", b"quoted-printable", b"base64"),
    ],
)
def test_long_lines_are_encoded_as_django_does(text, on_django52, on_django6):
    prepared = mail.PreparedEmail("Zadeva", text, html=None)
    raw = prepared.as_bytes("ana@example.com", "<x@y>")
    assert transfer_encoding(raw) == (on_django6 if mail.MODERN_EMAIL else on_django52)
    assert raw == djangos("Zadeva", text, None, "ana@example.com", "<x@y>", date_of(raw))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content().replace("\r\n", "\n") == text


@pytest.mark.parametrize(
    "address",
    [
        "Ana Šemrov <ana@example.com>",
        "Ana Novak <ana@example.com>",
        "ana.šemrov@example.com",
        "ana@exämple.com",
        "two words@example.com",
        '"quoted"@example.com',
        "two..dots@example.com",
        ".dot@example.com",
        "x" * 250 + "@example.com",
    ],
)
def test_addresses_django_encodes_are_left_to_django(address):
    prepared = mail.PreparedEmail("Subject", "Body\n")
    assert prepared.as_bytes(address, "<x@y>") is None


@pytest.mark.parametrize(
    "message_id", ["<x@y> ", "x@y", "<x y@z>", "<a@b@c>", "<a,b@c>", "<(x)@y>", "<x@ý>"]
)
def test_message_ids_django_would_change_are_left_to_django(message_id):
    assert mail.PreparedEmail("Subject", "Body\n").as_bytes("a@example.com", message_id) is None


def own_form(address):
    """The envelope address Django's SMTP backend makes of ``address``."""
    if mail.MODERN_EMAIL:
        return SMTPBackend().prep_address(address)
    return sanitize_address(address, "utf-8")


def test_plain_addresses_need_no_encoding():
    for address in [
        "ana@example.com",
        "Ana.Novak+shop@Example.COM",
        "o'neil@mail.example.org",
        "x_y-z=1{2}@a-b.example",
        "ana@xn--exmple-cua.com",
    ]:
        assert own_form(address) == address
        raw = mail.PreparedEmail("S", "B\n").as_bytes(address, "<x@y>")
        assert raw == djangos("S", "B\n", None, address, "<x@y>", date_of(raw))


@pytest.mark.parametrize(
    "to",
    [
        "a@b.co",
        "x" * 62 + "@example.com",  # "To: " and the address: 78 characters, one line
        "x" * 63 + "@example.com",  # 79: Django 6 folds it
        "x" * 120 + "@example.com",
        "x" * 240 + "@example.com",
    ],
)
@pytest.mark.parametrize(
    "message_id",
    [
        "<x@y>",
        "<" + "y" * 62 + "@e>",  # "Message-ID: " and the id: 78 characters
        "<" + "y" * 63 + "@e>",
        "<privacy.1234567.0123456789abcdef0123456789abcdef@ip-10-0-1-23.eu-west-1.internal>",
        "<" + "y" * 150 + "@example.com>",
    ],
)
def test_long_header_lines_are_folded_as_django_does(to, message_id):
    prepared = mail.PreparedEmail(SUBJECTS["sl"], TEXTS["sl"], headers=HEADERS)
    raw = prepared.as_bytes(to, message_id)
    assert raw == djangos(SUBJECTS["sl"], TEXTS["sl"], None, to, message_id, date_of(raw), HEADERS)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # A folded Message-ID reads back with the folding space in front.
    assert (message["To"], message["Message-ID"].strip()) == (to, message_id)


@pytest.mark.parametrize("zone", ["Europe/Ljubljana", "America/New_York", "UTC"])
@pytest.mark.parametrize("localtime", [False, True])
def test_the_date_is_written_as_django_writes_it(settings, zone, localtime):
    settings.EMAIL_USE_LOCALTIME = localtime
    prepared = mail.PreparedEmail("Subject", "Body\n")
    message = EmailMessage("Subject", "Body\n", to=["ana@example.com"])
    with timezone.override(zone):
        for _ in range(5):  # Django's and ours in the same second
            second = int(time.time())
            ours = date_of(prepared.as_bytes("ana@example.com", "<x@y>"))
            theirs = date_of(mail.wire_bytes(message))
            if int(time.time()) == second:
                break
    assert ours == theirs


@pytest.mark.parametrize("first", [BODIES[0], BODIES[8], BODIES[12], BODIES[16], BODIES[18]])
def test_one_prebuilt_message_serves_every_body_django_writes_alike(first):
    """Another body gets the prebuilt message's headers: bytes only where Django's are the same."""
    prepared = mail.PreparedEmail("Receipt", first, any_body=True)
    kind = mail._body_kind(first)
    for body in BODIES:
        raw = prepared.as_bytes("ana@example.com", "<x@y>", body=body)
        if kind is not None and mail._body_kind(body) == kind:
            assert raw is not None, body
        if raw is not None:
            assert raw == djangos("Receipt", body, None, "ana@example.com", "<x@y>", date_of(raw))


@pytest.mark.parametrize("body", BODIES)
def test_body_kinds_are_the_transfer_encodings_django_chooses(body):
    raw = djangos(
        "Receipt", body, None, "ana@example.com", "<x@y>", "Tue, 01 Dec 2026 09:00:00 +0000"
    )
    kind = mail._body_kind(body)
    if mail.MODERN_EMAIL:
        assert kind == (transfer_encoding(raw).decode(),)
    elif kind is not None:
        assert kind[0].encode() == transfer_encoding(raw)


@pytest.mark.parametrize(
    ("first", "other"),
    [
        (
            "Izbrisali smo vaš račun.\nNaročila: 2 izbrisani\n",
            "Izbrisali smo vaš račun.\nRačuni: 1\n",
        ),
        ("Your account was erased.\nOrders: 2\n", "Your account was erased.\nOrders: 1\nFin.\n"),
        ("No newline at the end", "Another one without"),
    ],
)
def test_one_prebuilt_message_serves_other_bodies_encoded_alike(first, other):
    prepared = mail.PreparedEmail("Receipt", first, any_body=True)
    for body in (first, other):
        raw = prepared.as_bytes("ana@example.com", "<x@y>", body=body)
        assert raw == djangos("Receipt", body, None, "ana@example.com", "<x@y>", date_of(raw))


@pytest.mark.parametrize(
    ("other", "django6_alike"),
    [
        ("Now with ž, so 8bit\n", False),  # the prebuilt one is 7bit
        ("A very long line " * 80 + "\n", False),  # quoted-printable
        ("Other ASCII.\n", True),
        # Django 6 ends every such body with a line break and breaks lines at a bare CR.
        ("No final newline", True),
        ("A bare\rcarriage return\n", True),
    ],
)
def test_bodies_encoded_otherwise_are_left_to_django(other, django6_alike):
    prepared = mail.PreparedEmail("Receipt", "Plain ASCII.\n", any_body=True)
    raw = prepared.as_bytes("ana@example.com", "<x@y>", body=other)
    if other == "Other ASCII.\n" or (mail.MODERN_EMAIL and django6_alike):
        assert raw == djangos("Receipt", other, None, "ana@example.com", "<x@y>", date_of(raw))
    else:
        assert raw is None


def test_slots_fill_the_body_exactly_as_rendering_would():
    body = f"Vaš račun bo izbrisan {TOKEN}.\nPovezava: https://shop.example/r/{TOKEN}/\n"
    prepared = mail.PreparedEmail("Zadeva", body, slots=[TOKEN])
    value = "1. decembra 2026"
    raw = prepared.as_bytes("ana@example.com", "<x@y>", {TOKEN: value})
    filled = body.replace(TOKEN, value)
    assert raw == djangos("Zadeva", filled, None, "ana@example.com", "<x@y>", date_of(raw))
    # A non-ASCII value in a 7bit (ASCII) body would change its encoding: Django builds it.
    ascii_body = f"Erased on {TOKEN}.\n"
    ascii_prepared = mail.PreparedEmail("Subject", ascii_body, slots=[TOKEN])
    assert ascii_prepared.as_bytes("a@example.com", "<x@y>", {TOKEN: "1 décembre"}) is None
    assert ascii_prepared.as_bytes("a@example.com", "<x@y>", {TOKEN: "1 December"}) is not None


LONG_LINE = f"Your deactivated account will be erased on {TOKEN}. To keep it, sign in again:\n"


@pytest.mark.parametrize(
    ("body", "value", "django52", "django6"),
    [
        (f"Link: {TOKEN}\n", "x" * 72, True, True),  # a line of 78 bytes
        (f"Link: {TOKEN}\n", "x" * 73, True, False),  # 79: Django 6 quoted-printable
        (f"Račun: {TOKEN}\n", "ž" * 35, True, True),  # 78 bytes
        (f"Račun: {TOKEN}\n", "ž" * 36, True, False),  # 42 characters, 80 bytes
        (f"Link: {TOKEN}\n", "x" * 992, True, False),  # 998 bytes
        (f"Link: {TOKEN}\n", "x" * 993, False, False),  # 999: 5.2 quoted-printable too
        (f"Č {TOKEN} {TOKEN}\n", "ž" * 250, False, False),  # two values, 1004 bytes
        (f"Last line without a newline\n{TOKEN}", "", False, True),  # 5.2: another kind
        (LONG_LINE + f"https://shop.example/r/{TOKEN}/\n", "1 December 2026", True, True),
        (LONG_LINE + "Bye.\n", "1 décembre 2026", False, True),  # Django 6: QP either way
        (LONG_LINE + "Adijo.\n", "ž" * 30, False, False),  # Django 6: base64, not QP
    ],
)
def test_values_that_change_the_encoding_are_left_to_django(body, value, django52, django6):
    prepared = mail.PreparedEmail("Subject", body, slots=[TOKEN])
    raw = prepared.as_bytes("ana@example.com", "<x@y>", {TOKEN: value})
    if django6 if mail.MODERN_EMAIL else django52:
        filled = body.replace(TOKEN, value)
        assert raw == djangos("Subject", filled, None, "ana@example.com", "<x@y>", date_of(raw))
    else:
        assert raw is None


def test_outbox_falls_back_to_email_messages_for_other_backends():
    prepared = mail.PreparedEmail(SUBJECTS["hr"], TEXTS["hr"], html="<p>x</p>", headers=HEADERS)
    django_mail.outbox = []
    with mail.Outbox() as outbox:
        assert not outbox.smtp  # the tests' locmem backend
        outbox.send(prepared, "ana@example.com", "<id@shop.example>")
    [sent] = django_mail.outbox
    assert sent.subject == SUBJECTS["hr"] and sent.body == TEXTS["hr"]
    assert sent.to == ["ana@example.com"]
    assert sent.extra_headers["Message-ID"] == "<id@shop.example>"
    assert sent.alternatives[0][0] == "<p>x</p>"


def test_outbox_sends_what_djangos_smtp_backend_sends(smtp_sink):  # noqa: F811
    """The same emails through ``Outbox`` and through Django's backend reach the server alike."""
    long_body = LONG_LINE + f"https://shop.example/r/{TOKEN}/\n"
    html = mail.PreparedEmail(SUBJECTS["hr"], TEXTS["hr"], html="<p>x</p>", headers=HEADERS)
    receipt = mail.PreparedEmail("Potrdilo", "Izbrisali smo vaš račun.\n", any_body=True)
    slots = mail.PreparedEmail("Warning", long_body, slots=[TOKEN])
    sends = [
        (html, "ana@example.com", {}, None),
        (html, "x" * 70 + "@example.com", {}, None),
        (html, "Ana Novak <ana@example.com>", {}, None),  # Django's to build
        (html, "ana@exämple.com", {}, None),  # Django's to build (IDN)
        (receipt, "bor@example.com", {}, "Izbrisali smo vaš račun.\nRačuni: 1\n"),
        (receipt, "bor@example.com", {}, "Dolga vrstica: " + "žaba " * 30 + "\n"),
        (slots, "cene@example.com", {TOKEN: "1 December 2026"}, None),
    ]
    message_id = "<privacy.1234567.0123456789abcdef0123456789abcdef@ip-10-0-1-23.internal>"
    with mail.Outbox() as outbox:
        assert outbox.smtp
        for prepared, to, values, body in sends:
            outbox.send(prepared, to, message_id, values, body)
    for prepared, to, values, body in sends:
        prepared.email(to, message_id, values=values, body=body).send()
    received = smtp_sink.messages()
    assert len(received) == 2 * len(sends)
    for ours, theirs in zip(received[: len(sends)], received[len(sends) :], strict=True):
        assert (ours.mail_from, ours.rcpt_tos) == (theirs.mail_from, theirs.rcpt_tos)
        assert date_of(ours.content) and date_of(theirs.content)

        def same(content):
            return boundaryless(re.sub(rb"(?m)^Date: .*\r\n", b"", content))

        assert same(ours.content) == same(theirs.content)
    # The plain addresses went as prebuilt bytes, the others through Django.
    built = [p.as_bytes(to, message_id, values, body) is not None for p, to, values, body in sends]
    assert built == [True, True, False, False, True, not mail.MODERN_EMAIL, True]
