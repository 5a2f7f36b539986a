"""What recipients hear of: the rights domain's signals, turned into notifications.

Rights sends the signals and knows nothing of recipients (the layers point one way).
"""

import logging

from django.db import transaction

from ..restriction import current
from ..signals import account_erasing, rectified, restriction_changed
from . import service
from .models import Action

logger = logging.getLogger("wagtail_privacy.recipients")


def _had_records(result):
    held = sum(hold.get("count") or 0 for hold in result.get("held") or ())
    return bool(result.get("deleted") or result.get("anonymised") or held)


def on_erasing(sender, closures, **kwargs):
    """Before the receipts go (the users still exist): one notification per recipient of a
    source that held the customer's records; returns ``{closure pk: [names]}`` for the
    receipts."""
    told = {}
    among = [r for r in service.recipients() if r.active]
    if not among:  # no register: no work per account
        return told
    with transaction.atomic():
        for closure in closures:
            if closure.user is None:
                continue
            sources = [name for name, r in (closure.receipt or {}).items() if _had_records(r)]
            names = service.record(
                Action.ERASURE, f"closure:{closure.pk}", closure.user, sources, among=among
            )
            if names:
                told[closure.pk] = names
    return told


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


def connect():
    account_erasing.connect(on_erasing, dispatch_uid="privacy_recipients_erasure")
    rectified.connect(on_rectified, dispatch_uid="privacy_recipients_rectified")
    restriction_changed.connect(on_restriction_changed, dispatch_uid="privacy_recipients_restr")
