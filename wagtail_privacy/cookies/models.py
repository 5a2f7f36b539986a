"""Cookie categories (managed by editors, with the cookies each covers) and the append-only
ledger of visitors' cookie choices."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, TranslatableMixin

from ..records import AppendOnlyModel


class CookieCategory(TranslatableMixin, ClusterableModel):
    """A kind of cookie visitors choose about (statistics, marketing...), or the strictly
    necessary ones, which are always on; with the cookies and services it covers."""

    key = models.SlugField(
        _("key"),
        max_length=64,
        help_text=_(
            "Stable identifier, the same in every language: scripts marked "
            "data-cookie-category with it run once visitors allow it."
        ),
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    necessary = models.BooleanField(
        _("strictly necessary"),
        default=False,
        help_text=_("Always on: the shop cannot work without them. Visitors are not asked."),
    )
    marketing = models.BooleanField(
        _("marketing"),
        default=False,
        help_text=_(
            "Advertising and tracking across sites: refused for visitors whose browser sends "
            "Global Privacy Control (Sec-GPC: 1)."
        ),
    )
    wording = models.TextField(
        _("wording"),
        help_text=_(
            "What visitors agree to. Change it, and raise the version: visitors are asked again."
        ),
    )
    wording_version = models.PositiveIntegerField(_("wording version"), default=1)
    sort_order = models.IntegerField(_("order"), default=0)

    panels = [
        FieldPanel("key"),
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("necessary"), FieldPanel("marketing")],
            heading=_("Kind"),
        ),
        MultiFieldPanel(
            [FieldPanel("wording"), FieldPanel("wording_version")],
            heading=_("Wording"),
        ),
        InlinePanel(
            "cookies",
            label=_("Cookies and services"),
            help_text=_(
                "A change of a cookie's name, provider or duration asks visitors again, for "
                "this category only."
            ),
        ),
        FieldPanel("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("cookie category")
        verbose_name_plural = _("cookie categories")
        ordering = ["sort_order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "locale"], name="privacy_cookie_key_locale")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.necessary and self.marketing:
            raise ValidationError(
                {"marketing": _("Strictly necessary cookies cannot be marketing cookies.")}
            )

    @property
    def items(self):
        """The cookies and services it covers, in their order (a list)."""
        return list(self.cookies.all())

    @property
    def fingerprint(self):
        return fingerprint(self.wording, self.wording_version, self.items)

    @property
    def wording_sha256(self):
        return wording_hash(self.wording)


def wording_hash(wording):
    return hashlib.sha256(wording.encode()).hexdigest()


def fingerprint(wording, wording_version, items):
    """What a choice was made about: the wording (its text and version) and the cookies (name,
    provider, duration), in any order. A choice made under another fingerprint no longer
    counts."""
    cookies = sorted([item.name, item.provider, item.duration] for item in items)
    data = json.dumps(
        [wording_hash(wording), wording_version, cookies], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(data.encode()).hexdigest()


class CookieItem(Orderable):
    """One cookie, or one service setting cookies, of a category."""

    category = ParentalKey(
        CookieCategory,
        on_delete=models.CASCADE,
        related_name="cookies",
        verbose_name=_("category"),
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("The cookie, or the service."))
    provider = models.CharField(_("provider"), max_length=255)
    duration = models.CharField(
        _("duration"), max_length=100, help_text=_("How long it is kept: “session”, “13 months”.")
    )
    purpose = models.TextField(_("purpose"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("provider"),
        FieldPanel("duration"),
        FieldPanel("purpose"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("cookie")
        verbose_name_plural = _("cookies")

    def __str__(self):
        return self.name


class CookieSource(models.TextChoices):
    BANNER = "banner", _("Cookie banner")
    SETTINGS = "settings", _("Cookie settings")
    GPC = "gpc", _("Global Privacy Control")
    JOINED = "joined", _("Joined at sign-in")
    API = "api", _("API")


class CookieConsentRecord(AppendOnlyModel):
    """One choice about one category: which visitor (and customer), what, under which wording
    and cookies, which cookie policy, when and how. Never changed."""

    # Erasure blanks these and the link to the customer; the proof of the choice stays.
    redactable_fields = ("ip_address", "user_agent", "user")

    visitor_id = models.CharField(_("visitor"), max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="privacy_cookie_choices",
        verbose_name=_("customer"),
    )
    category_key = models.SlugField(_("category"), max_length=64)
    granted = models.BooleanField(_("allowed"))
    wording_version = models.PositiveIntegerField(_("wording version"))
    wording_sha256 = models.CharField(_("SHA-256 of the wording"), max_length=64, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    policy_version = models.ForeignKey(
        "wagtail_privacy.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cookie policy version in force"),
    )
    at = models.DateTimeField(_("at"))
    source = models.CharField(_("source"), max_length=20, choices=CookieSource.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    gpc = models.BooleanField(_("Global Privacy Control sent"), default=False)

    class Meta:
        verbose_name = _("cookie choice")
        verbose_name_plural = _("cookie choices")
        indexes = [
            models.Index(fields=["user", "category_key"], name="privacy_cookie_user"),
            models.Index(fields=["visitor_id", "category_key"], name="privacy_cookie_visitor"),
        ]

    def __str__(self):
        return f"{self.category_key}: {'allowed' if self.granted else 'refused'}"
