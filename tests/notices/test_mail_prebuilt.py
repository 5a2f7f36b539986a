"""Prebuilt email bytes: the very message Django would build, with only To, Date and
Message-ID (and a body's per-customer values) filled in per recipient."""

import email
import email.policy
import re

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from wagtail_privacy import mail

pytestmark = pytest.mark.skipif(
    not mail.PREBUILT, reason="Django 6: every message is built by Django, none prebuilt"
)

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


def boundaryless(raw):
    """``raw`` with its MIME boundary (random per message) replaced by a fixed one."""
    found = re.search(rb'boundary="([^"]+)"', raw)
    return raw.replace(found.group(1), b"BOUNDARY") if found else raw


def djangos(subject, text, html, to, message_id, date):
    """What Django itself builds for the same email, with the same Date and Message-ID."""
    kind = EmailMessage if html is None else EmailMultiAlternatives
    headers = {"Date": date, "Message-ID": message_id, **HEADERS}
    message = kind(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    if html is not None:
        message.attach_alternative(html, "text/html")
    return mail.wire_bytes(message.message())


def date_of(raw):
    return re.search(rb"^Date: (.+)\r$", raw, re.MULTILINE).group(1).decode()


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
        expected = djangos(subject, text, html, to, message_id, date_of(raw))
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
    # Subjects are RFC 2047 encoded words when not ASCII, and decode to the original.
    assert message["Subject"].strip() == subject
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
    # Lines end in CRLF on the wire, as SMTP wants.
    assert plain.get_content() == text.replace("\n", "\r\n")
    assert rich.get_content() == html.replace("\n", "\r\n")


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


def test_long_lines_are_quoted_printable_as_django_does():
    text = "Dolga vrstica: " + "žaba " * 300 + "\n"
    prepared = mail.PreparedEmail("Zadeva", text, html=None)
    raw = prepared.as_bytes("ana@example.com", "<x@y>")
    assert b"Content-Transfer-Encoding: quoted-printable" in raw
    assert boundaryless(raw) == boundaryless(
        djangos("Zadeva", text, None, "ana@example.com", "<x@y>", date_of(raw)).replace(
            b"Auto-Submitted: auto-generated\r\n", b""
        )
    )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content().replace("\r\n", "\n") == text


@pytest.mark.parametrize(
    "address",
    [
        "Ana Šemrov <ana@example.com>",
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


def test_plain_addresses_need_no_encoding():
    for address in [
        "ana@example.com",
        "Ana.Novak+shop@Example.COM",
        "o'neil@mail.example.org",
        "x_y-z=1{2}@a-b.example",
    ]:
        assert sanitize_address(address, "utf-8") == address
        assert mail.PreparedEmail("S", "B\n").as_bytes(address, "<x@y>") is not None


def test_slots_fill_the_body_exactly_as_rendering_would():
    token = "slot0123456789abcdef0123456789abcdef"
    body = f"Vaš račun bo izbrisan {token}.\nPovezava: https://shop.example/r/{token}/\n"
    prepared = mail.PreparedEmail("Zadeva", body, slots=[token])
    value = "1. decembra 2026"
    raw = prepared.as_bytes("ana@example.com", "<x@y>", {token: value})
    filled = body.replace(token, value)
    expected = djangos("Zadeva", filled, None, "ana@example.com", "<x@y>", date_of(raw))
    assert raw == expected.replace(b"Auto-Submitted: auto-generated\r\n", b"")
    # A non-ASCII value in a 7bit (ASCII) body would change its encoding: Django builds it.
    ascii_body = f"Erased on {token}.\n"
    ascii_prepared = mail.PreparedEmail("Subject", ascii_body, slots=[token])
    assert ascii_prepared.as_bytes("a@example.com", "<x@y>", {token: "1 décembre"}) is None
    assert ascii_prepared.as_bytes("a@example.com", "<x@y>", {token: "1 December"}) is not None


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
        expected = djangos("Receipt", body, None, "ana@example.com", "<x@y>", date_of(raw))
        assert raw == expected.replace(b"Auto-Submitted: auto-generated\r\n", b"")


@pytest.mark.parametrize(
    "other",
    [
        "Now with ž, so 8bit\n",  # the prebuilt one is 7bit
        "No final newline",  # the prebuilt one ends with one
        "A very long line " * 80 + "\n",  # quoted-printable
        "A bare\rcarriage return\n",
    ],
)
def test_bodies_encoded_otherwise_are_left_to_django(other):
    prepared = mail.PreparedEmail("Receipt", "Plain ASCII.\n", any_body=True)
    assert prepared.as_bytes("ana@example.com", "<x@y>", body=other) is None
    assert prepared.as_bytes("ana@example.com", "<x@y>", body="Other ASCII.\n") is not None


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
