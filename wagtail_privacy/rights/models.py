"""The requests ledger and data exports."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ..records import AppendOnlyModel


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access and export")
    ERASURE = "erasure", _("Erasure")
    DEACTIVATION = "deactivation", _("Deactivation")
    RECTIFICATION = "rectification", _("Rectification")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection")


class RequestChannel(models.TextChoices):
    SELF_SERVICE = "self_service", _("Self-service")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    POST = "post", _("Post")


class RequestStatus(models.TextChoices):
    # A request by email address: its statutory clock waits for the person to confirm it is
    # them (the emailed link, or another method staff record).
    AWAITING_IDENTITY = "awaiting_identity", _("Awaiting identity")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")
    # Closed because nobody confirmed the address before the link expired.
    UNVERIFIED = "unverified", _("Unverified")

    @classmethod
    def open_values(cls):
        return [cls.AWAITING_IDENTITY, cls.RECEIVED, cls.IN_PROGRESS]

    @classmethod
    def running_values(cls):
        """Open requests whose statutory clock runs (identity known)."""
        return [cls.RECEIVED, cls.IN_PROGRESS]


class IdentityMethod(models.TextChoices):
    EMAIL_LINK = "email_link", _("Confirmed the emailed link")
    ID_DOCUMENT = "id_document", _("Identity document seen")
    SIGNED_LETTER = "signed_letter", _("Signed letter")
    OTHER = "other", _("Other (see the note)")


class DataRequest(models.Model):
    """One exercise of a data-subject right, with its statutory deadline."""

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="privacy_requests",
        verbose_name=_("customer"),
    )
    # For requests from people without an account (entered by staff).
    contact_email = models.EmailField(_("contact email"), blank=True)
    kind = models.CharField(_("right"), max_length=20, choices=RequestKind.choices)
    channel = models.CharField(_("received by"), max_length=20, choices=RequestChannel.choices)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    extended_until = models.DateTimeField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Requests by email address (guests, or received by staff): the clock starts when the
    # person confirms it is them, and ``due_at`` counts from then (``guests``).
    identity_confirmed_at = models.DateTimeField(_("identity confirmed at"), null=True, blank=True)
    identity_method = models.CharField(
        _("identity confirmed by"), max_length=20, choices=IdentityMethod.choices, blank=True
    )
    # The confirmation link in force: a newer link, or using it, replaces it (single use).
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation link sent at"), null=True, blank=True
    )
    # The language of the emails to ``contact_email`` (the form's reader's).
    language = models.CharField(_("language"), max_length=10, blank=True)
    # A guest's erasure: what was deleted, anonymised and held, per source; no personal data.
    receipt = models.JSONField(_("receipt"), default=dict, blank=True)
    # The recipients told of that erasure (their names; Art. 19), as the receipt says.
    recipients_told = models.JSONField(_("recipients told"), default=list, blank=True)
    # When the privacy officers were reminded that the request is due soon, then overdue:
    # once per request and threshold (``reminders``).
    reminded_due_soon_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        indexes = [models.Index(fields=["status", "due_at"], name="privacy_request_due")]
        permissions = [("access_privacy_centre", _("Can access the privacy centre"))]

    def __str__(self):
        return f"{self.get_kind_display()} {str(self.reference)[:8]}"

    @property
    def deadline(self):
        return self.extended_until or self.due_at

    @property
    def is_open(self):
        return self.status in RequestStatus.open_values()

    @property
    def awaiting_identity(self):
        return self.status == RequestStatus.AWAITING_IDENTITY

    def paused_days(self, now=None):
        """Days the statutory clock waited for the person's identity (None: never paused)."""
        from django.utils import timezone

        if not self.confirmation_sent_at and not self.identity_method:
            return None
        end = self.identity_confirmed_at or self.closed_at or now or timezone.now()
        return max((end - self.received_at).days, 0)

    def receipt_lines(self):
        return AccountClosure.receipt_lines(self)


class DataRequestEvent(AppendOnlyModel):
    """The status history of a request (append-only)."""

    # Staff notes may name the customer: erasure blanks them, the history stays.
    redactable_fields = ("note",)

    request = models.ForeignKey(
        DataRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    at = models.DateTimeField(_("at"))
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.status}"


class CorrectionState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    PENDING = "pending", _("Waiting for a check")
    REFUSED = "refused", pgettext_lazy("correction", "Refused")


class Correction(models.Model):
    """One correction of a field (Art. 16), the detail of its RECTIFICATION request: old and
    new value. The old value is blanked ``CORRECTION_KEEP_OLD_VALUE`` after the request
    closes (``old_value_cleared_at``); the new one is the customer's data as it now stands."""

    request = models.OneToOneField(
        DataRequest,
        on_delete=models.CASCADE,
        related_name="correction",
        verbose_name=_("request"),
    )
    source = models.CharField(_("source"), max_length=64)
    record = models.CharField(_("record"), max_length=64)
    field = models.CharField(_("field"), max_length=100)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    needs_check = models.BooleanField(_("checked by staff"), default=False)
    state = models.CharField(_("state"), max_length=20, choices=CorrectionState.choices)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    old_value_cleared_at = models.DateTimeField(_("old value blanked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return f"{self.source}.{self.field} ({self.state})"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class DataExport(models.Model):
    """A customer's data export: a ZIP built in the background, kept until it expires.

    A guest's export has no user: it is of the records found by ``email``, the address the
    guest confirmed (``guests``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="privacy_exports",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("guest's email"), blank=True)
    request = models.OneToOneField(
        DataRequest,
        on_delete=models.SET_NULL,
        null=True,
        related_name="export",
        verbose_name=_("request"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    created_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    record_count = models.PositiveIntegerField(_("records"), null=True, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)
    # The worker building it: it takes the claim and beats while it works, so an export whose
    # worker died is found (no beat for EXPORT_STALE_SECONDS) and built again by another.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["user", "created_at"], name="privacy_export_user")]

    def __str__(self):
        return f"export {self.pk}"


class ClosureKind(models.TextChoices):
    DELETION = "deletion", _("Deletion requested")
    DEACTIVATION = "deactivation", _("Deactivated")
    INACTIVITY = "inactivity", _("Inactive account")


class ClosureState(models.TextChoices):
    WARNED = "warned", _("Warned")
    SCHEDULED = "scheduled", _("Erasure scheduled")
    ERASING = "erasing", _("Being erased")
    # Due, but something the customer must settle first (an unpaid order) holds it.
    BLOCKED = "blocked", _("Erasure on hold")
    ERASED = "erased", _("Erased")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def active_values(cls):
        return [cls.WARNED, cls.SCHEDULED, cls.ERASING, cls.BLOCKED]

    @classmethod
    def cancellable_values(cls):
        """The customer may still keep the account (reactivate, sign in, cancel)."""
        return [cls.WARNED, cls.SCHEDULED, cls.BLOCKED]


class AccountClosure(models.Model):
    """An account on its way out: deactivated, deletion requested, or inactive too long.

    At most one is active per customer (a database constraint), so two simultaneous deletion
    requests schedule one erasure.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="privacy_closures",
        verbose_name=_("customer"),
    )
    request = models.ForeignKey(
        DataRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ClosureKind.choices)
    state = models.CharField(_("state"), max_length=20, choices=ClosureState.choices)
    created_at = models.DateTimeField(_("created at"))
    scheduled_for = models.DateTimeField(_("erasure on"))
    warned_at = models.DateTimeField(_("warning sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt sent at"), null=True, blank=True)
    # An erasure on hold: what holds it ([{"source", "code", "message"}]), since when, and
    # when the customer was told what to settle (once per closure).
    blockers = models.JSONField(_("blocked by"), default=list, blank=True)
    blocked_at = models.DateTimeField(_("on hold since"), null=True, blank=True)
    blocked_notice_sent_at = models.DateTimeField(
        _("told what to settle at"), null=True, blank=True
    )
    # The email (its template) being sent to this customer: left set only by a run that was
    # killed, whose email may have gone out; the next run counts it as sent.
    email_in_flight = models.CharField(max_length=50, blank=True, default="", editable=False)
    # What was deleted, anonymised and held, per source; no personal data.
    receipt = models.JSONField(_("receipt"), default=dict, blank=True)
    # The recipients told of the erasure (their names; Art. 19), as the receipt says.
    recipients_told = models.JSONField(_("recipients told"), default=list, blank=True)
    # The sweep erasing it: a claim older than ERASURE_CLAIM_TIMEOUT is taken over.
    claim = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("account closure")
        verbose_name_plural = _("account closures")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state__in=["warned", "scheduled", "erasing", "blocked"]),
                name="privacy_one_active_closure",
            )
        ]
        indexes = [models.Index(fields=["state", "scheduled_for"], name="privacy_closure_due")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    def receipt_lines(self):
        """The receipt per source, its texts (stored in the source language) translated."""
        return [
            {
                "source": source,
                "label": gettext(result["label"]),
                "deleted": result["deleted"],
                "anonymised": result["anonymised"],
                "held": [
                    {
                        "count": hold["count"],
                        "reason": gettext(hold["reason"]),
                        "until": datetime.fromisoformat(hold["until"]) if hold["until"] else None,
                    }
                    for hold in result["held"]
                ],
            }
            for source, result in self.receipt.items()
        ]


class ErasureStep(models.Model):
    """One source erased for one closure: recorded with the erasure, so it never runs twice."""

    closure = models.ForeignKey(
        AccountClosure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("closure")
    )
    source = models.CharField(_("source"), max_length=64)
    done_at = models.DateTimeField(_("done at"))
    result = models.JSONField(_("result"), default=dict)

    class Meta:
        verbose_name = _("erasure step")
        verbose_name_plural = _("erasure steps")
        constraints = [
            models.UniqueConstraint(fields=["closure", "source"], name="privacy_erasure_once")
        ]

    def __str__(self):
        return f"{self.closure_id}:{self.source}"


class CustomerSession(models.Model):
    """A session a customer signed in with, so that erasure can end it.

    Django keeps no index of sessions by user; this one is written at sign-in and works with
    every server-side session engine (database, cache, files).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
    )
    session_key = models.CharField(_("session key"), max_length=255)
    created_at = models.DateTimeField(_("signed in at"))

    class Meta:
        verbose_name = _("customer session")
        verbose_name_plural = _("customer sessions")
        constraints = [
            models.UniqueConstraint(fields=["user", "session_key"], name="privacy_session_once")
        ]

    def __str__(self):
        return f"session of {self.user_id}"


class RetentionRun(AppendOnlyModel):
    """One run of the ``retention`` step of ``privacy_tick`` (append-only): when it ran and how
    many records of each source it deleted or anonymised. Counts only, no personal data.

    Written when the run starts; ``finished_at`` and ``counts`` are filled once at its end, so a
    run that died shows as unfinished (the next run finishes its work).
    """

    mutable_once_fields = ("finished_at", "counts")

    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("records per source"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"retention run {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def total(self):
        return sum((self.counts or {}).values())
