"""The verification domain's source of personal data: the customer's verification devices."""

from django.utils.translation import gettext_lazy as _
from django_otp import device_classes
from django_otp.plugins.otp_static.models import StaticDevice

from ..sources import OWN_RECORDS, SECURITY, DataSource, ErasureResult, count_by_user, register
from .service import method_name


def _kind(device):
    # "backup_codes" is the export's name for django-otp's static tokens (stable since 0.1).
    return "backup_codes" if isinstance(device, StaticDevice) else method_name(device)


def _device_models():
    """Every device model of the django-otp plugins the site installs, built-in or not."""
    return [model for model in device_classes() if not model._meta.abstract]


@register
class OtpDeviceSource(DataSource):
    """Verification devices of every django-otp plugin the site installs: their kind and
    dates, never their secrets or codes."""

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
    legal_basis = SECURITY
    recipients = OWN_RECORDS
    retention = _("While the account exists.")
    origin = _("You, when you set up a verification method.")

    def erase(self, user):
        return self.erase_many([user])[user.pk]

    def erase_many(self, users):
        results = {user.pk: ErasureResult() for user in users}
        for model in _device_models():
            rows = model.objects.filter(user__in=[user.pk for user in users])
            for pk, count in count_by_user(rows, "user").items():
                results[pk].deleted += count
            rows.delete()
        return results

    def count_for(self, users):
        return sum(model.objects.filter(user__in=users).count() for model in _device_models())

    def records(self, user):
        for model in _device_models():
            for device in model.objects.filter(user=user).order_by("pk"):
                yield {
                    "type": _kind(device),
                    "name": device.name,
                    "confirmed": device.confirmed,
                    "created_at": getattr(device, "created_at", None),
                    "last_used_at": getattr(device, "last_used_at", None),
                }
