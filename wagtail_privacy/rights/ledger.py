"""The requests ledger: every exercise of a right, its deadline, extensions and history."""

import calendar
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
from .models import DataRequest, DataRequestEvent, RequestStatus


def add_months(moment, months):
    """``moment`` plus calendar months, on the same day or the month's last (31 Jan → 28 Feb)."""
    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def open_request(
    *, kind, channel, user=None, contact_email="", received_at=None, actor=None, note=""
):
    """Record a request; it is due one calendar month (``REQUEST_DUE_MONTHS``) after receipt."""
    received_at = received_at or timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.create(
            user=user,
            contact_email=contact_email,
            kind=kind,
            channel=channel,
            received_at=received_at,
            due_at=add_months(received_at, privacy_settings.REQUEST_DUE_MONTHS),
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


def extend(request, months, reason, *, actor=None):
    """Extend the deadline by up to ``REQUEST_MAX_EXTENSION_MONTHS`` months and tell the customer.

    The reason is emailed to the customer in their language (the law requires telling them
    within the first month why more time is needed).
    """
    maximum = privacy_settings.REQUEST_MAX_EXTENSION_MONTHS
    if not request.is_open:
        raise PrivacyError(
            _("Only an open request can be extended."), code="request_closed", status=409
        )
    if not reason or not reason.strip():
        raise PrivacyError(
            _("Give the reason for the extension."), code="invalid_input", status=422
        )
    if not 1 <= months <= maximum:
        raise PrivacyError(
            _("A request can be extended by 1 to %(max)s months.") % {"max": maximum},
            code="invalid_input",
            status=422,
        )
    until = add_months(request.due_at, months)
    if until > add_months(request.due_at, maximum):
        raise PrivacyError(
            _("A request can be extended by %(max)s months at most.") % {"max": maximum},
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


def _address_and_language(request):
    if request.user is not None:
        language = customer_languages([request.user])[request.user.pk]
        return mail.email_address(request.user), language
    from ..i18n import default_language

    return request.contact_email, default_language()


def notify_extension(request_id):
    request = DataRequest.objects.select_related("user").get(pk=request_id)
    address, language = _address_and_language(request)
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
    """``overdue``, ``due_soon`` (within ``REQUEST_DUE_SOON_DAYS``), ``on_time`` or ``closed``."""
    now = now or timezone.now()
    if not request.is_open:
        return "closed"
    if request.deadline < now:
        return "overdue"
    if request.deadline < now + timedelta(days=privacy_settings.REQUEST_DUE_SOON_DAYS):
        return "due_soon"
    return "on_time"
