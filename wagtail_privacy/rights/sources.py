"""The built-in sources: the account, acceptances, notices, data requests and OTP devices."""

from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..conf import privacy_settings
from ..notices.models import Acceptance, ChangeNotice
from .models import DataExport, DataRequest
from .registry import DataSource, ErasureResult, ModelSource, count_by_user, register

OWN_RECORDS = _("Kept by this shop only; our hosting provider processes it on our behalf.")


@register
class AccountSource(DataSource):
    name = "account"
    label = _("Account")
    order = 10
    purposes = _("Running your customer account: signing in, orders and messages about it.")
    recipients = OWN_RECORDS
    retention = _("While the account exists; then it is deleted (see deactivation and deletion).")
    origin = _("You, when you registered and when you changed your account.")

    @property
    def fields(self):
        User = get_user_model()
        names = [User.USERNAME_FIELD, User.get_email_field_name()]
        for name in ("first_name", "last_name", "date_joined", "last_login", "is_active"):
            if any(f.name == name for f in User._meta.get_fields()):
                names.append(name)
        return tuple(dict.fromkeys(names))

    def records(self, user):
        yield {name: getattr(user, name) for name in self.fields}

    def erase(self, user):
        # The user row goes last, after the receipt is sent to its address (see closure).
        return ErasureResult()


@register
class AcceptanceSource(ModelSource):
    name = "acceptances"
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
class NoticeSource(ModelSource):
    name = "notices"
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
    recipients = OWN_RECORDS
    retention = _("As long as we may need to prove it.")
    origin = _("This shop, when a policy changed.")


@register
class RequestSource(ModelSource):
    name = "data_requests"
    label = _("Your privacy requests")
    order = 40
    model = DataRequest
    fields = (
        "reference",
        "kind",
        "channel",
        "received_at",
        "due_at",
        "extended_until",
        "status",
        "outcome",
        "closed_at",
    )
    purposes = _("Answering your requests about your personal data within the legal deadlines.")
    recipients = OWN_RECORDS
    retention = _("Three years after the request is closed, then kept without personal data.")
    origin = _("You, when you made a request; our staff, when they answered it.")

    def erase_many(self, users):
        return self.keep_as_proof(
            users,
            _("The record of your requests, without personal data"),
            lambda rows: rows.update(contact_email=""),
        )


@register
class OtpDeviceSource(DataSource):
    """Verification devices: their kind and dates, never their secrets or codes."""

    name = "verification_devices"
    label = _("Verification methods")
    order = 50
    fields = ("type", "name", "confirmed", "created_at", "last_used_at")
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


@register
class ExportSource(ModelSource):
    """Earlier exports: their dates here; on erasure the archives are deleted too."""

    name = "data_exports"
    label = _("Your data exports")
    order = 45
    model = DataExport
    fields = ("created_at", "status", "finished_at", "expires_at", "size")
    purposes = _("Giving you a copy of your data.")
    recipients = OWN_RECORDS
    retention = _("The file is deleted after a few days.")
    origin = _("You, when you asked for a copy.")

    def erase_many(self, users):
        storage = storages[privacy_settings.EXPORT_STORAGE]
        for name in (
            self.rows_of([user.pk for user in users])
            .exclude(file="")
            .values_list("file", flat=True)
        ):
            storage.delete(name)
        return super().erase_many(users)
