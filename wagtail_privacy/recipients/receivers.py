"""What recipients hear of: the rights domain's signals, turned into notifications.

Rights sends the signals and knows nothing of recipients (the layers point one way).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import mail
from ..restriction import current
from ..signals import (
    account_erasing,
    collecting_reminders,
    guest_erasing,
    rectified,
    restriction_changed,
)
from . import service
from .models import Action, RecipientNotification

logger = logging.getLogger("wagtail_privacy.recipients")


def _had_records(result):
    held = sum(hold.get("count") or 0 for hold in result.get("held") or ())
    return bool(result.get("deleted") or result.get("anonymised") or held)


def on_erasing(sender, closures, **kwargs):
    """Before the receipts go (the users still exist): one notification per recipient of a
    source that held the customer's records, for the whole batch in one insert; returns
    ``{closure pk: [names]}`` for the receipts."""
    among = [r for r in service.recipients() if r.active]
    if not among:  # no register: no work per account
        return {}
    items = []
    for closure in closures:
        if closure.user is None:
            continue
        sources = [name for name, r in (closure.receipt or {}).items() if _had_records(r)]
        items.append((f"closure:{closure.pk}", closure.user, sources))
    with transaction.atomic():
        told = service.record_many(Action.ERASURE, items, among=among)
    return {int(reference.split(":", 1)[1]): names for reference, names in told.items()}


def on_guest_erasing(sender, request, email, receipt, **kwargs):
    """A guest's records erased: the recipients of the sources that held some are told, by
    the address where that is what they hold; returns the names of those told."""
    sources = [name for name, r in (receipt or {}).items() if _had_records(r)]
    if not sources:
        return []
    with transaction.atomic():
        return service.record_guest(Action.ERASURE, f"request:{request.pk}", email, sources)


def on_rectified(sender, user, source, fields, request, **kwargs):
    service.record(Action.RECTIFICATION, f"request:{request.pk}", user, [source], fields)


def on_restriction_changed(sender, user, restricted, **kwargs):
    if not restricted:
        return
    restriction = current(user)
    if restriction is None:
        return
    sources = service.sources_with_records(user, service.received_sources())
    service.record(Action.RESTRICTION, f"restriction:{restriction.pk}", user, sources)


def on_collecting_reminders(sender, now, dry_run, **kwargs):
    """The privacy officers' digest names each overdue notification once: the recipient, the
    action and the due date (what *Notices to recipients* shows), never the customer."""
    found = list(service.overdue(now).filter(reminded_at__isnull=True).order_by("due_at", "pk"))
    labels = dict(Action.choices)
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or mail.site_root()
    return {
        "key": "recipient_notices_overdue",
        "heading": _("Notices to recipients not acknowledged in time:"),
        "items": [
            {"label": format_lazy("{}: {}", n.recipient_name, labels[n.action]), "due": n.due_at}
            for n in found
        ],
        "url": base.rstrip("/") + reverse("wagtail_privacy_recipient_notices:index"),
        "mark": lambda: RecipientNotification.objects.filter(pk__in=[n.pk for n in found]).update(
            reminded_at=now
        ),
    }


def connect():
    account_erasing.connect(on_erasing, dispatch_uid="privacy_recipients_erasure")
    guest_erasing.connect(on_guest_erasing, dispatch_uid="privacy_recipients_guest_erasure")
    rectified.connect(on_rectified, dispatch_uid="privacy_recipients_rectified")
    restriction_changed.connect(on_restriction_changed, dispatch_uid="privacy_recipients_restr")
    collecting_reminders.connect(on_collecting_reminders, dispatch_uid="privacy_recipients_remind")
