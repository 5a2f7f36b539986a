"""The notices domain's sources of personal data: acceptances and notices of changes."""

from django.utils.translation import gettext_lazy as _

from ..sources import LEGAL_OBLIGATION, OWN_RECORDS, ModelSource, register
from .models import Acceptance, ChangeNotice, Decline


@register
class AcceptanceSource(ModelSource):
    name = "acceptances"
    field_labels = {"policy__slug": _("Policy"), "version__number": _("Version")}
    label = _("Policy acceptances")
    order = 20
    model = Acceptance
    fields = (
        "policy__slug",
        "version__number",
        "language",
        "text_sha256",
        "accepted_at",
        "ip_address",
        "user_agent",
        "channel",
    )
    purposes = _("Proving which version of our terms and policies you accepted, and when.")
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("As long as we may need to prove it, then kept without personal data.")
    origin = _("You, when you accepted.")

    def erase_many(self, users):
        return self.keep_as_proof(
            users,
            _("Proof of what was accepted, without personal data"),
            lambda rows: rows.redact(ip_address=None, user_agent=""),
        )


@register
class DeclineSource(ModelSource):
    name = "declines"
    field_labels = {"policy__slug": _("Policy"), "version__number": _("Version")}
    label = _("Policy versions declined")
    order = 25
    model = Decline
    fields = (
        "policy__slug",
        "version__number",
        "language",
        "text_sha256",
        "declined_at",
        "ip_address",
        "user_agent",
        "channel",
    )
    purposes = _("Proving which version of our terms and policies you declined, and when.")
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("As long as we may need to prove it, then kept without personal data.")
    origin = _("You, when you declined.")

    def erase_many(self, users):
        return self.keep_as_proof(
            users,
            _("Proof of what was declined, without personal data"),
            lambda rows: rows.redact(ip_address=None, user_agent=""),
        )


@register
class NoticeSource(ModelSource):
    name = "notices"
    field_labels = {"version__policy__slug": _("Policy"), "version__number": _("Version")}
    label = _("Notices of policy changes")
    order = 30
    model = ChangeNotice
    fields = (
        "version__policy__slug",
        "version__number",
        "language",
        "created_at",
        "email_state",
        "emailed_at",
        "acknowledged_at",
        "retracted_at",
    )
    purposes = _("Telling you about changes to our policies, and proving that we did.")
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("As long as we may need to prove it.")
    origin = _("This shop, when a policy changed.")
