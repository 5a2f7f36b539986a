"""The breach register (Art. 33(5)): every breach, and the proof each customer was told."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clock import DEADLINE


class BreachStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Breach(models.Model):
    """A personal data breach. Never deleted: the register is the shop's proof (Art. 33(5))."""

    detected_at = models.DateTimeField(_("detected at"))
    title = models.CharField(_("title"), max_length=200)
    what_happened = models.TextField(_("what happened"))
    data_categories = models.TextField(_("categories of personal data"))
    people_affected = models.PositiveIntegerField(_("approximate number of people"))
    records_affected = models.PositiveIntegerField(_("approximate number of records"))
    consequences = models.TextField(_("likely consequences"))
    measures = models.TextField(_("measures taken or proposed"))
    high_risk = models.BooleanField(
        _("high risk to people"),
        default=False,
        help_text=_("A high risk means the affected customers must be told (Art. 34)."),
    )
    authority_notified_at = models.DateTimeField(_("authority notified at"), null=True, blank=True)
    late_reason = models.TextField(
        _("reason for the late notification"),
        blank=True,
        help_text=_("Required when the authority was notified more than 72 hours after detection."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BreachStatus.choices, default=BreachStatus.OPEN
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["-detected_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def deadline(self):
        return self.detected_at + DEADLINE if self.detected_at else None

    def clean(self):
        errors = {}
        now = timezone.now()
        if self.detected_at and self.detected_at > now:
            errors["detected_at"] = _("The detection time cannot be in the future.")
        notified = self.authority_notified_at
        if notified and notified > now:
            errors["authority_notified_at"] = _("The notification time cannot be in the future.")
        elif notified and self.detected_at and notified < self.detected_at:
            errors["authority_notified_at"] = _(
                "The authority cannot have been notified before the breach was detected."
            )
        elif notified and self.detected_at and notified > self.deadline:
            if not self.late_reason.strip():
                errors["late_reason"] = _(
                    "The authority was notified more than 72 hours after detection: say why."
                )
        if errors:
            raise ValidationError(errors)


class EmailState(models.TextChoices):
    PENDING = "pending", _("To be sent")
    SENDING = "sending", _("Sending (unconfirmed)")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class BreachNotification(models.Model):
    """One round of telling customers about a breach: whom staff selected, and its progress,
    so the work resumes after a crash."""

    breach = models.ForeignKey(
        Breach, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("breach")
    )
    # {"everyone": bool, "sources": [names], "emails": [lower-cased], "user_ids": [str]}
    selection = models.JSONField(_("selection"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    last_user_id = models.CharField(_("last customer done"), max_length=64, blank=True)
    notices_created_at = models.DateTimeField(_("notices created at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("breach notification")
        verbose_name_plural = _("breach notifications")

    def __str__(self):
        return f"notification {self.pk} of breach {self.breach_id}"


class BreachNotice(models.Model):
    """The proof that one customer was told of one breach (Art. 34): once per customer.

    The email state moves pending → sending → sent (or failed); a notice left in ``sending``
    by a crash is kept as unconfirmed rather than sent again.
    """

    breach = models.ForeignKey(
        Breach, on_delete=models.PROTECT, related_name="notices", verbose_name=_("breach")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_breach_notices",
        verbose_name=_("customer"),
    )
    language = models.CharField(_("language"), max_length=20)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    email_state = models.CharField(
        _("email"), max_length=20, choices=EmailState.choices, default=EmailState.PENDING
    )
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    email_claimed_at = models.DateTimeField(_("email claimed at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("breach notice")
        verbose_name_plural = _("breach notices")
        constraints = [
            models.UniqueConstraint(fields=["breach", "user"], name="privacy_breach_notice_once"),
        ]
        indexes = [
            models.Index(fields=["breach", "email_state"], name="privacy_breach_notice_state"),
        ]

    def __str__(self):
        return f"notice {self.pk} of breach {self.breach_id}"
