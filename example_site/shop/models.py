"""Page types of the demo shop (the policy pages come from wagtail_privacy)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The shop's home page: a short introduction and links to the legal documents."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


class CustomerProfile(models.Model):
    """The shop's own customer data; the privacy app reads the language through a hook."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shop_profile",
        verbose_name=_("customer"),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self):
        return gettext("profile of customer %(id)s") % {"id": self.user_id}


# --------------------------------------------------------------------------------------------
# The shop's own personal data: addresses, orders, invoices and contracts. Each kind is a
# personal-data source of wagtail_privacy (see shop/privacy_sources.py): exported, and on
# erasure deleted outright (addresses) or kept anonymised for as long as the law requires.
# The records the law makes the shop keep point to the customer with a nullable foreign key,
# cleared on erasure, and copy the names and addresses they need rather than reference them.
# --------------------------------------------------------------------------------------------


class Address(models.Model):
    """A delivery or billing address in the customer's address book."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shop_addresses",
        verbose_name=_("customer"),
    )
    name = models.CharField(pgettext_lazy("address recipient", "name"), max_length=200)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. SI"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["customer_id", "pk"]

    def __str__(self):
        return f"{self.name}, {self.street}, {self.postcode} {self.city}"


class Order(models.Model):
    """An order; kept (anonymised) after the customer's account is deleted."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("unpaid")
        PAID = "paid", _("paid")
        SHIPPED = "shipped", _("shipped")
        CANCELLED = "cancelled", _("cancelled")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_orders",
        verbose_name=_("customer"),
    )
    # A guest order (no account) is known by the address it was placed with.
    email = models.EmailField(_("email"), blank=True)
    number = models.CharField(_("number"), max_length=20, unique=True)
    placed_at = models.DateTimeField(_("placed at"))
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UNPAID
    )
    delivery_name = models.CharField(_("delivery name"), max_length=200, blank=True)
    delivery_street = models.CharField(_("delivery street"), max_length=200, blank=True)
    delivery_postcode = models.CharField(_("delivery postcode"), max_length=20, blank=True)
    delivery_city = models.CharField(_("delivery city"), max_length=100, blank=True)
    customer_note = models.TextField(_("customer note"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("shop order", "order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]

    def __str__(self):
        return gettext("order %(number)s") % {"number": self.number}


class Invoice(models.Model):
    """An invoice; accounting law keeps it for 10 years, whatever happens to the order."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_invoices",
        verbose_name=_("customer"),
    )
    # The order may go before the invoice does (its hold is shorter): never cascade.
    order = models.ForeignKey(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=pgettext_lazy("shop order", "order"),
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    billing_name = models.CharField(_("billing name"), max_length=200, blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    vat_id = models.CharField(_("VAT ID"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at"]

    def __str__(self):
        return gettext("invoice %(number)s") % {"number": self.number}


class Contract(models.Model):
    """The signed framework contract (terms of sale accepted); contract data held 5 years."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_contracts",
        verbose_name=_("customer"),
    )
    signed_at = models.DateTimeField(_("signed at"))
    terms_version = models.CharField(_("terms version"), max_length=20)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_email = models.EmailField(_("customer email"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_at"]

    def __str__(self):
        return gettext("contract of %(date)s (terms %(version)s)") % {
            "date": f"{self.signed_at:%Y-%m-%d}",
            "version": self.terms_version,
        }
