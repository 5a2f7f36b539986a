"""Proof of notice (one row per customer and version) and proof of acceptance."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..records import AppendOnlyModel


class EmailState(models.TextChoices):
    NONE = "none", _("No email")
    PENDING = "pending", _("To be sent")
    SENDING = "sending", _("Sending (unconfirmed)")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    RETRACTED = "retracted", _("Retracted")


class ChangeNotice(models.Model):
    """A customer's notice of one policy version, and the proof that it was given.

    The email state moves pending → sending → sent (or failed) and is written before and after
    each send, so a re-run never emails anyone twice; a notice left in ``sending`` by a crash
    is reported as unconfirmed rather than sent again.
    """

    version = models.ForeignKey(
        "wagtail_privacy.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("version"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_notices",
        verbose_name=_("customer"),
    )
    language = models.CharField(_("language"), max_length=20)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    email_state = models.CharField(
        _("email"), max_length=20, choices=EmailState.choices, default=EmailState.NONE
    )
    # Marks the rows one sending run has claimed, so a run never touches another's claims.
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    email_claimed_at = models.DateTimeField(_("email claimed at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)
    effective_email_state = models.CharField(
        _("“now in effect” email"),
        max_length=20,
        choices=EmailState.choices,
        default=EmailState.NONE,
    )
    effective_emailed_at = models.DateTimeField(
        _("“now in effect” emailed at"), null=True, blank=True
    )
    # Customers told of a version that was then withdrawn before taking effect are told that
    # it will not (the email "this change will not take effect").
    withdrawal_email_state = models.CharField(
        _("“will not take effect” email"),
        max_length=20,
        choices=EmailState.choices,
        default=EmailState.NONE,
    )
    withdrawal_emailed_at = models.DateTimeField(
        _("“will not take effect” emailed at"), null=True, blank=True
    )
    # Reminders to customers who have neither accepted nor declined a version before it takes
    # effect (``ACCEPTANCE_REMINDER_DAYS``): how many of the schedule were due, and the email.
    reminders_due = models.PositiveSmallIntegerField(_("reminders due"), default=0)
    reminder_email_state = models.CharField(
        _("reminder email"), max_length=20, choices=EmailState.choices, default=EmailState.NONE
    )
    reminder_emailed_at = models.DateTimeField(_("reminder emailed at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    retracted_at = models.DateTimeField(_("retracted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="privacy_notice_once"),
        ]
        indexes = [
            models.Index(fields=["version", "email_state"], name="privacy_notice_state"),
            models.Index(fields=["user", "retracted_at"], name="privacy_notice_user"),
        ]

    def __str__(self):
        return f"notice {self.pk} of version {self.version_id}"


class AcceptanceChannel(models.TextChoices):
    API = "api", _("API")
    WEB = "web", _("Website")
    CHECKOUT = "checkout", _("Checkout")


class PolicyDecision(AppendOnlyModel):
    """What the proof of an acceptance and of a decline share: who decided on which version,
    in which language, how and from where. Append-only."""

    # Erasure blanks these; the rest of the proof stays.
    redactable_fields = ("ip_address", "user_agent")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="privacy_%(class)ss",
        verbose_name=_("customer"),
    )
    policy = models.ForeignKey(
        "wagtail_privacy.Policy",
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("policy"),
    )
    version = models.ForeignKey(
        "wagtail_privacy.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("version"),
    )
    language = models.CharField(_("language"), max_length=20)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=AcceptanceChannel.choices)

    class Meta:
        abstract = True


class Acceptance(PolicyDecision):
    """A customer's acceptance of one policy version: append-only proof."""

    text_sha256 = models.CharField(_("SHA-256 of the accepted text"), max_length=64)
    accepted_at = models.DateTimeField(_("accepted at"))
    decided_at_field = "accepted_at"

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["user", "policy"], name="privacy_acceptance_user")]
        # One proof per customer and version, however many requests accept at once.
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="privacy_accept_once")
        ]

    def __str__(self):
        return f"acceptance {self.pk} of version {self.version_id}"


class Decline(PolicyDecision):
    """A customer's refusal of one policy version: proof like an acceptance's, append-only.

    It changes nothing before the version takes effect; afterwards the gate keeps asking.
    Accepting later (the same version or a newer one) is what ends it.
    """

    text_sha256 = models.CharField(_("SHA-256 of the declined text"), max_length=64)
    declined_at = models.DateTimeField(_("declined at"))
    decided_at_field = "declined_at"

    class Meta:
        verbose_name = _("decline")
        verbose_name_plural = _("declines")
        ordering = ["-declined_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="privacy_decline_once")
        ]

    def __str__(self):
        return f"decline {self.pk} of version {self.version_id}"


class NoticeFanOut(models.Model):
    """Progress of notifying the audience of one version, so the work resumes after a crash."""

    version = models.OneToOneField(
        "wagtail_privacy.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="fan_out",
        verbose_name=_("version"),
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    last_user_id = models.CharField(_("last customer done"), max_length=64, blank=True)
    notices_created_at = models.DateTimeField(_("notices created at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When privacy_tick last enqueued the "now in effect" emails, so a later run leaves
    # them to those tasks unless they were lost.
    effective_enqueued_at = models.DateTimeField(
        _("now-in-effect emails enqueued at"), null=True, blank=True
    )
    reminders_enqueued_at = models.DateTimeField(
        _("reminder emails enqueued at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("notice fan-out")
        verbose_name_plural = _("notice fan-outs")

    def __str__(self):
        return f"fan-out of version {self.version_id}"
