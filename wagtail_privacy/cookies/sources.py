"""Cookie choices as a personal-data source (export, erasure)."""

from django.utils.translation import gettext_lazy as _

from ..sources import LEGAL_OBLIGATION, OWN_RECORDS, ModelSource, register
from .models import CookieConsentRecord


@register
class CookieChoiceSource(ModelSource):
    """The cookie choices the customer made signed in, or that joined their account when they
    signed in. Erasure keeps them as proof without the IP address, the user agent and the link
    to the account: what remains names a browser's random id only."""

    name = "cookie_choices"
    label = _("Cookie choices")
    order = 36
    model = CookieConsentRecord
    fields = (
        "category_key",
        "granted",
        "wording_version",
        "fingerprint",
        "at",
        "source",
        "gpc",
        "visitor_id",
        "ip_address",
        "user_agent",
    )
    purposes = _("Knowing which cookies you allowed, and proving it.")
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("As long as we may need to prove it; kept without personal data after erasure.")
    origin = _("You, when you chose which cookies to allow.")

    def erase_many(self, users):
        from .service import forget_user

        users = list(users)
        results = self.keep_as_proof(
            users,
            _("Proof of cookie choices, without personal data"),
            lambda rows: rows.redact(ip_address=None, user_agent="", user=None),
        )
        for user in users:
            forget_user(user.pk)
        return results
