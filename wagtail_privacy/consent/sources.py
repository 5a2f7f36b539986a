"""The consent ledger as a personal-data source (export, erasure)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..sources import LEGAL_OBLIGATION, ErasureResult, ModelSource, emails_of, register
from .models import ConsentRecord, email_hash


def _guest_rows(addresses):
    """Records kept for guests (no account) under these addresses."""
    hashes = [h for h in (email_hash(address) for address in addresses) if h]
    return ConsentRecord.objects.filter(user__isnull=True, email_sha256__in=hashes)


@register
class ConsentSourceOfData(ModelSource):
    """The customer's consent records.

    Consents given as a guest (by email address, before or without an account) are erased with
    the account of that address: their standing grants are withdrawn (source ``erasure``), then
    the address, its hash, the IP address and the user agent are blanked on every guest record
    of the address, as on the account's own records. The records themselves stay as proof.
    ``count_for`` counts those guest records too. The export (``records``) lists the account's
    own records only: guest records whose address the customer proved theirs were joined to
    the account (``join_guest``); the others could name someone else who used the address.

    A guest who proved the address theirs (a confirmed request by email) gets the guest records
    of the address (``records_for_email``); ``erase_email`` withdraws and blanks them as above.
    """

    name = "consents"
    label = _("Consents")
    order = 35
    model = ConsentRecord
    fields = (
        "purpose_key",
        "channel",
        "granted",
        "objection",
        "wording_version",
        "wording_sha256",
        "at",
        "source",
        "ip_address",
        "user_agent",
    )
    purposes = _("Knowing what you agreed to receive, and proving it.")
    legal_basis = LEGAL_OBLIGATION
    recipients = _("Kept by this shop only; our hosting provider processes it on our behalf.")
    retention = _("As long as we may need to prove it; kept without personal data after erasure.")
    origin = _("You, when you gave or withdrew consent.")

    def count_for(self, users):
        return self.rows_of(users).count() + _guest_rows(emails_of(users)).count()

    def erase_many(self, users):
        from .models import ConsentSource
        from .service import withdraw_all_of

        users = list(users)
        addresses = emails_of(users)
        # Withdrawals first, recorded as made by the erasure: the account's and the guest's.
        withdraw_all_of(users, source=ConsentSource.ERASURE, emails=addresses)
        reason = _("Proof of consent, without personal data")
        guests = _guest_rows(addresses)
        per_hash = dict(guests.order_by().values_list("email_sha256").annotate(count=Count("pk")))
        if per_hash:
            # Blanking the hash also takes the rows out of the guest sequence constraint.
            guests.redact(email="", email_sha256="", ip_address=None, user_agent="")
        results = self.keep_as_proof(
            users, reason, lambda rows: rows.redact(ip_address=None, user_agent="")
        )
        field = users[0].get_email_field_name() if users else None
        for user in users:
            count = per_hash.get(email_hash(getattr(user, field, "") or ""), 0)
            if count:
                own = results[user.pk]
                results[user.pk] = ErasureResult.kept_as_proof(own.anonymised + count, reason)
        return results

    # --- Guests: records found by email address ---------------------------------------------

    def records_for_email(self, email):
        names = list(self.fields)
        rows = _guest_rows([email]).order_by("pk").values_list(*names)
        for row in rows.iterator(chunk_size=self.chunk_size):
            yield dict(zip(names, row, strict=True))

    def erase_email(self, email):
        from .models import ConsentSource
        from .service import withdraw_all_of

        withdraw_all_of([], source=ConsentSource.ERASURE, emails=[email])
        guests = _guest_rows([email])
        count = guests.count()
        if count:
            guests.redact(email="", email_sha256="", ip_address=None, user_agent="")
        return ErasureResult.kept_as_proof(count, _("Proof of consent, without personal data"))
