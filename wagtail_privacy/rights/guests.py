"""Requests by email address: guests without an account, and requests staff receive by mail.

A request is opened ``AWAITING_IDENTITY`` for an address; the plugin emails that address a
confirmation link (signed, single use, expiring after ``REQUEST_CONFIRMATION_TTL``, bound to
its request). The statutory clock is paused until the person confirms: ``due_at`` counts from
``identity_confirmed_at``. Unconfirmed requests are closed as ``UNVERIFIED`` by privacy_tick
once their link has expired. Staff may instead record another proof (an identity document
seen in the shop, a signed letter), which confirms the identity at once.

Confirming the address proves control of the mailbox, which is all a guest has. The address
of an account is answered differently: its owner is sent to the privacy centre (sign in, then
a step-up), and the request is closed, so confirming an address never opens an account's data
to anyone; only records kept without an account are found by email.

The public form (``submit``) answers the same whatever the address: the look-up and the email
are a task enqueued on commit, so neither the answer nor its timing depends on them.
"""

import logging
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import mail, throttling
from ..conf import privacy_settings
from ..exceptions import PrivacyError
from ..i18n import default_language
from ..periods import Period
from ..sources import registry
from ..verification.service import Throttled
from . import ledger
from .models import (
    DataExport,
    DataRequest,
    IdentityMethod,
    RequestChannel,
    RequestKind,
    RequestStatus,
)

CONFIRM_SALT = "wagtail_privacy.request.confirm"
#: The kinds the public form takes, by their name in the API.
KINDS = {"export": RequestKind.ACCESS, "erasure": RequestKind.ERASURE}
THROTTLE_KEY = "wagtail_privacy:public_request:{}"
logger = logging.getLogger("wagtail_privacy.rights")


def normalise(email):
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise PrivacyError(
            _("Enter a valid email address."), code="invalid_input", status=422
        ) from None
    return address


def _throttle(address, ip):
    """Count one request for the address and one for the IP; ``Throttled`` beyond a limit."""
    window = privacy_settings.PUBLIC_REQUEST_WINDOW
    over = [
        throttling.hit(THROTTLE_KEY.format(kind), value, limit, window)
        for kind, value, limit in (
            ("address", address, privacy_settings.PUBLIC_REQUESTS_PER_ADDRESS),
            ("ip", ip, privacy_settings.PUBLIC_REQUESTS_PER_IP),
        )
    ]
    if any(over):
        raise Throttled(
            _("Too many requests: try again later."), params={"retry_after": int(window)}
        )


def submit(email, kind, *, language="", ip=None):
    """The public form: open a request for ``email`` awaiting its owner's confirmation.

    Returns nothing the caller could tell addresses apart by. The email goes from a task.
    """
    if kind not in KINDS:
        raise PrivacyError(_("Unknown kind of request."), code="invalid_input", status=422)
    address = normalise(email)
    _throttle(address, ip)
    with transaction.atomic():
        request = ledger.open_request(
            kind=KINDS[kind],
            channel=RequestChannel.SELF_SERVICE,
            contact_email=address,
            status=RequestStatus.AWAITING_IDENTITY,
            language=language,
        )
        _send_on_commit(request.pk)


def open_for_email(email, kind, *, channel, received_at, actor, note="", language=""):
    """Staff open a request for an address, to be confirmed by link or another method."""
    request = ledger.open_request(
        kind=kind,
        channel=channel,
        contact_email=normalise(email),
        received_at=received_at,
        actor=actor,
        note=note,
        status=RequestStatus.AWAITING_IDENTITY,
        language=language or default_language(),
    )
    return request


def _send_on_commit(request_id):
    from .tasks import send_request_confirmation

    transaction.on_commit(lambda: send_request_confirmation.enqueue(request_id))


def resend(request, *, actor, first=False):
    """Email a (new) confirmation link; a newer link replaces the one before."""
    if not request.awaiting_identity:
        raise PrivacyError(
            _("This request is not awaiting the person's identity."),
            code="request_closed",
            status=409,
        )
    with translation.override(default_language()):
        note = _("Confirmation link emailed.") if first else _("Confirmation link sent again.")
    with transaction.atomic():
        ledger.add_note(request, note, actor=actor)
        _send_on_commit(request.pk)


def _account_of(address):
    User = get_user_model()
    field = User.get_email_field_name()
    return User._default_manager.filter(**{f"{field}__iexact": address}).first()


def send_confirmation(request_id):
    """The email of a request by address: a confirmation link, or, for an account's address,
    the way to the privacy centre (and the request closed). Returns the email's name."""
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or not request.awaiting_identity:
            return ""
        # A request staff opened for an account: the link goes to the account's own address.
        address = mail.email_address(request.user) if request.user_id else request.contact_email
        if not address:
            return ""
        language = request.language or default_language()
        if request.user_id is None and _account_of(address) is not None:
            ledger.set_status(
                request,
                RequestStatus.CANCELLED,
                outcome=_(
                    "The address belongs to an account: its owner was asked to use the privacy "
                    "centre, where they confirm who they are."
                ),
            )
            name = "request_account"
            context = {"account_url": privacy_settings.ACCOUNT_URL, "kind": _kind_label(request)}
        else:
            request.confirmation_nonce = secrets.token_hex(16)
            request.confirmation_sent_at = timezone.now()
            request.save(update_fields=["confirmation_nonce", "confirmation_sent_at"])
            name = "request_confirm"
            with translation.override(language):
                context = {
                    "url": confirmation_url(request),
                    "kind": _kind_label(request),
                    "expires": mail.local_date(
                        request.confirmation_sent_at
                        + timedelta(seconds=privacy_settings.REQUEST_CONFIRMATION_TTL)
                    ),
                }
    mail.send(address, name, context, language)
    return name


def _kind_label(request):
    with translation.override(request.language or default_language()):
        return str(request.get_kind_display())


def confirmation_token(request):
    return signing.dumps({"r": request.pk, "n": request.confirmation_nonce}, salt=CONFIRM_SALT)


def confirmation_url(request):
    """The page that confirms the request, under the language prefix of its emails."""
    token = confirmation_token(request)
    try:
        with translation.override(request.language or default_language()):
            path = reverse("wagtail_privacy:confirm_request", kwargs={"token": token})
    except NoReverseMatch as error:
        raise ImproperlyConfigured(
            "Confirmation links point to the pages of wagtail-privacy: add "
            'path("privacy/", include("wagtail_privacy.urls")) to the URLconf.'
        ) from error
    return mail.site_root() + path


def _invalid():
    return PrivacyError(_("This link is not valid."), code="invalid_token", status=400)


def _superseded():
    return PrivacyError(
        _("This link was already used, or a newer one was sent: use the latest email."),
        code="link_superseded",
        status=410,
    )


def named_request(token):
    """The request a correctly signed link names, expired or not; else None (its language)."""
    try:
        data = signing.loads(token or "", salt=CONFIRM_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        return None
    return DataRequest.objects.filter(pk=data["r"]).first()


def check_token(token, *, lock=False):
    """The request a confirmation link confirms, or the refusal: ``invalid_token`` (400),
    ``link_expired`` or ``link_superseded`` (410: used, replaced, or the request closed)."""
    try:
        data = signing.loads(
            token or "", salt=CONFIRM_SALT, max_age=privacy_settings.REQUEST_CONFIRMATION_TTL
        )
    except signing.SignatureExpired:
        raise PrivacyError(_("This link has expired."), code="link_expired", status=410) from None
    except signing.BadSignature:
        raise _invalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise _invalid()
    requests = DataRequest.objects.select_for_update() if lock else DataRequest.objects
    request = requests.filter(pk=data["r"]).first()
    if request is None:
        raise _invalid()
    nonce = str(data.get("n") or "")
    if not request.awaiting_identity or not nonce or nonce != request.confirmation_nonce:
        raise _superseded()
    return request


def confirm(token):
    """The person opened the link: the identity is confirmed, and a guest's right is exercised
    (an export sent to the address, or the records erased); an account's, staff run from the
    request (``staff_run``). Returns the request."""
    with transaction.atomic():
        request = check_token(token, lock=True)
        confirm_identity(request, IdentityMethod.EMAIL_LINK)
        if request.user_id is None:
            fulfil(request)
    return request


def confirm_identity(request, method, *, actor=None, note=""):
    """Record how the person proved who they are; the clock starts now."""
    if not request.awaiting_identity:
        raise PrivacyError(
            _("This request is not awaiting the person's identity."),
            code="request_closed",
            status=409,
        )
    now = timezone.now()
    request.identity_confirmed_at = now
    request.identity_method = method
    request.confirmation_nonce = ""  # single use: this and every older link stop working
    request.due_at = Period.parse(privacy_settings.REQUEST_DUE).after(now)
    request.save(
        update_fields=["identity_confirmed_at", "identity_method", "confirmation_nonce", "due_at"]
    )
    label = IdentityMethod(method).label
    with translation.override(default_language()):
        text = _("Identity confirmed: %(method)s.") % {"method": label}
    ledger.set_status(
        request,
        RequestStatus.RECEIVED,
        actor=actor,
        note=f"{text} {note}".strip(),
    )
    return request


def _confirmed_guest(request):
    if request.user_id or not request.contact_email or not request.identity_confirmed_at:
        raise PrivacyError(
            _("Only a request whose email address was confirmed can be run from here."),
            code="identity_not_confirmed",
            status=409,
        )
    if not request.is_open:
        raise PrivacyError(_("This request is closed."), code="request_closed", status=409)


def fulfil(request, *, actor=None):
    """Run the right of a confirmed guest's request: its export, or its erasure."""
    if request.kind == RequestKind.ACCESS:
        return start_export(request, actor=actor)
    if request.kind == RequestKind.ERASURE:
        return start_erasure(request, actor=actor)
    return None


def start_export(request, *, actor=None):
    """Build the export of the records found by the confirmed address; the link is emailed
    to that address when it is ready (never shown to whoever started it)."""
    from .export import _enqueue, free_request_export

    _confirmed_guest(request)
    with transaction.atomic():
        free_request_export(request)
        now = timezone.now()
        export = DataExport.objects.create(
            user=None, email=request.contact_email, request=request, created_at=now, enqueued_at=now
        )
        ledger.set_status(
            request,
            RequestStatus.IN_PROGRESS,
            actor=actor,
            note=_("Export started; the link goes to the confirmed address."),
        )
        _enqueue(export.pk)
    return export


def start_erasure(request, *, actor=None):
    """Erase the records found by the confirmed address, source by source, in a task."""
    from .tasks import erase_guest_task

    _confirmed_guest(request)
    with transaction.atomic():
        ledger.set_status(
            request, RequestStatus.IN_PROGRESS, actor=actor, note=_("Erasure started.")
        )
        transaction.on_commit(lambda: erase_guest_task.enqueue(request.pk))
    return request


def erase(request_id):
    """Erase a confirmed guest's records through every source (``erase_email``), email the
    receipt, complete the request. Resumable: a source already in the receipt is skipped."""
    request = DataRequest.objects.filter(pk=request_id).first()
    if (
        request is None
        or request.kind != RequestKind.ERASURE
        or request.status != RequestStatus.IN_PROGRESS
        or not request.identity_confirmed_at
        or not request.contact_email
    ):
        return None
    address = request.contact_email
    receipt = dict(request.receipt or {})
    for source in registry.sources():
        if source.name in receipt:
            continue
        with transaction.atomic():
            result = source.erase_email(address)
            receipt[source.name] = _shape(source, result)
            DataRequest.objects.filter(pk=request.pk).update(receipt=receipt)
    request.receipt = receipt
    told = _tell_recipients(request, address, receipt)
    language = request.language or default_language()
    with translation.override(language):
        lines = [
            {
                **line,
                "held": [
                    {**h, "until": mail.local_date(h["until"]) if h["until"] else None}
                    for h in line["held"]
                ],
            }
            for line in request.receipt_lines()
            if line["deleted"] or line["anonymised"] or line["held"]
        ]
    context = {"receipt": lines, "recipients": told}
    mail.send(address, "guest_erasure_receipt", context, language)
    with transaction.atomic():
        ledger.set_status(
            request,
            RequestStatus.COMPLETED,
            outcome=_("The records kept under the confirmed address were erased; receipt sent."),
        )
        # The receipt went out: the address itself goes from this and earlier closed requests.
        DataRequest.objects.filter(user__isnull=True, contact_email__iexact=address).exclude(
            status__in=RequestStatus.open_values()
        ).update(contact_email="")
    request.refresh_from_db()
    return request


def _tell_recipients(request, address, receipt):
    """The names of the recipients told of the erasure (``guest_erasing``), kept with the
    request. Asked robustly: a receiver that fails never holds up the erasure."""
    from ..signals import guest_erasing

    told = []
    answers = guest_erasing.send_robust(
        sender=DataRequest, request=request, email=address, receipt=receipt
    )
    for receiver, answer in answers:
        if isinstance(answer, Exception):
            logger.error("guest_erasing receiver %r failed: %s", receiver, type(answer).__name__)
            continue
        told.extend(answer or ())
    if told != list(request.recipients_told or ()):
        request.recipients_told = told
        DataRequest.objects.filter(pk=request.pk).update(recipients_told=told)
    return told


def _shape(source, result):
    return {
        "label": str(source.label),
        "deleted": result.deleted,
        "anonymised": result.anonymised,
        "held": [
            {
                "count": hold.count,
                "reason": str(hold.reason),
                "until": hold.until.isoformat() if hold.until else None,
            }
            for hold in result.held
        ],
    }


def expired_unconfirmed(now):
    """Requests awaiting identity whose link has expired (or was never sent in time)."""
    from django.db.models import Q

    cutoff = now - timedelta(seconds=privacy_settings.REQUEST_CONFIRMATION_TTL)
    return DataRequest.objects.filter(status=RequestStatus.AWAITING_IDENTITY).filter(
        Q(confirmation_sent_at__lt=cutoff)
        | Q(confirmation_sent_at__isnull=True, received_at__lt=cutoff)
    )


def close_unconfirmed(now, batch_size, dry_run=False):
    """Close expired unconfirmed requests as unverified, a batch at a time; returns how many."""
    from ..batching import batches

    due = expired_unconfirmed(now)
    if dry_run:
        return due.count()
    closed = 0
    with translation.override(default_language()):
        outcome = _("Closed: the person did not confirm the email address in time.")
    for batch in batches(due.values_list("pk", flat=True), batch_size, key=lambda pk: pk):
        with transaction.atomic():
            # Only those still awaiting: a confirmation meanwhile wins.
            ids = list(
                DataRequest.objects.select_for_update()
                .filter(pk__in=batch, status=RequestStatus.AWAITING_IDENTITY)
                .values_list("pk", flat=True)
            )
            DataRequest.objects.filter(pk__in=ids).update(confirmation_nonce="")
            ledger.set_status_many(ids, RequestStatus.UNVERIFIED, outcome=outcome)
        closed += len(ids)
    return closed
