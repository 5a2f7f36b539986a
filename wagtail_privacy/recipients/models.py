"""The recipients register (Art. 30) and the notices sent to recipients (Art. 19)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin

from ..conf import privacy_settings
from ..sources import registry

#: The shortest webhook secret accepted (characters): 32 hex digits are 128 bits.
MIN_SECRET_LENGTH = 32


class Role(models.TextChoices):
    PROCESSOR = "processor", _("Processor (acts on our behalf)")
    CONTROLLER = "controller", _("Independent controller")


class Delivery(models.TextChoices):
    EMAIL = "email", _("Email to the contact address")
    WEBHOOK = "webhook", _("Webhook (HTTPS POST, signed)")


class Identifier(models.TextChoices):
    EMAIL = "email", _("The customer's email address")
    HOST = "host", _("The shop's own customer identifier")


def source_names(value):
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def unknown_sources(value):
    known = {source.name for source in registry.sources()}
    return [name for name in source_names(value) if name not in known]


def validate_sources(value):
    unknown = unknown_sources(value)
    if unknown:
        raise ValidationError(
            _("Unknown data sources: %(names)s. Known: %(known)s.")
            % {
                "names": ", ".join(unknown),
                "known": ", ".join(s.name for s in registry.sources()),
            }
        )


def local_http_allowed():
    allowed = privacy_settings.RECIPIENT_LOCAL_HTTP
    return settings.DEBUG if allowed is None else bool(allowed)


def _is_local(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url_problem(url):
    """Why ``url`` cannot be a webhook, or None: HTTPS only; plain http only to localhost
    when ``RECIPIENT_LOCAL_HTTP`` (or DEBUG) allows it."""
    parts = urlsplit(url or "")
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and _is_local(parts.hostname or "") and local_http_allowed():
        return None
    return _("A webhook must be an https:// address.")


class Recipient(TranslatableMixin, models.Model):
    """Someone the shop passes customers' data to: a parcel service, an accountant."""

    key = models.SlugField(
        _("key"), max_length=64, help_text=_("Stable identifier, the same in every language.")
    )
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    description = models.TextField(_("description"), blank=True)
    purposes = models.TextField(_("purposes"), help_text=_("What the data is passed on for."))
    data_categories = models.TextField(
        _("data categories"), help_text=_("What it receives: names, addresses, order lines.")
    )
    countries = models.CharField(
        _("countries"), max_length=255, blank=True, help_text=_("Where it processes the data.")
    )
    safeguards = models.TextField(
        _("transfer safeguards"),
        blank=True,
        help_text=_("Outside the EEA: the safeguards (adequacy decision, standard clauses)."),
    )
    sources = models.CharField(
        _("data sources it receives"),
        max_length=500,
        validators=[validate_sources],
        help_text=_(
            "Names of the data sources (comma-separated): it is told of erasures, corrections "
            "and restrictions of customers with records in them."
        ),
    )
    contact = models.TextField(_("contact"), blank=True)
    delivery = models.CharField(
        _("how it is told"), max_length=20, choices=Delivery.choices, default=Delivery.EMAIL
    )
    notify_email = models.EmailField(_("email for notices"), blank=True)
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "At least 32 characters, shared with the recipient: it signs each notice "
            "(X-Privacy-Signature)."
        ),
    )
    identifier = models.CharField(
        _("customer identified by"),
        max_length=20,
        choices=Identifier.choices,
        default=Identifier.EMAIL,
        help_text=_("Send only what the recipient already holds."),
    )
    active = models.BooleanField(_("told of requests"), default=True)

    panels = [
        FieldPanel("key"),
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("description"),
        FieldPanel("purposes"),
        FieldPanel("data_categories"),
        MultiFieldPanel(
            [FieldPanel("countries"), FieldPanel("safeguards")], heading=_("Transfers")
        ),
        FieldPanel("sources"),
        FieldPanel("contact"),
        MultiFieldPanel(
            [
                FieldPanel("delivery"),
                FieldPanel("notify_email"),
                FieldPanel("webhook_url"),
                FieldPanel("webhook_secret"),
                FieldPanel("identifier"),
                FieldPanel("active"),
            ],
            heading=_("Notices of erasures, corrections and restrictions"),
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["name", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "locale"], name="privacy_recipient_key_locale")
        ]

    def __str__(self):
        return self.name

    @property
    def source_names(self):
        return source_names(self.sources)

    def delivery_problems(self):
        """{field: message} of what stops notices reaching this recipient."""
        problems = {}
        if self.delivery == Delivery.EMAIL and not self.notify_email:
            problems["notify_email"] = _("Give the address notices are emailed to.")
        if self.delivery == Delivery.WEBHOOK:
            problem = webhook_url_problem(self.webhook_url)
            if problem:
                problems["webhook_url"] = problem
            if len(self.webhook_secret or "") < MIN_SECRET_LENGTH:
                problems["webhook_secret"] = _(
                    "The webhook secret must be at least %(count)d characters."
                ) % {"count": MIN_SECRET_LENGTH}
        return problems

    def clean(self):
        super().clean()
        if self.active:
            problems = self.delivery_problems()
            if problems:
                raise ValidationError(problems)


class Action(models.TextChoices):
    ERASURE = "erasure", _("Erasure")
    RECTIFICATION = "rectification", _("Rectification")
    RESTRICTION = "restriction", _("Restriction")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Failed")
    #: Nothing to name the customer by that the recipient holds (a guest, to a recipient that
    #: knows customers by the shop's identifier): recorded, with why, but not sent.
    NOT_TOLD = "not_told", _("Not told")


class RecipientNotification(models.Model):
    """One recipient told of one erasure, rectification or restriction, until it answers.

    ``identifier`` (what names the customer to the recipient) is blanked once the recipient
    has acknowledged, or the notice failed: it is kept only as long as it must be sent.
    """

    recipient = models.ForeignKey(
        Recipient, verbose_name=_("recipient"), null=True, on_delete=models.SET_NULL
    )
    recipient_key = models.SlugField(_("recipient key"), max_length=64)
    recipient_name = models.CharField(_("recipient"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    #: What was done, naming no one: "closure:12", "request:40", "restriction:7".
    reference = models.CharField(_("reference"), max_length=100)
    identifier = models.CharField(_("customer identifier"), max_length=254, blank=True)
    sources = models.JSONField(_("data sources"), default=list)
    fields = models.JSONField(_("fields corrected"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # When the privacy officers' digest named it overdue: once per notification.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        app_label = "wagtail_privacy"
        verbose_name = _("recipient notification")
        verbose_name_plural = _("recipient notifications")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "action", "reference"], name="privacy_recipient_once"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.recipient_name}: {self.get_action_display()} ({self.reference})"

    @property
    def overdue(self):
        return self.status in UNANSWERED and self.due_at < timezone.now()


#: The statuses still waiting for the recipient: overdue once past ``due_at``.
UNANSWERED = (NoticeStatus.PENDING, NoticeStatus.DELIVERED, NoticeStatus.FAILED)
