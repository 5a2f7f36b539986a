"""The recipients domain's source of personal data: the recipients told about a customer."""

from django.utils.translation import gettext_lazy as _

from ..sources import LEGAL_OBLIGATION, OWN_RECORDS, ModelSource, register
from .models import RecipientNotification


@register
class RecipientNotificationSource(ModelSource):
    name = "recipient_notifications"
    label = _("Recipients told of your requests")
    order = 95
    model = RecipientNotification
    fields = ("recipient_name", "action", "status", "created_at", "acknowledged_at")
    field_labels = {
        "recipient_name": _("Recipient"),
        "action": _("Action"),
        "status": _("Status"),
        "created_at": _("Told on"),
        "acknowledged_at": _("Acknowledged on"),
    }
    purposes = _(
        "Passing your erasures, corrections and restrictions on to those we gave your data "
        "to (Art. 19 GDPR), and proving that we did."
    )
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("As long as we may need to prove it, then kept without personal data.")
    origin = _("Your requests.")

    def erase_many(self, users):
        # Proof that recipients were told outlives the account; it names no one once unlinked.
        return self.keep_as_proof(
            users,
            _("Proof that recipients were told, without personal data"),
            lambda rows: rows.update(identifier=""),
        )
