"""Signal wiring for data rights, connected from ``AppConfig.ready``."""

from django.utils.translation import gettext as _

from ..signals import objected

#: Sources whose objections are not the customer's own request: erasure withdraws everything,
#: a guest's objection joined to an account was recorded when the guest made it, and staff
#: record an objection under the request they opened.
NOT_REQUESTS = ("erasure", "joined", "staff")


def on_objected(sender, records, **kwargs):
    """Each customer's objections are one completed objection request in the ledger."""
    from . import ledger
    from .models import RequestChannel, RequestKind, RequestStatus

    by_subject = {}
    for record in records:
        if record.source in NOT_REQUESTS:
            continue
        by_subject.setdefault((record.user_id, record.email), []).append(record)
    for rows in by_subject.values():
        first = rows[0]
        objections = ", ".join(f"{r.purpose_key} ({r.channel})" for r in rows)
        request = ledger.open_request(
            kind=RequestKind.OBJECTION,
            channel=RequestChannel.SELF_SERVICE,
            user=first.user,
            contact_email="" if first.user_id else first.email,
            received_at=first.at,
            note=_("Objected to: %(objections)s") % {"objections": objections},
        )
        ledger.set_status(
            request,
            RequestStatus.COMPLETED,
            outcome=_("Objection recorded in the consent ledger; it applies at once."),
        )


def connect():
    objected.connect(on_objected, dispatch_uid="privacy_rights_objected")
