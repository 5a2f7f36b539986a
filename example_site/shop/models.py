"""Page types of the demo shop (the policy pages come from wagtail_privacy)."""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The shop's home page: a short introduction and links to the legal documents."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count_per_parent = 1

    class Meta:
        verbose_name = "home page"


class CustomerProfile(models.Model):
    """The shop's own customer data; the privacy app reads the language through a hook."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_profile"
    )
    language = models.CharField(max_length=10, blank=True)

    def __str__(self):
        return f"profile of customer {self.user_id}"


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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_addresses"
    )
    name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    postcode = models.CharField(max_length=20)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, help_text="ISO 3166 code, e.g. SI")
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["customer_id", "pk"]

    def __str__(self):
        return f"{self.name}, {self.street}, {self.postcode} {self.city}"


class Order(models.Model):
    """An order; kept (anonymised) after the customer's account is deleted."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", "unpaid"
        PAID = "paid", "paid"
        SHIPPED = "shipped", "shipped"
        CANCELLED = "cancelled", "cancelled"

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_orders",
    )
    number = models.CharField(max_length=20, unique=True)
    placed_at = models.DateTimeField()
    total = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNPAID)
    delivery_name = models.CharField(max_length=200, blank=True)
    delivery_street = models.CharField(max_length=200, blank=True)
    delivery_postcode = models.CharField(max_length=20, blank=True)
    delivery_city = models.CharField(max_length=100, blank=True)
    customer_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self):
        return f"order {self.number}"


class Invoice(models.Model):
    """An invoice; accounting law keeps it for 10 years, whatever happens to the order."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_invoices",
    )
    # The order may go before the invoice does (its hold is shorter): never cascade.
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
    )
    number = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    billing_name = models.CharField(max_length=200, blank=True)
    billing_address = models.TextField(blank=True)
    vat_id = models.CharField("VAT ID", max_length=20, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"invoice {self.number}"


class Contract(models.Model):
    """The signed framework contract (terms of sale accepted); contract data held 5 years."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_contracts",
    )
    signed_at = models.DateTimeField()
    terms_version = models.CharField(max_length=20)
    customer_name = models.CharField(max_length=200, blank=True)
    customer_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self):
        return f"contract of {self.signed_at:%Y-%m-%d} (terms {self.terms_version})"
