"""The built-in sources of the rights domain: the account, sessions, data requests, exports
and the admin's log entries about the account. (Acceptances and notices are registered by
``notices.sources``, verification devices by ``verification.sources``, consents by
``consent.sources``.)"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry

from ..restriction import Restriction
from ..sources import (
    CONTRACT,
    LEGAL_OBLIGATION,
    OWN_RECORDS,
    SECURITY,
    DataSource,
    ErasureResult,
    ModelSource,
    count_by_user,
    emails_of,
    register,
)
from .models import CustomerSession, DataExport, DataRequest, DataRequestEvent
from .sessions import end_sessions


@register
class AccountSource(DataSource):
    name = "account"
    label = _("Account")
    order = 10
    purposes = _("Running your customer account: signing in, orders and messages about it.")
    legal_basis = CONTRACT
    recipients = OWN_RECORDS
    retention = _("While the account exists; then it is deleted (see deactivation and deletion).")
    origin = _("You, when you registered and when you changed your account.")

    @property
    def model(self):
        return get_user_model()

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

    # The names on the account. The email address is not corrected here: the address signs
    # the customer in and receives every link, so the shop changes it only once the new
    # address is confirmed (its own account settings).
    @property
    def correctable(self):
        User = get_user_model()
        names = {f.name for f in User._meta.get_fields()}
        return tuple(name for name in ("first_name", "last_name") if name in names)

    def correctable_records(self, user):
        return [(str(user.pk), {name: getattr(user, name) for name in self.correctable})]

    def clean_correction(self, field, value):
        return self.model._meta.get_field(field).clean(value, None)

    def correct(self, user, record, changes):
        User = get_user_model()
        if record != str(user.pk):
            raise User.DoesNotExist
        row = User._default_manager.select_for_update().get(pk=user.pk)
        old = {name: getattr(row, name) for name in changes}
        for name, value in changes.items():
            setattr(row, name, value)
            setattr(user, name, value)
        row.save(update_fields=list(changes))
        return old

    def erase(self, user):
        # The user row goes last, after the receipt is sent to its address (see closure).
        return ErasureResult()


@register
class SessionSource(DataSource):
    """Sign-in sessions: ended on erasure, so nothing the shop kept in them outlives it."""

    name = "sessions"
    field_labels = {"signed_in_at": _("signed in at")}
    label = _("Sign-in sessions")
    order = 15
    fields = ("signed_in_at",)
    purposes = _("Keeping you signed in.")
    legal_basis = SECURITY
    recipients = OWN_RECORDS
    retention = _("Until you sign out or the session expires.")
    origin = _("You, when you signed in.")

    def records(self, user):
        for at in (
            CustomerSession.objects.filter(user=user)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        ):
            yield {"signed_in_at": at}

    def erase_many(self, users):
        ended = end_sessions(user.pk for user in users)
        return {user.pk: ErasureResult(deleted=ended.get(user.pk, 0)) for user in users}

    def count_for(self, users):
        return CustomerSession.objects.filter(user__in=users).count()


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
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("Three years after the request is closed, then kept without personal data.")
    origin = _("You, when you made a request; our staff, when they answered it.")

    def erase_many(self, users):
        # Requests made without an account, from the same address, go the same way.
        guests = DataRequest.objects.filter(user__isnull=True, contact_email__gt="")
        _redact_requests(
            guests.annotate(address=Lower("contact_email")).filter(address__in=emails_of(users))
        )
        return self.keep_as_proof(
            users, _("The record of your requests, without personal data"), _redact_requests
        )


def _redact_requests(rows):
    """Blank what may name the customer; kind, dates and statuses stay as proof."""
    from .corrections import redact

    ids = list(rows.values_list("pk", flat=True))
    redact(ids)
    staff_notes = DataRequestEvent.objects.filter(request__in=ids, actor__isnull=False)
    staff_notes.exclude(note="").redact(note="")
    DataRequest.objects.filter(pk__in=ids).update(contact_email="", extension_reason="")
    DataRequest.objects.filter(pk__in=ids, handler__isnull=False).update(outcome="")


#: What an erased customer's entries in the admin's logs are labelled with instead of a name.
ERASED_LABEL = "[erased]"


@register
class ActivityLogSource(DataSource):
    """Entries about the account in the admin's logs (Wagtail's, and Django admin's)."""

    name = "activity_log"
    field_labels = {"action": _("action"), "at": _("date and time")}
    label = _("Staff actions on your account")
    order = 60
    fields = ("action", "at")
    purposes = _("Keeping a record of what our staff did with your account.")
    legal_basis = SECURITY
    recipients = OWN_RECORDS
    retention = _("As long as the log is kept; without your name after erasure.")
    origin = _("Our staff, when they worked on your account.")

    @staticmethod
    def _entries(model, users):
        content_type = ContentType.objects.get_for_model(get_user_model())
        return model.objects.filter(
            content_type=content_type, object_id__in=[str(user.pk) for user in users]
        )

    def records(self, user):
        entries = self._entries(ModelLogEntry, [user]).order_by("timestamp", "pk")
        for action, at in entries.values_list("action", "timestamp"):
            yield {"action": action, "at": at}

    def erase_many(self, users):
        entries = self._entries(ModelLogEntry, users)
        counts = dict(count_by_user(entries, "object_id"))
        entries.update(label=ERASED_LABEL)
        if apps.is_installed("django.contrib.admin"):
            from django.contrib.admin.models import LogEntry

            self._entries(LogEntry, users).update(object_repr=ERASED_LABEL)
        reason = _("The record of our staff's actions, without your name")
        return {
            user.pk: ErasureResult.kept_as_proof(counts.get(str(user.pk), 0), reason)
            for user in users
        }

    def count_for(self, users):
        return self._entries(ModelLogEntry, users).count()


@register
class ExportSource(ModelSource):
    """Earlier exports: their dates here; on erasure the archives are deleted too."""

    name = "data_exports"
    label = _("Your data exports")
    order = 45
    model = DataExport
    fields = ("created_at", "status", "finished_at", "expires_at", "size")
    purposes = _("Giving you a copy of your data.")
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("The file is deleted after a few days.")
    origin = _("You, when you asked for a copy.")

    def erase_many(self, users):
        from .export import delete_files

        # Every archive, finished or not, and any partial file a killed worker left.
        delete_files(self.rows_of([user.pk for user in users]).values_list("pk", flat=True))
        return super().erase_many(users)


@register
class RestrictionSource(ModelSource):
    """Restrictions of processing (``wagtail_privacy.restriction``): while one lasts, and its
    history; deleted on erasure with the account."""

    name = "restrictions"
    label = _("Restrictions of processing")
    order = 42
    model = Restriction
    fields = ("started_at", "lift_notified_at", "lift_on", "lifted_at")
    purposes = _("Only keeping your data, without using it, for as long as you asked us to.")
    legal_basis = LEGAL_OBLIGATION
    recipients = OWN_RECORDS
    retention = _("Until your account is erased.")
    origin = _("You, or our staff on your request, when processing was restricted.")
