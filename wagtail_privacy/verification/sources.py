"""The verification domain's source of personal data: the customer's verification devices."""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..sources import OWN_RECORDS, DataSource, ErasureResult, count_by_user, register


@register
class OtpDeviceSource(DataSource):
    """Verification devices: their kind and dates, never their secrets or codes."""

    name = "verification_devices"
    label = _("Verification methods")
    order = 50
    fields = ("type", "name", "confirmed", "created_at", "last_used_at")
    field_labels = {
        "type": _("kind"),
        "name": _("name"),
        "confirmed": _("confirmed"),
        "created_at": _("created at"),
        "last_used_at": _("last used at"),
    }
    field_choices = {
        "type": {
            "totp": _("Authenticator app"),
            "backup_codes": _("Backup codes"),
            "email": _("Code by email"),
        }
    }
    purposes = _("Confirming it is you before sensitive changes to your data.")
    recipients = OWN_RECORDS
    retention = _("While the account exists.")
    origin = _("You, when you set up a verification method.")
    models = (("totp", TOTPDevice), ("backup_codes", StaticDevice), ("email", EmailDevice))

    def erase(self, user):
        return self.erase_many([user])[user.pk]

    def erase_many(self, users):
        results = {user.pk: ErasureResult() for user in users}
        for _kind, model in self.models:
            rows = model.objects.filter(user__in=[user.pk for user in users])
            for pk, count in count_by_user(rows, "user").items():
                results[pk].deleted += count
            rows.delete()
        return results

    def count_for(self, users):
        return sum(model.objects.filter(user__in=users).count() for _kind, model in self.models)

    def records(self, user):
        for kind, model in self.models:
            for device in model.objects.filter(user=user).order_by("pk"):
                yield {
                    "type": kind,
                    "name": device.name,
                    "confirmed": device.confirmed,
                    "created_at": getattr(device, "created_at", None),
                    "last_used_at": getattr(device, "last_used_at", None),
                }
