"""The notices domain's sources of personal data: acceptances and notices of changes."""

from django.utils.translation import gettext_lazy as _

from ..sources import LEGAL_OBLIGATION, OWN_RECORDS, ModelSource, register
from .models import Acceptance, ChangeNotice, Decline


class DecisionSource(ModelSource):
    """Acceptances and declines (``models.PolicyDecision``): the same proof, kept without its
    IP address and user agent when the account is erased."""

    field_labels = {"policy__slug": _("Policy"), "version__number": _("Version")}
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("As long as we may need to prove it, then kept without personal data.")
    kept_as = ""  # why the anonymised proof is kept, for the receipt

    @classmethod
    def decision_fields(cls, model):
        return (
            "policy__slug",
            "version__number",
            "language",
            "text_sha256",
            model.decided_at_field,
            "ip_address",
            "user_agent",
            "channel",
        )

    def erase_many(self, users):
        return self.keep_as_proof(
            users, self.kept_as, lambda rows: rows.redact(ip_address=None, user_agent="")
        )


@register
class AcceptanceSource(DecisionSource):
    name = "acceptances"
    label = _("Policy acceptances")
    order = 20
    model = Acceptance
    fields = DecisionSource.decision_fields(Acceptance)
    purposes = _("Proving which version of our terms and policies you accepted, and when.")
    origin = _("You, when you accepted.")
    kept_as = _("Proof of what was accepted, without personal data")


@register
class DeclineSource(DecisionSource):
    name = "declines"
    label = _("Policy versions declined")
    order = 25
    model = Decline
    fields = DecisionSource.decision_fields(Decline)
    purposes = _("Proving which version of our terms and policies you declined, and when.")
    origin = _("You, when you declined.")
    kept_as = _("Proof of what was declined, without personal data")


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
