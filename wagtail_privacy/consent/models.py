"""Consent purposes (managed by editors) and the append-only consent ledger."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin

from ..periods import InvalidPeriod, Period
from ..records import AppendOnlyModel


def validate_period(value):
    """A purpose's ``valid_for``: a whole number of days or months ("730d", "24m"), not 0."""
    try:
        period = Period.parse(value)
    except InvalidPeriod:
        period = None
    if period is None or period.count < 1:
        raise ValidationError(_("Write a whole number of days or months, such as “730d” or “24m”."))


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    POST = "post", _("Post")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent (Art. 6(1)(a) GDPR)")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (Art. 6(1)(f) GDPR)")


class ConsentPurpose(TranslatableMixin, models.Model):
    """Something customers may agree to (a newsletter, SMS offers, profiling), per channel."""

    key = models.SlugField(
        _("key"), max_length=64, help_text=_("Stable identifier used by the API and your code.")
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    wording = models.TextField(
        _("wording"), help_text=_("The text customers agree to. Change it, and raise the version.")
    )
    wording_version = models.PositiveIntegerField(_("wording version"), default=1)
    renew_on_wording_change = models.BooleanField(
        _("renew consent when the wording changes"),
        default=False,
        help_text=_(
            "When you raise the wording version, consents given to an earlier wording no "
            "longer count until the customer agrees to the new one."
        ),
    )
    valid_for = models.CharField(
        _("consent valid for"),
        max_length=16,
        blank=True,
        validators=[validate_period],
        help_text=_(
            "How long a consent lasts before the customer must give it again, in days or "
            "months: “730d” or “24m”. Customers are asked to renew it before it expires. "
            "Leave empty: it lasts until withdrawn."
        ),
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    direct_marketing = models.BooleanField(
        _("direct marketing"),
        default=False,
        help_text=_(
            "For a purpose based on legitimate interest: an objection to direct marketing is "
            "final (Art. 21(3) GDPR). Once a customer objects, they are never included again."
        ),
    )
    suspended_by_restriction = models.BooleanField(
        _("paused while processing is restricted"),
        default=True,
        help_text=_(
            "Marketing and profiling: paused for customers who restrict the processing of "
            "their data (Art. 18 GDPR); their choices are kept. Untick it for what you need "
            "to serve the customer, such as order updates."
        ),
    )
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    phone = models.BooleanField(_("by phone"), default=False)
    post = models.BooleanField(_("by post"), default=False)
    sort_order = models.IntegerField(_("order"), default=0)
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("No longer offered; its history is kept and withdrawals still work."),
    )

    panels = [
        FieldPanel("key"),
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("wording"),
                FieldPanel("wording_version"),
                FieldPanel("renew_on_wording_change"),
            ],
            heading=_("Wording"),
        ),
        FieldPanel("valid_for"),
        MultiFieldPanel(
            [
                FieldPanel("legal_basis"),
                FieldPanel("direct_marketing"),
                FieldPanel("suspended_by_restriction"),
            ],
            heading=_("Legal basis"),
            help_text=_(
                "Consent: customers opt in. Legitimate interest: customers are included "
                "until they object, per channel."
            ),
        ),
        MultiFieldPanel(
            [FieldPanel("email"), FieldPanel("sms"), FieldPanel("phone"), FieldPanel("post")],
            heading=_("Channels offered"),
        ),
        FieldPanel("sort_order"),
        FieldPanel("retired"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("consent purpose")
        verbose_name_plural = _("consent purposes")
        ordering = ["sort_order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "locale"], name="privacy_purpose_key_locale")
        ]

    def __str__(self):
        return self.name

    @property
    def channels(self):
        return [c for c in Channel.values if getattr(self, c)]

    @property
    def objectable(self):
        """Based on legitimate interest: customers are included until they object."""
        return self.legal_basis == LegalBasis.LEGITIMATE_INTEREST

    @property
    def validity(self):
        """``valid_for`` as a ``Period``, or None: consents last until withdrawn."""
        return Period.parse(self.valid_for) if self.valid_for else None

    @property
    def wording_sha256(self):
        return hashlib.sha256(self.wording.encode()).hexdigest()


class ConsentSource(models.TextChoices):
    ACCOUNT = "account", _("Account settings")
    CHECKOUT = "checkout", _("Checkout")
    SIGNUP = "signup", _("Sign-up form")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
    STAFF = "staff", _("Staff")
    JOINED = "joined", _("Joined from a guest sign-up")
    ERASURE = "erasure", _("Account erasure")


class ConsentRecord(AppendOnlyModel):
    """One grant or withdrawal: who, what, which wording, when, how. Never changed."""

    # Erasure blanks these; the rest of the proof stays.
    redactable_fields = ("ip_address", "user_agent", "email", "email_sha256")
    # When the confirmation of a withdrawal was emailed (``consent.confirmations``), and when
    # a grant that expires was asked to be renewed (``consent.renewals``).
    mutable_once_fields = ("confirmed_at", "renewal_requested_at")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="privacy_consents",
        verbose_name=_("customer"),
    )
    # Guests and newsletter sign-ups are known by email only; the hash lets links name them.
    email = models.EmailField(_("email"), blank=True)
    email_sha256 = models.CharField(_("email hash"), max_length=64, blank=True, db_index=True)
    purpose_key = models.SlugField(_("purpose"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    granted = models.BooleanField(_("granted"))
    # A refusal of a purpose based on legitimate interest (Art. 21 GDPR), not the withdrawal
    # of a consent; a grant after one withdraws the objection.
    objection = models.BooleanField(_("objection"), default=False)
    wording_version = models.PositiveIntegerField(_("wording version"))
    wording_sha256 = models.CharField(_("SHA-256 of the wording"), max_length=64)
    policy_version = models.ForeignKey(
        "wagtail_privacy.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy policy version in force"),
    )
    at = models.DateTimeField(_("at"))
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    confirmed_at = models.DateTimeField(_("withdrawal confirmed at"), null=True, blank=True)
    renewal_requested_at = models.DateTimeField(_("renewal requested at"), null=True, blank=True)
    # 1, 2, 3... per subject, purpose and channel. Unique per subject, so two writers racing
    # to record the same change collide in the database instead of both writing proof.
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [
            models.Index(fields=["user", "purpose_key", "channel"], name="privacy_consent_user"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose_key", "channel", "sequence"],
                condition=models.Q(user__isnull=False),
                name="privacy_consent_user_sequence",
            ),
            # Guests; erasure blanks the hash (and the user), which takes rows out of both.
            models.UniqueConstraint(
                fields=["email_sha256", "purpose_key", "channel", "sequence"],
                condition=models.Q(user__isnull=True) & ~models.Q(email_sha256=""),
                name="privacy_consent_guest_sequence",
            ),
        ]

    def __str__(self):
        done = "granted" if self.granted else "objected" if self.objection else "withdrawn"
        return f"{self.purpose_key}/{self.channel}: {done}"


def email_hash(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest() if email else ""
