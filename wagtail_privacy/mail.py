"""Emails to customers, rendered in each customer's language and sent prebuilt.

Templates come in pairs: ``wagtail_privacy/emails/<name>_subject.txt`` and ``<name>.txt``.
One email to one customer goes through ``send``. Sweeps that email many customers build the
messages with ``customer_messages`` and send them with ``send_each`` over one connection.

Mass emails are built once and sent many times. ``customer_messages`` renders each distinct
text once: a context shared by a language's customers once per language; values that differ
per customer (a date, a link) are filled into that one rendering when that is provably the
same as rendering again, else each distinct context is rendered once. Each distinct text is
turned into bytes once, by Django itself (``PreparedEmail``), with placeholders where To, Date
and Message-ID (and the per-customer values) go. Over Django's SMTP backend the filled-in bytes
go straight to the open connection (``Outbox``); any other backend (locmem in the tests, the
console, a host's own) gets ordinary ``EmailMessage`` objects with the same texts.
"""

import re
import smtplib
import time
import uuid
from datetime import date, datetime
from decimal import Decimal
from email.utils import formatdate, make_msgid

import django
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.template.loader import get_template, render_to_string
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from wagtail.models import Site

from .conf import privacy_settings


def local_date(value):
    """A date as customers read it, in the active language and the site's time zone."""
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def site_root():
    """The default site's root URL without the trailing slash, for links in emails."""
    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else "").rstrip("/")


def email_address(user):
    return getattr(user, user.get_email_field_name(), "") or ""


def render(name, context, language):
    """(subject, body) of the email ``name`` in ``language``."""
    with translation.override(language):
        context = {"shop_name": privacy_settings.shop_name, **context}
        subject = " ".join(
            render_to_string(f"wagtail_privacy/emails/{name}_subject.txt", context).split()
        )
        body = render_to_string(f"wagtail_privacy/emails/{name}.txt", context)
    return subject, body


def message(address, name, context, language):
    subject, body = render(name, context, language)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def send(address, name, context, language):
    """Send one email now; returns whether there was an address to send it to."""
    if not address:
        return False
    message(address, name, context, language).send()
    return True


# --- Prebuilt messages ---------------------------------------------------------------------

# What the bytes path takes as it is: an ASCII dot-atom address, which Django puts in the To
# header and the envelope unchanged. Anything else (a display name, non-ASCII, IDN) goes
# through Django, which encodes it.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(\.{_ATOM})*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\Z")
_PLAIN_MESSAGE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>\Z")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_LONGEST_VALUE = 200  # characters of a value filled into the bytes; lines stay far below 998
_date_cache = [None, b""]


def _date_header():
    """The Date header Django would write now (``formatdate``), computed once a second."""
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[1] = formatdate(now, localtime=settings.EMAIL_USE_LOCALTIME).encode()
        _date_cache[0] = now
    return _date_cache[1]


#: Messages are prebuilt as bytes on the MIME classes of Django 5.2 (whose output the bytes
#: are checked against); Django 6's email API builds messages otherwise, so there Django
#: builds every message until the prebuilt path is ported to it.
PREBUILT = django.VERSION < (6, 0)


def wire_bytes(message):
    """A message built by Django as the bytes an SMTP server receives (CRLF line ends).

    Django 5.2 builds ``SafeMIME`` messages (``as_bytes(linesep=...)``); Django 6 builds the
    standard library's modern ``EmailMessage`` (``as_bytes(policy=...)``).
    """
    try:
        return message.as_bytes(linesep="\r\n")
    except TypeError:
        return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def new_message_id():
    return make_msgid(domain=DNS_NAME)


class PreparedEmail:
    """One email built once and sent to many recipients.

    ``email()`` gives it as an ordinary Django message for any backend. ``as_bytes()`` gives
    the wire format Django's SMTP backend would send, built by Django once with placeholders;
    per recipient only To, Date and Message-ID are filled in, and also either

    - the ``slots`` of the body: tokens in the text, replaced by per-recipient ``values``; or
    - with ``any_body``, the whole text body: ``body`` is then a representative (the first
      customer's), and a recipient's own ``body`` of the same kind (ASCII or not, the same
      line ending, no long lines, so the same transfer encoding) takes its place.

    None means "send this one through Django" (an address or value that Django would encode,
    a body of another kind, a text Django did not embed as it is).
    """

    def __init__(
        self,
        subject,
        body,
        *,
        html=None,
        headers=None,
        from_email=None,
        slots=(),
        any_body=False,
    ):
        self.subject, self.body, self.html = subject, body, html
        self.headers = dict(headers or {})
        self.from_email = from_email or settings.DEFAULT_FROM_EMAIL
        self.slots = tuple(slots) if html is None else ()
        self.any_body = any_body and html is None and not self.slots
        self.kind = _body_kind(body)
        self._literals = None  # the bytes between the placeholders, built on first use
        self._keys = None
        self._envelope_from = None

    def texts(self, values=None, body=None):
        """(subject, body, html) with the slot ``values`` ({token: value}) or ``body``."""
        if body is None:
            body = self.body
            for token, value in (values or {}).items():
                body = body.replace(token, value)
        return self.subject, body, self.html

    def email(self, to, message_id=None, connection=None, values=None, body=None):
        """The same email as a Django ``EmailMessage`` (``EmailMultiAlternatives`` with HTML)."""
        subject, body, html = self.texts(values, body)
        headers = {"Message-ID": message_id} if message_id else {}
        headers.update(self.headers)
        kind = EmailMessage if html is None else EmailMultiAlternatives
        email = kind(subject, body, self.from_email, [to], connection=connection, headers=headers)
        if html is not None:
            email.attach_alternative(html, "text/html")
        return email

    @property
    def envelope_from(self):
        if self._envelope_from is None:
            self._envelope_from = sanitize_address(self.from_email, settings.DEFAULT_CHARSET)
        return self._envelope_from

    def _build(self):
        """Have Django build the message once; keep the bytes around its placeholders."""
        self._literals = False  # unless all goes well: Django builds each message
        if not PREBUILT:
            return
        marker = uuid.uuid4().hex
        to = f"to{marker}@placeholder.invalid"
        message_id = f"<id{marker}@placeholder.invalid>"
        raw = wire_bytes(self.email(to, message_id).message())
        head = raw.find(b"\r\n\r\n")
        date = re.search(rb"^Date: ([^\r\n]+)\r?$", raw[:head], re.MULTILINE)
        if date is None:
            return
        date_token = f"date{marker}".encode()
        raw = raw[: date.start(1)] + date_token + raw[date.end(1) :]
        head = raw.find(b"\r\n\r\n")
        placeholders = {to.encode(): "to", message_id.encode(): "id", date_token: "date"}
        # The text as Django embeds a 7bit or 8bit body: as it is, lines ending in CRLF.
        body = _wire(self.body)
        if self.slots or self.any_body:
            if self.kind is None or raw.find(body, head) < 0:
                return  # quoted-printable or base64 (long lines): Django builds each one
        if self.any_body:
            start = raw.find(body, head)
            if not body or raw.find(body, start + 1) >= 0:
                return
            body_token = f"body{marker}".encode()
            raw = raw[:start] + body_token + raw[start + len(body) :]
            placeholders[body_token] = "body"
        for token in self.slots:
            placeholders[token.encode()] = token
        pattern = re.compile(b"(" + b"|".join(re.escape(t) for t in placeholders) + b")")
        pieces = pattern.split(raw)
        literals, keys = pieces[0::2], [placeholders[t] for t in pieces[1::2]]
        # To, Date and Message-ID once each, all in the message's own header; every slot
        # wherever the text has it.
        head = raw.find(b"\r\n\r\n")
        fixed = ("to", "id", "date")
        if not all(keys.count(key) == 1 for key in fixed):
            return
        if not all(raw.find(t) < head for t, key in placeholders.items() if key in fixed):
            return
        if not all(keys.count(t) == self.body.count(t) for t in self.slots):
            return
        self._literals, self._keys = literals, keys

    def as_bytes(self, to, message_id, values=None, body=None):
        """The message to ``to`` in wire format, or None where Django has to build it."""
        if self._literals is None:
            self._build()
        if (
            self._literals is False
            or len(to) > 254
            or not _PLAIN_ADDRESS.match(to)
            or not _PLAIN_MESSAGE_ID.match(message_id)
        ):
            return None
        filled = {"to": to.encode(), "id": message_id.encode(), "date": _date_header()}
        if self.any_body:
            if body is None or body == self.body:
                body = self.body
            elif _body_kind(body) != self.kind:
                return None
            filled["body"] = _wire(body)
        eight_bit = self.kind is not None and self.kind[0] == "8bit"
        for token in self.slots:
            value = (values or {}).get(token, "")
            if not _fits_bytes(value, eight_bit):
                return None
            filled[token] = value.encode()
        literals = self._literals
        parts = [literals[0]]
        for literal, key in zip(literals[1:], self._keys, strict=True):
            parts.append(filled[key])
            parts.append(literal)
        return b"".join(parts)


def _wire(text):
    """``text`` as Django puts a 7bit or 8bit body on the wire: UTF-8, lines ending in CRLF."""
    return "\r\n".join(_LINE_BREAKS.split(text)).encode()


def _body_kind(text):
    """What decides how Django encodes a text body, or None when it would not embed it as
    it is (long lines: quoted-printable) or it has a bare CR; bodies of one kind are
    encoded alike, so one prebuilt message serves them all."""
    if "\r" in text or "\x00" in text:
        return None
    lines = text.split("\n")
    if max(len(line.encode()) for line in lines) > 998 - 2 * _LONGEST_VALUE:
        return None
    return ("7bit" if text.isascii() else "8bit", text.endswith("\n"))


def _fits_bytes(value, eight_bit):
    """Whether ``value`` can go into a 7bit (``eight_bit`` False) or 8bit body as it is."""
    return (
        isinstance(value, str)
        and len(value) <= _LONGEST_VALUE
        and "\r" not in value
        and "\n" not in value
        and (eight_bit or value.isascii())
    )


def plain_smtp(connection):
    """Whether ``connection`` is Django's own SMTP backend (not a subclass changing sending)."""
    kind = type(connection)
    return (
        isinstance(connection, SMTPBackend)
        and kind._send is SMTPBackend._send
        and kind.send_messages is SMTPBackend.send_messages
        and not connection.fail_silently
    )


def connection_lost(error):
    """Whether ``error`` means the mail connection is gone (as opposed to one refusal)."""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


class Outbox:
    """Sends prepared emails over one connection of the configured backend.

    Over Django's SMTP backend the prebuilt bytes go to ``connection.connection.sendmail``,
    as the backend itself would send them; other backends get ``EmailMessage`` objects.
    Use it as a context manager, or call ``open()`` and ``close()``.
    """

    def __init__(self, connection=None):
        self.connection = connection or get_connection()
        self.smtp = plain_smtp(self.connection)
        self.opened = False

    def open(self):
        if not self.opened:
            # Through the backend's own context protocol, which every backend has.
            self.connection.__enter__()
            self.opened = True

    def close(self):
        if self.opened:
            self.opened = False
            self.connection.__exit__(None, None, None)

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def send(self, prepared, to, message_id=None, values=None, body=None):
        """Send ``prepared`` to ``to``; raises what the backend raises."""
        self.open()
        message_id = message_id or new_message_id()
        if self.smtp:
            data = prepared.as_bytes(to, message_id, values, body)
            if data is not None:
                if self.connection.connection is None:  # closed meanwhile: Django reopens too
                    self.connection.open()
                # A plain address (the only kind with bytes) is its own sanitized form.
                self.connection.connection.sendmail(prepared.envelope_from, [to], data)
                return
        prepared.email(to, message_id, self.connection, values, body).send()

    def send_message(self, email):
        """Send an ``Outgoing`` (from ``customer_messages``) or a Django ``EmailMessage``."""
        if isinstance(email, Outgoing):
            self.send(email.prepared, email.to, email.message_id, email.values, email.body)
        else:
            self.open()
            email.connection = self.connection
            email.send()


class Outgoing:
    """One customer's email of a sweep: a shared ``PreparedEmail`` and what is theirs."""

    __slots__ = ("to", "prepared", "values", "body", "message_id")

    def __init__(self, to, prepared, values=None, body=None, message_id=None):
        self.to, self.prepared, self.values, self.body = to, prepared, values, body
        self.message_id = message_id

    def texts(self):
        return self.prepared.texts(self.values, self.body)

    def email(self, connection=None):
        return self.prepared.email(self.to, self.message_id, connection, self.values, self.body)


# --- Many customers ------------------------------------------------------------------------


class _Renderer:
    """Renders the email ``name``: templates loaded once, each distinct text built once."""

    def __init__(self, name):
        base = f"wagtail_privacy/emails/{name}"
        self.subject_template = get_template(f"{base}_subject.txt")
        self.body_template = get_template(f"{base}.txt")
        self.shop_name = privacy_settings.shop_name
        self.prepared = {}

    def texts(self, context):
        """(subject, body); call it with the customer's language active."""
        context = {"shop_name": self.shop_name, **context}
        subject = " ".join(self.subject_template.render(context).split())
        return subject, self.body_template.render(context)

    def prepare(self, subject, body, slots=()):
        key = (subject, body, slots)
        if key not in self.prepared:
            self.prepared[key] = PreparedEmail(subject, body, slots=slots)
        return self.prepared[key]

    def group(self, items):
        """[(key, Outgoing)] for ``items`` [(key, address, context)] of one language."""
        first = items[0][2]
        names = set(first)
        if all(set(context) == names for _, _, context in items):
            varying = sorted(
                name for name in names if any(c[name] != first[name] for _, _, c in items)
            )
            if not varying:
                prepared = self.prepare(*self.texts(first))
                return [(key, Outgoing(address, prepared)) for key, address, _ in items]
            filled = self._filled(items, varying)
            if filled is not None:
                return filled
        return self._each_context(items)

    def _filled(self, items, varying):
        """Render once with a token for each value in ``varying`` and fill the values in.

        Only for plain one-line strings that HTML escaping leaves as they are, and only if
        filling in gives exactly what rendering does for the first and the last customer
        (a template could transform a value or test it); else None.
        """
        if not all(_fillable(c[name]) for _, _, c in items for name in varying):
            return None
        tokens = {name: f"slot{uuid.uuid4().hex}" for name in varying}
        subject_t, body_t = self.texts({**items[0][2], **tokens})

        def fill(text, context):
            for name, token in tokens.items():
                text = text.replace(token, context[name])
            return text

        for _, _, context in (items[0], items[-1]):
            if (fill(subject_t, context), fill(body_t, context)) != self.texts(context):
                return None
        slots = tuple(token for token in tokens.values() if token in body_t)
        result = []
        for key, address, context in items:
            prepared = self.prepare(fill(subject_t, context), body_t, slots)
            values = {tokens[name]: context[name] for name in varying if tokens[name] in slots}
            result.append((key, Outgoing(address, prepared, values)))
        return result

    def _each_context(self, items):
        """Each distinct context rendered once (receipts often repeat); the bodies of one
        subject share one prebuilt message when Django would encode them alike."""
        rendered, shared, result = {}, {}, []
        for key, address, context in items:
            try:
                frozen = _freeze(context)
            except TypeError:
                frozen = object()  # not comparable: rendered on its own
            if frozen not in rendered:
                rendered[frozen] = self.texts(context)
            subject, body = rendered[frozen]
            kind = _body_kind(body)
            if kind is None:
                result.append((key, Outgoing(address, self.prepare(subject, body))))
                continue
            if (subject, kind) not in shared:
                shared[subject, kind] = PreparedEmail(subject, body, any_body=True)
            prepared = shared[subject, kind]
            own = None if body == prepared.body else body
            result.append((key, Outgoing(address, prepared, body=own)))
        return result


def _fillable(value):
    return (
        isinstance(value, str)
        and value != ""
        and value == " ".join(value.split())
        and len(value) <= _LONGEST_VALUE
        and escape(value) == value
    )


def _freeze(value):
    """A hashable equivalent of a template context (TypeError for what it cannot compare)."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _freeze(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(_freeze(v) for v in value))
    if isinstance(value, Promise):
        return ("str", str(value))
    if isinstance(value, datetime):
        return ("datetime", value.isoformat(), str(value.tzinfo))
    if value is None or isinstance(value, str | int | float | bool | date | Decimal):
        return (type(value).__name__, value)
    raise TypeError(type(value).__name__)


def customer_messages(users, name, context_of):
    """{user pk: ``Outgoing``} for the users with an address, for ``send_each``.

    ``context_of(user)`` is called with the customer's language active, so dates and links
    read as the customer expects. Each distinct text is rendered and built once (see above).
    """
    from .notices.audience import customer_languages

    languages = customer_languages(users)
    groups = {}
    for user in users:
        address = email_address(user)
        if address:
            with translation.override(languages[user.pk]):
                context = context_of(user)
            groups.setdefault(languages[user.pk], []).append((user.pk, address, context))
    if not groups:
        return {}
    renderer = _Renderer(name)
    messages = {}
    for language, items in groups.items():
        with translation.override(language):
            messages.update(renderer.group(items))
    return {user.pk: messages[user.pk] for user in users if user.pk in messages}


def send_each(messages):
    """Send {key: message} over one connection, yielding each key once its message is sent.

    Messages are ``Outgoing`` (from ``customer_messages``) or Django ``EmailMessage``s.
    Callers collect the keys and record them in a ``finally`` block, so a failure midway
    neither loses the record of the messages already sent nor sends them twice next time.
    """
    if not messages:
        return
    with Outbox() as outbox:
        for key, email in messages.items():
            outbox.send_message(email)
            yield key
