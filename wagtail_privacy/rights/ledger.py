"""The requests ledger: every exercise of a right, its deadline, extensions and history."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import formats as privacy_formats
from .. import mail
from ..conf import privacy_settings
from ..exceptions import PrivacyError
from ..i18n import customer_languages
from ..periods import InvalidPeriod, Period
from .models import DataRequest, DataRequestEvent, RequestStatus


def open_request(
    *,
    kind,
    channel,
    user=None,
    contact_email="",
    received_at=None,
    actor=None,
    note="",
    status=RequestStatus.RECEIVED,
    language="",
):
    """Record a request; it is due ``REQUEST_DUE`` (one calendar month) after receipt.

    One opened ``AWAITING_IDENTITY`` is due that long after the identity is confirmed
    (``guests.confirm_identity`` sets ``due_at`` again then).
    """
    received_at = received_at or timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.create(
            user=user,
            contact_email=contact_email,
            kind=kind,
            channel=channel,
            received_at=received_at,
            due_at=Period.parse(privacy_settings.REQUEST_DUE).after(received_at),
            status=status,
            language=language,
        )
        DataRequestEvent.objects.create(
            request=request, at=timezone.now(), status=request.status, note=note, actor=actor
        )
    return request


def set_status(request, status, *, actor=None, note="", outcome=None):
    """Move a request to ``status`` and record it in its history."""
    if status not in RequestStatus.values:
        raise PrivacyError(_("Unknown status."), code="invalid_input", status=422)
    now = timezone.now()
    with transaction.atomic():
        request.status = status
        if outcome is not None:
            request.outcome = outcome
        if actor is not None and request.handler_id is None:
            request.handler = actor
        request.closed_at = None if status in RequestStatus.open_values() else now
        request.save(update_fields=["status", "outcome", "handler", "closed_at"])
        DataRequestEvent.objects.create(
            request=request, at=now, status=status, note=note, actor=actor
        )
    return request


def add_note(request, note, *, actor=None):
    """Add a line to the request's history without changing its status."""
    return DataRequestEvent.objects.create(
        request=request, at=timezone.now(), status=request.status, note=note, actor=actor
    )


def set_status_many(request_ids, status, *, outcome, note=""):
    """Move several requests (a sweep's) to ``status`` at once, each with its history entry."""
    now = timezone.now()
    closed_at = None if status in RequestStatus.open_values() else now
    with transaction.atomic():
        DataRequest.objects.filter(pk__in=request_ids).update(
            status=status, outcome=outcome, closed_at=closed_at
        )
        DataRequestEvent.objects.bulk_create(
            DataRequestEvent(request_id=pk, at=now, status=status, note=note) for pk in request_ids
        )


def extend(request, period, reason, *, actor=None, now=None):
    """Extend the deadline by ``period`` (``"14d"``, ``"1m"``, a ``Period``, or a number of
    months), up to ``REQUEST_MAX_EXTENSION`` in all, and tell the customer.

    Only an open request that is not overdue yet can be extended: the law lets a controller
    take more time by telling the person within the first period, not after missing it. The
    reason is emailed to the customer in their language.
    """
    now = now or timezone.now()
    maximum = Period.parse(privacy_settings.REQUEST_MAX_EXTENSION)
    if not request.is_open:
        raise PrivacyError(
            _("Only an open request can be extended."), code="request_closed", status=409
        )
    if request.deadline < now:
        raise PrivacyError(
            _("This request is overdue: its deadline cannot be extended any more."),
            code="request_overdue",
            status=409,
        )
    if not reason or not reason.strip():
        raise PrivacyError(
            _("Give the reason for the extension."), code="invalid_input", status=422
        )
    try:
        period = Period(period, "m") if isinstance(period, int) else Period.parse(period)
    except InvalidPeriod:
        period = None
    until = period.after(request.deadline) if period and period.count > 0 else None
    if until is None or until > maximum.after(request.due_at):
        raise PrivacyError(
            _("A request can be extended by %(max)s at most in all.") % {"max": maximum},
            code="invalid_input",
            status=422,
        )
    with transaction.atomic():
        request.extended_until = until
        request.extension_reason = reason.strip()
        request.save(update_fields=["extended_until", "extension_reason"])
        DataRequestEvent.objects.create(
            request=request,
            at=timezone.now(),
            status=request.status,
            note=_("Deadline extended to %(date)s: %(reason)s")
            % {
                "date": privacy_formats.date(until),
                "reason": request.extension_reason,
            },
            actor=actor,
        )
        transaction.on_commit(lambda: notify_extension(request.pk))
    return request


def address_and_language(request):
    """Where and in which language to write to the person behind ``request``."""
    if request.user is not None:
        language = customer_languages([request.user])[request.user.pk]
        return mail.email_address(request.user), language
    from ..i18n import default_language

    return request.contact_email, request.language or default_language()


def notify_extension(request_id):
    request = DataRequest.objects.select_related("user").get(pk=request_id)
    address, language = address_and_language(request)
    if not address:
        return False
    with translation.override(language):
        context = {
            "request": request,
            "kind": request.get_kind_display(),
            "received": mail.local_date(request.received_at),
            "until": mail.local_date(request.extended_until),
            "reason": request.extension_reason,
        }
    return mail.send(address, "request_extended", context, language)


def requests_of(user):
    return DataRequest.objects.filter(user=user).order_by("-received_at")


def worklist(queryset=None, now=None):
    """Requests for staff: open ones first, the most overdue first; then closed ones."""
    now = now or timezone.now()
    queryset = queryset if queryset is not None else DataRequest.objects.all()
    return queryset.annotate(
        deadline_at=Coalesce("extended_until", "due_at"),
        open_first=Case(
            When(status__in=RequestStatus.open_values(), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by("open_first", "deadline_at", "pk")


def due_state(request, now=None):
    """``overdue``, ``due_soon`` (within ``REQUEST_DUE_SOON_DAYS``), ``on_time``, ``paused``
    (awaiting the person's identity) or ``closed``."""
    now = now or timezone.now()
    if not request.is_open:
        return "closed"
    if request.awaiting_identity:
        return "paused"
    if request.deadline < now:
        return "overdue"
    if request.deadline < now + timedelta(days=privacy_settings.REQUEST_DUE_SOON_DAYS):
        return "due_soon"
    return "on_time"
