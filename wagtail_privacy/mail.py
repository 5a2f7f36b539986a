"""Emails to customers, rendered in each customer's language and sent prebuilt.

Templates come in pairs: ``wagtail_privacy/emails/<name>_subject.txt`` and ``<name>.txt``.
One email to one customer goes through ``send``. Sweeps that email many customers build the
messages with ``customer_messages`` and send them with ``send_each`` over one connection.

Mass emails are built once and sent many times. ``customer_messages`` renders each distinct
text once: a context shared by a language's customers once per language; values that differ
per customer (a date, a link) are filled into that one rendering when that is provably the
same as rendering again, else each distinct context is rendered once. Each distinct text is
turned into bytes once, by Django itself (``PreparedEmail``), with placeholders where To, Date
and Message-ID (and, where customers' texts differ, the body) go. Over Django's SMTP backend
the filled-in bytes go straight to the open connection (``Outbox``); any other backend (locmem
in the tests, the console, a host's own) gets ordinary ``EmailMessage`` objects with the same
texts.
"""

import re
import smtplib
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from email.message import MIMEPart
from email.policy import SMTP as SMTP_POLICY  # what Django 6's SMTP backend builds with
from email.policy import compat32
from email.utils import format_datetime, formatdate, make_msgid

import django
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from wagtail.models import Site

from . import formats as privacy_formats
from .conf import privacy_settings


def local_date(value):
    """A date as customers read it, in the active language and the site's time zone."""
    return privacy_formats.date(value)


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

#: Django 6 builds messages with the standard library's email API (``email.message``; its SMTP
#: backend with ``email.policy.SMTP``), Django 5.2 with its own ``SafeMIME`` classes. The bytes
#: are prebuilt on both, each by its own rules (``_header_line``, ``_date_line``, ``_body``).
MODERN_EMAIL = django.VERSION >= (6, 0)

#: Whether mass emails are sent as prebuilt bytes (over Django's SMTP backend): always.
PREBUILT = True

# What the bytes path takes as it is: an ASCII dot-atom address, which Django puts in the To
# header and the envelope unchanged. Anything else (a display name, non-ASCII, IDN) goes
# through Django, which encodes it.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
_PLAIN_ADDRESS = re.compile(rf"{_DOT_ATOM}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\Z")
# A Message-ID that both parse as it is (Django 6 parses it as a msg-id: dot-atoms only).
_PLAIN_MESSAGE_ID = re.compile(rf"<{_DOT_ATOM}@{_DOT_ATOM}>\Z")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_LONGEST_VALUE = 200  # characters of a value filled into one rendering (``_fillable``)
# Bodies other than its own a prebuilt message keeps encoded, for the recipients that share
# them (receipts alike): a handful per batch, and a bound on the memory.
_BODIES_KEPT = 64
# The policy of Django's messages, writing CRLF: the folding and parsing of their headers.
_HEADER_POLICY = SMTP_POLICY if MODERN_EMAIL else compat32.clone(linesep="\r\n")
_date_cache = (None, b"")


def _date_line():
    """The Date header line Django would write now, computed once a second.

    Django 6 sets ``datetime.now()`` in the current time zone (or UTC), which the standard
    library writes with ``format_datetime`` ("+0000"); Django 5.2 writes ``formatdate``
    (the system's time zone, or "-0000").
    """
    global _date_cache
    localtime = settings.EMAIL_USE_LOCALTIME
    if MODERN_EMAIL:
        zone = timezone.get_current_timezone() if localtime else UTC
    else:
        zone = localtime
    key = (int(time.time()), zone)
    if _date_cache[0] != key:
        if MODERN_EMAIL:
            value = format_datetime(datetime.fromtimestamp(key[0], zone))
        else:
            value = formatdate(key[0], localtime=localtime)
        _date_cache = (key, f"Date: {value}\r\n".encode())
    return _date_cache[1]


def _header_line(name, value):
    """The header ``name: value`` as Django writes it, for a plain value (no spaces, ASCII)."""
    line = f"{name}: {value}\r\n"
    if len(line) - 2 <= _HEADER_POLICY.max_line_length:
        return line.encode()  # fits on a line: written as it is
    # Folded by rules that differ between versions of the standard library: have it fold the
    # header as Django's message does (``Message.__setitem__``, then the generator).
    return _HEADER_POLICY.fold_binary(*_HEADER_POLICY.header_store_parse(name, value))


def wire_bytes(message):
    """The bytes Django's SMTP backend sends for ``message`` (CRLF line ends).

    ``message`` is a Django ``EmailMessage``, built here as the backend builds it, or a message
    Django built. Django 5.2 builds ``SafeMIME`` messages (``as_bytes(linesep=...)``); Django 6
    builds the standard library's ``EmailMessage`` with ``email.policy.SMTP``, whose CRLF also
    goes into base64 bodies: one built with the default policy differs in those.
    """
    if isinstance(message, EmailMessage):
        if MODERN_EMAIL:
            return message.message(policy=SMTP_POLICY).as_bytes()
        message = message.message()
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
    per recipient only the To, Date and Message-ID lines are filled in, and also the body:

    - with ``slots``, the text with the tokens replaced by the recipient's ``values``; or
    - with ``any_body``, the recipient's own ``body`` (``body`` is a representative, the first
      customer's);

    encoded as Django encodes it (``_body``), if Django gives it the same headers (the same
    kind) as the text it built.

    None means "send this one through Django" (an address or a Message-ID that Django would
    encode, a body of another kind, a text Django did not write as expected).
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
        self.kind = None  # of the body, when it is filled in per recipient
        self._literals = None  # the bytes between the placeholders, built on first use
        self._keys = None
        self._body_bytes = None
        self._bodies = {}  # other recipients' bodies, encoded: a few kept (``_BODIES_KEPT``)

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

    def _build(self):
        """Have Django build the message once; keep the bytes around its placeholders."""
        self._literals = False  # unless all goes well: Django builds each message
        if any(name.lower() == "date" for name in self.headers):
            return  # a fixed Date: not the one filled in
        marker = uuid.uuid4().hex
        to = f"to{marker}@placeholder.invalid"
        message_id = f"<id{marker}@placeholder.invalid>"
        head, _, body = wire_bytes(self.email(to, message_id)).partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        # The placeholders fit on their lines, so Django wrote each on one line of its own.
        fields = {f"To: {to}".encode(): "to", f"Message-ID: {message_id}".encode(): "id"}
        literals, keys, literal = [], [], b""
        for line in lines:
            key = "date" if line.startswith(b"Date: ") else fields.get(line)
            if key is None:
                literal += line + b"\r\n"
            else:
                literals.append(literal)
                keys.append(key)
                literal = b""
        literal += b"\r\n"
        if self.slots or self.any_body:
            # The text differs per recipient: Django must have written this one as ``_body``
            # says, under the headers of its kind (the transfer encoding).
            built = _body(self.body)
            if built is None or built[1] != body:
                return
            if f"Content-Transfer-Encoding: {built[0][0]}".encode() not in lines:
                return
            self.kind, self._body_bytes = built
            literals.append(literal)
            keys.append("body")
            literal = b""
        else:
            literal += body
        literals.append(literal)
        expected = ["to", "id", "date"] + (["body"] if self._body_bytes is not None else [])
        if sorted(keys) != sorted(expected):  # each once, in the message's own header
            return
        self._literals, self._keys = literals, keys

    def as_bytes(self, to, message_id, values=None, body=None):
        """The message to ``to`` in wire format, or None where Django has to build it.

        The bytes Django's SMTP backend would send for ``email(to, message_id, values=values,
        body=body)``, apart from the Date (now).
        """
        if self._literals is None:
            self._build()
        if (
            self._literals is False
            or len(to) > 254
            or not _PLAIN_ADDRESS.match(to)
            or not _PLAIN_MESSAGE_ID.match(message_id)
        ):
            return None
        filled = {
            "to": _header_line("To", to),
            "id": _header_line("Message-ID", message_id),
            "date": _date_line(),
        }
        text = self.texts(values, body)[1]
        if self._body_bytes is None:
            if text != self.body:
                return None  # built with this very text
        elif text == self.body:
            filled["body"] = self._body_bytes
        else:
            built = self._bodies.get(text)
            if built is None:
                built = _body(text)
                if len(self._bodies) < _BODIES_KEPT:
                    self._bodies[text] = built
            if built is None or built[0] != self.kind:
                return None
            filled["body"] = built[1]
        literals = self._literals
        parts = [literals[0]]
        for literal, key in zip(literals[1:], self._keys, strict=True):
            parts.append(filled[key])
            parts.append(literal)
        return b"".join(parts)


def _body(text):
    """(kind, bytes) of ``text`` as the text body Django writes, or None where that is not
    certain here. Django gives the bodies of one kind the same headers (the same
    Content-Transfer-Encoding), so one prebuilt message serves them all."""
    return _body_django6(text) if MODERN_EMAIL else _body_django52(text)


def _body_kind(text):
    """The kind of ``text`` as a body (see ``_body``), or None."""
    body = _body(text)
    return None if body is None else body[0]


def _body_django52(text):
    # SafeMIMEText.set_payload writes a "utf-8" body as it is (7bit, or 8bit if not ASCII)
    # unless a line (``str.splitlines``) is over 998 bytes: then quoted-printable. Bare CRs, NULs
    # and the trailing newline stay out of (or part of) the kind, as the 5.2 path always had.
    if settings.DEFAULT_CHARSET != "utf-8" or "\r" in text or "\x00" in text:
        return None
    try:
        lengths = [len(line.encode()) for line in text.splitlines()]
    except UnicodeEncodeError:
        return None
    if max(lengths, default=0) > 998:
        return None
    return ("7bit" if text.isascii() else "8bit", text.endswith("\n")), _wire(text)


def _wire(text):
    """``text`` as Django 5.2 puts a 7bit or 8bit body on the wire: UTF-8, lines ending in CRLF."""
    return "\r\n".join(_LINE_BREAKS.split(text)).encode()


def _body_django6(text):
    # EmailMessage._add_bodies calls ``set_content(body, charset=...)``; the standard library
    # (email.contentmanager) splits the encoded text at CR, LF and CRLF and, if no line is over
    # the policy's 78 bytes, writes it as it is (7bit, or 8bit if not ASCII) with every line,
    # the last one too, ending in a line break (CRLF under the SMTP policy).
    charset = settings.DEFAULT_CHARSET
    try:
        data = text.encode(charset)
    except (UnicodeError, LookupError):
        return None  # Django fails on it too
    lines = data.splitlines()
    if max(map(len, lines), default=0) <= SMTP_POLICY.max_line_length:
        return ("7bit" if data.isascii() else "8bit",), b"\r\n".join(lines) + b"\r\n"
    # Longer lines: quoted-printable or base64, as the standard library chooses and encodes
    # them; ask it the same way Django does. The generator ends its lines in CRLF.
    part = MIMEPart(policy=SMTP_POLICY)
    part.set_content(text, subtype="plain", charset=charset)
    payload = _LINE_BREAKS.sub("\r\n", part.get_payload()).encode("ascii")
    return (str(part["Content-Transfer-Encoding"]),), payload


def plain_smtp(connection):
    """Whether ``connection`` is Django's own SMTP backend (not a subclass changing sending)."""
    kind = type(connection)
    own = ("_send", "send_messages", "prep_address")  # prep_address: Django 6
    return (
        isinstance(connection, SMTPBackend)
        and all(getattr(kind, name, None) is getattr(SMTPBackend, name, None) for name in own)
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
        self._senders = {}

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
                self.connection.connection.sendmail(self._sender(prepared.from_email), [to], data)
                return
        prepared.email(to, message_id, self.connection, values, body).send()

    def _sender(self, from_email):
        """The envelope sender the backend's ``_send`` makes of ``from_email``."""
        if from_email not in self._senders:
            if MODERN_EMAIL:
                sender = self.connection.prep_address(from_email)
            else:
                sender = sanitize_address(from_email, settings.DEFAULT_CHARSET)
            self._senders[from_email] = sender
        return self._senders[from_email]

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
        subject share one prebuilt message when Django would encode them alike. A context
        given for several customers (the same object: ``customer_messages``' ``key_of``) is
        looked at once."""
        rendered, shared, seen, result = {}, {}, {}, []
        for key, address, context in items:
            known = seen.get(id(context))
            if known is None:  # the context is kept with it, so its id stays its own
                known = (context, *self._prepared_for(context, rendered, shared))
                seen[id(context)] = known
            _context, prepared, own = known
            result.append((key, Outgoing(address, prepared, body=own)))
        return result

    def _prepared_for(self, context, rendered, shared):
        """(PreparedEmail, the body if not the prepared one's) of one context."""
        try:
            frozen = _freeze(context)
        except TypeError:
            frozen = object()  # not comparable: rendered on its own
        if frozen not in rendered:
            rendered[frozen] = self.texts(context)
        subject, body = rendered[frozen]
        kind = _body_kind(body)
        if kind is None:
            return self.prepare(subject, body), None
        if (subject, kind) not in shared:
            shared[subject, kind] = PreparedEmail(subject, body, any_body=True)
        prepared = shared[subject, kind]
        return prepared, None if body == prepared.body else body


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


def customer_messages(users, name, context_of, *, key_of=None):
    """{user pk: ``Outgoing``} for the users with an address, for ``send_each``.

    ``context_of(user)`` is called with the customer's language active, so dates and links
    read as the customer expects. Each distinct text is rendered and built once (see above).

    With ``key_of``, customers of one language whose ``key_of(user)`` (hashable) is equal have
    the same context: ``context_of`` is called for the first of them only, and their email is
    rendered, built and encoded once, only the address being theirs (erasure receipts: the
    customers whose records were alike).
    """
    from .i18n import customer_languages

    languages = customer_languages(users)
    groups, shared = {}, {}
    for user in users:
        address = email_address(user)
        if not address:
            continue
        language = languages[user.pk]
        key = None if key_of is None else (language, key_of(user))
        context = shared.get(key) if key is not None else None
        if context is None:
            with translation.override(language):
                context = context_of(user)
            if key is not None:
                shared[key] = context
        groups.setdefault(language, []).append((user.pk, address, context))
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
