"""Restricting processing (GDPR Art. 18), and lifting it.

The customer restricts from their account, or staff do on a request received otherwise; each
restriction is a completed request of kind ``restriction`` in the ledger. The customer lifts
their own at once; staff lifting it tell the customer first (Art. 18(3)): ``privacy_tick``
emails the notice, and lifts it ``RESTRICTION_LIFT_NOTICE_DAYS`` later.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import mail
from ..batching import batches
from ..conf import privacy_settings
from ..exceptions import PrivacyError
from ..i18n import customer_languages
from ..restriction import Restriction, active, current
from ..signals import restriction_changed
from ..tick import tick_step
from . import ledger
from .models import (
    AccountClosure,
    ClosureKind,
    ClosureState,
    DataRequest,
    RequestChannel,
    RequestKind,
    RequestStatus,
)


def _changed(user, restricted):
    transaction.on_commit(
        lambda: restriction_changed.send(sender=Restriction, user=user, restricted=restricted)
    )


def latest_request(user):
    """The request the customer's restriction was recorded under (None: none)."""
    return (
        DataRequest.objects.filter(user=user, kind=RequestKind.RESTRICTION)
        .order_by("-received_at", "-pk")
        .first()
    )


def restrict(user, *, actor=None, request=None, channel=RequestChannel.SELF_SERVICE, note=""):
    """Restrict processing of ``user``'s data; returns the ``Restriction`` in force.

    Recorded as a completed restriction request (``request``: staff's open one, else a new
    one). Already restricted: nothing new, unless staff had announced lifting it, which the
    customer asking again cancels. An inactive account's pending erasure is cancelled: a
    restricted account's data is kept.
    """
    if user is None:
        raise PrivacyError(
            _("Only a customer account can be restricted."), code="invalid_input", status=422
        )
    now = timezone.now()
    with transaction.atomic():
        held = current(user)
        if held is not None and held.lift_requested_at is None:
            if request is not None and request.is_open:
                _complete(request, actor, note or _("Already restricted."))
            return held
        if held is not None:
            held.lift_requested_at = held.lift_notified_at = held.lift_on = None
            held.save(update_fields=["lift_requested_at", "lift_notified_at", "lift_on"])
        else:
            try:
                with transaction.atomic():
                    held = Restriction.objects.create(user=user, started_at=now)
            except IntegrityError:  # restricted at the same moment by another request
                return current(user)
        AccountClosure.objects.filter(
            user=user, kind=ClosureKind.INACTIVITY, state__in=ClosureState.cancellable_values()
        ).update(state=ClosureState.CANCELLED, cancelled_at=now)
        if request is None:
            request = ledger.open_request(
                kind=RequestKind.RESTRICTION, channel=channel, user=user, actor=actor, note=note
            )
        _complete(request, actor, note or _("Processing restricted."))
        _changed(user, True)
    return held


def _complete(request, actor, note):
    ledger.set_status(
        request,
        RequestStatus.COMPLETED,
        actor=actor,
        note=note,
        outcome=_("Processing restricted: the data is kept, marketing and profiling paused."),
    )


def _not_restricted():
    return PrivacyError(
        _("Processing of this account is not restricted."), code="not_restricted", status=409
    )


def lift(user, *, now=None):
    """The customer lifts their own restriction: at once, since they asked for it."""
    now = now or timezone.now()
    with transaction.atomic():
        held = current(user)
        if held is None:
            raise _not_restricted()
        _lift(held, now, _("Restriction lifted at the customer's request."))


def _lift(held, now, note):
    held.lifted_at = now
    held.save(update_fields=["lifted_at"])
    request = latest_request(held.user)
    if request is not None:
        ledger.add_note(request, note)
    _changed(held.user, False)


def schedule_lift(user, *, actor=None):
    """Staff lift the restriction: the customer is told first; ``privacy_tick`` lifts it
    ``RESTRICTION_LIFT_NOTICE_DAYS`` after the notice went out."""
    with transaction.atomic():
        held = current(user)
        if held is None:
            raise _not_restricted()
        if held.lift_requested_at is not None:
            return held
        held.lift_requested_at = timezone.now()
        held.save(update_fields=["lift_requested_at"])
        request = latest_request(user)
        if request is not None:
            ledger.add_note(
                request,
                _("Lifting announced: the customer is told, then it is lifted after %(days)s days.")
                % {"days": privacy_settings.RESTRICTION_LIFT_NOTICE_DAYS},
                actor=actor,
            )
    return held


def _notify(restrictions, now):
    """Email each customer that their restriction will be lifted, and when."""
    days = privacy_settings.RESTRICTION_LIFT_NOTICE_DAYS
    languages = customer_languages([held.user for held in restrictions])
    for held in restrictions:
        lift_on = now + timedelta(days=days)
        language = languages[held.user.pk]
        with translation.override(language):
            context = {
                "lift_on": mail.local_date(lift_on),
                "account_url": privacy_settings.ACCOUNT_URL,
            }
        mail.send(mail.email_address(held.user), "restriction_lift", context, language)
        # One at a time: a mail server failing halfway leaves the rest for the next run.
        Restriction.objects.filter(pk=held.pk, lift_notified_at__isnull=True).update(
            lift_notified_at=now, lift_on=lift_on
        )


@tick_step("restrictions")
def lift_restrictions(now, dry_run):
    """Tell customers whose restriction staff lift, then lift those whose notice has run."""
    untold = active().filter(lift_requested_at__isnull=False, lift_notified_at__isnull=True)
    due = active().filter(lift_on__lte=now)
    if dry_run:
        return {"lift_notices": untold.count(), "restrictions_to_lift": due.count()}
    told = lifted = 0
    size = privacy_settings.RETENTION_BATCH_SIZE
    for batch in batches(untold.select_related("user").order_by("pk"), size):
        _notify(batch, now)
        told += len(batch)
    for batch in batches(due.select_related("user").order_by("pk"), size):
        for held in batch:
            with transaction.atomic():
                _lift(held, now, _("Restriction lifted after the customer was told."))
            lifted += 1
    return {"lift_notices": told, "restrictions_lifted": lifted}
