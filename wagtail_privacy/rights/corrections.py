"""Rectification (Art. 16): the customer corrects a field a source declares ``correctable``.

Each correction is a RECTIFICATION request with its ``Correction`` (old → new). A field the
shop checks (``checked_fields``) waits for staff, who approve it (applied through the source)
or refuse it (the reason is emailed); any other is applied at once and the request closed.
The old value is blanked ``CORRECTION_KEEP_OLD_VALUE`` after the request closes (the
``corrections`` step of ``privacy_tick``).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import mail
from ..batching import batches
from ..conf import privacy_settings
from ..exceptions import NotFound, PrivacyError
from ..periods import Period
from ..signals import rectified
from ..sources import registry
from ..verification.service import check_step_up
from . import ledger
from .models import Correction, CorrectionState, DataRequest, RequestChannel, RequestKind
from .models import RequestStatus as Status


def _source(name):
    try:
        source = registry.get(name)
    except KeyError:
        source = None
    if source is None or not source.correctable:
        raise PrivacyError(
            _("There is no data of this kind you can correct here."),
            code="unknown_source",
            status=422,
        )
    return source


def field_label(source, field):
    """The field's name for people: the source's ``field_labels``, else the model's."""
    if field in source.field_labels:
        return str(source.field_labels[field])
    model = getattr(source, "model", None)
    try:
        label = str(model._meta.get_field(field).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return field
    return label[:1].upper() + label[1:]  # "VAT ID" stays as it is


def as_text(value):
    return "" if value is None else str(value)


def correctable(user):
    """Per source with correctable fields: ``{"source", "fields": [(name, label, checked)],
    "records": [(id, {field: value})]}``, in the registry's order."""
    found = []
    for source in registry.sources():
        if not source.correctable:
            continue
        found.append(
            {
                "source": source,
                "fields": [
                    (name, field_label(source, name), name in source.checked_fields)
                    for name in source.correctable
                ],
                "records": source.correctable_records(user),
            }
        )
    return found


def pending_of(user):
    return (
        Correction.objects.filter(request__user=user, state=CorrectionState.PENDING)
        .select_related("request")
        .order_by("request__received_at", "pk")
    )


def _current(source, user, record):
    """The record's values; ``record`` None names the user's only record here."""
    records = dict(source.correctable_records(user))
    if record in (None, "") and len(records) == 1:
        return next(iter(records.items()))
    if record in (None, ""):
        raise PrivacyError(_("Say which record to correct."), code="invalid_input", status=422)
    if str(record) not in records:
        raise NotFound(_("You have no such record."), code="unknown_record")
    return str(record), records[str(record)]


def _clean(source, field, value):
    try:
        return source.clean_correction(field, value)
    except ValidationError as error:
        raise PrivacyError(
            " ".join(str(message) for message in error.messages),
            code="invalid_value",
            status=422,
        ) from error


def submit(user, source_name, field, value, record=None, *, proof=None):
    """Correct ``field`` of the user's ``record`` in the source ``source_name``.

    Applied at once, or for a checked field left to staff (state ``pending``); a checked field
    needs a fresh step-up (``proof``), as it goes into records the shop relies on (invoices).
    Returns the ``Correction``; nothing is written when it is refused.
    """
    source = _source(source_name)
    if field not in source.correctable:
        raise PrivacyError(
            _("This field cannot be corrected here."), code="not_correctable", status=422
        )
    checked = field in source.checked_fields
    if checked:
        check_step_up(user, proof)
    record, values = _current(source, user, record)
    cleaned = _clean(source, field, value)
    label = field_label(source, field)
    with transaction.atomic():
        # One customer's corrections one after another: two tabs cannot both queue a field.
        users = get_user_model()._default_manager.select_for_update()
        list(users.filter(pk=user.pk).values_list("pk", flat=True))
        waiting = pending_of(user).filter(source=source.name, record=record, field=field)
        if waiting.exists():
            raise PrivacyError(
                _("A correction of this field is already waiting for our check."),
                code="correction_pending",
                status=409,
            )
        request = ledger.open_request(
            kind=RequestKind.RECTIFICATION,
            channel=RequestChannel.SELF_SERVICE,
            user=user,
            note=_("Correction of %(field)s (%(source)s)")
            % {"field": label, "source": source.label},
        )
        correction = Correction(
            request=request,
            source=source.name,
            record=record,
            field=field,
            new_value=as_text(cleaned),
            needs_check=checked,
        )
        if checked:
            correction.old_value = as_text(values.get(field))
            correction.state = CorrectionState.PENDING
            correction.save()
            return correction
        _apply(source, user, correction, cleaned)
        ledger.set_status(request, Status.COMPLETED, outcome=_("Corrected as you asked."))
    return correction


def check_staff_request(request):
    """Refuse a request staff may not record a correction on: not an account's rectification,
    closed, its person's identity not confirmed, or corrected already."""
    if request.kind != RequestKind.RECTIFICATION or request.user_id is None:
        raise PrivacyError(
            _("Only a rectification request of an account can carry a correction."),
            code="invalid_input",
            status=422,
        )
    if not request.is_open:
        raise PrivacyError(_("This request is closed."), code="request_closed", status=409)
    if not request.identity_confirmed_at:
        raise PrivacyError(
            _("Confirm the person's identity first: by the emailed link or a recorded proof."),
            code="identity_not_confirmed",
            status=409,
        )
    if Correction.objects.filter(request=request).exists():
        raise PrivacyError(
            _("This request has its correction already."),
            code="correction_exists",
            status=409,
        )


def _staff_request(request):
    """The request, locked and checked again: two staff cannot both correct it."""
    request = (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=request.pk)
    )
    check_staff_request(request)
    return request


def record_by_staff(request, source_name, field, value, record=None, *, actor):
    """Staff apply the correction a verified person asked for by post, email or phone.

    Linked to ``request`` (no new request) and applied at once, a checked field too: staff
    are the check, and the person's identity was confirmed on the request, so no step-up.
    The request is completed and recipients are told, as for a customer's own correction.
    """
    with transaction.atomic():
        request = _staff_request(request)
        user = request.user
        source = _source(source_name)
        if field not in source.correctable:
            raise PrivacyError(
                _("This field cannot be corrected here."), code="not_correctable", status=422
            )
        cleaned = _clean(source, field, value)
        record, _values = _current(source, user, record)
        correction = Correction(
            request=request,
            source=source.name,
            record=record,
            field=field,
            new_value=as_text(cleaned),
            needs_check=field in source.checked_fields,
        )
        _apply(source, user, correction, cleaned, actor=actor)
        ledger.set_status(
            request,
            Status.COMPLETED,
            actor=actor,
            note=_("Correction of %(field)s (%(source)s) applied by staff.")
            % {"field": field_label(source, field), "source": source.label},
            outcome=_("Corrected as you asked."),
        )
    return correction


def _apply(source, user, correction, cleaned, actor=None):
    try:
        old = source.correct(user, correction.record, {correction.field: cleaned})
    except ObjectDoesNotExist as error:
        message = _("This record no longer exists.") if actor else _("You have no such record.")
        raise NotFound(message, code="unknown_record") from error
    correction.old_value = as_text(old[correction.field])
    correction.state = CorrectionState.APPLIED
    correction.decided_at = timezone.now()
    correction.decided_by = actor
    correction.save()
    # Recipients of the source are told once the correction has committed (Art. 19).
    transaction.on_commit(
        lambda: rectified.send_robust(
            sender=Correction,
            user=user,
            source=source.name,
            fields=[correction.field],
            request=correction.request,
        )
    )


def _pending(correction_id):
    """The pending correction, locked, with its open request; 409 once decided."""
    correction = (
        Correction.objects.select_for_update(of=("self", "request"))
        .select_related("request", "request__user")
        .filter(pk=correction_id)
        .first()
    )
    if correction is None:
        raise NotFound(_("There is no such correction."), code="not_found")
    if correction.state != CorrectionState.PENDING or not correction.request.is_open:
        raise PrivacyError(
            _("This correction was decided already."), code="correction_decided", status=409
        )
    if correction.request.user is None:
        raise PrivacyError(
            _("The account of this correction no longer exists."),
            code="correction_decided",
            status=409,
        )
    return correction


def approve(correction_id, *, actor):
    """Staff approve a checked correction: it is applied through the source, now."""
    with transaction.atomic():
        correction = _pending(correction_id)
        request = correction.request
        source = _source(correction.source)
        cleaned = _clean(source, correction.field, correction.new_value)
        _apply(source, request.user, correction, cleaned, actor=actor)
        ledger.set_status(
            request,
            Status.COMPLETED,
            actor=actor,
            note=_("Correction checked and applied."),
            outcome=_("Corrected as you asked."),
        )
    return correction


def refuse(correction_id, reason, *, actor):
    """Staff refuse a checked correction; the customer is emailed ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError(
            _("Give the reason, which is sent to the customer."),
            code="invalid_input",
            status=422,
        )
    with transaction.atomic():
        correction = _pending(correction_id)
        correction.state = CorrectionState.REFUSED
        correction.decided_at = timezone.now()
        correction.decided_by = actor
        correction.save(update_fields=["state", "decided_at", "decided_by"])
        ledger.set_status(
            correction.request,
            Status.REFUSED,
            actor=actor,
            note=_("Correction refused."),
            outcome=reason,
        )
        transaction.on_commit(lambda: notify_refusal(correction.pk))
    return correction


def notify_refusal(correction_id):
    correction = Correction.objects.select_related("request__user").get(pk=correction_id)
    request = correction.request
    if request.user is None:
        return False
    address, language = ledger.address_and_language(request)
    try:
        source = registry.get(correction.source)
    except KeyError:
        source = None
    with translation.override(language):
        context = {
            "field": field_label(source, correction.field) if source else correction.field,
            "value": correction.new_value,
            "received": mail.local_date(request.received_at),
            "reason": request.outcome,
        }
    return mail.send(address, "correction_refused", context, language)


def blank_old_values(now, dry_run=False):
    """Blank the old values of corrections whose request closed more than
    ``CORRECTION_KEEP_OLD_VALUE`` ago, in batches; returns how many (are due, in a dry run)."""
    cutoff = Period.parse(privacy_settings.CORRECTION_KEEP_OLD_VALUE).before(now)
    due = Correction.objects.filter(
        old_value_cleared_at__isnull=True,
        request__closed_at__isnull=False,
        request__closed_at__lte=cutoff,
    ).exclude(request__status__in=Status.open_values())
    if dry_run:
        return due.count()
    done = 0
    ids = due.values_list("pk", flat=True)
    for batch in batches(ids, privacy_settings.RETENTION_BATCH_SIZE, key=lambda pk: pk):
        done += Correction.objects.filter(pk__in=batch, old_value_cleared_at__isnull=True).update(
            old_value="", old_value_cleared_at=now
        )
    return done


def redact(request_ids):
    """Erasure: the corrections of these requests lose both values."""
    Correction.objects.filter(request__in=request_ids).update(
        old_value="", new_value="", old_value_cleared_at=timezone.now()
    )
