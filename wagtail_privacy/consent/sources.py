"""The consent ledger as a personal-data source (export, erasure)."""

from django.utils.translation import gettext_lazy as _

from ..rights.registry import ModelSource, register
from .models import ConsentRecord


@register
class ConsentSourceOfData(ModelSource):
    name = "consents"
    label = _("Consents")
    order = 35
    model = ConsentRecord
    fields = (
        "purpose_key",
        "channel",
        "granted",
        "wording_version",
        "wording_sha256",
        "at",
        "source",
        "ip_address",
        "user_agent",
    )
    purposes = _("Knowing what you agreed to receive, and proving it.")
    recipients = _("Kept by this shop only; our hosting provider processes it on our behalf.")
    retention = _("As long as we may need to prove it; kept without personal data after erasure.")
    origin = _("You, when you gave or withdrew consent.")

    def erase_many(self, users):
        from .models import ConsentSource
        from .service import withdraw_all_of

        # Withdrawals first, recorded as made by the erasure.
        withdraw_all_of(users, source=ConsentSource.ERASURE)
        return self.keep_as_proof(
            users,
            _("Proof of consent, without personal data"),
            lambda rows: rows.redact(ip_address=None, user_agent=""),
        )
