from django.conf import settings
from django.db import models


class CustomerProfile(models.Model):
    """A host's own customer data: the preferred language used for notices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(max_length=10, blank=True)

    def __str__(self):
        return f"profile of {self.user_id}"


class Order(models.Model):
    """A host's order: personal data the privacy app learns about through a source.

    A guest order has no customer, only the email address it was placed with."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="orders",
        null=True,
        blank=True,
    )
    email = models.EmailField(blank=True)
    number = models.CharField(max_length=20)
    placed_at = models.DateTimeField()
    total = models.DecimalField(max_digits=10, decimal_places=2)
    delivery_note = models.CharField(max_length=200, blank=True)
    paid = models.BooleanField(default=True)

    def __str__(self):
        return self.number


class Invoice(models.Model):
    """Kept 10 years by law: anonymised, not deleted, on erasure."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invoices"
    )
    number = models.CharField(max_length=20)
    issued_at = models.DateTimeField()
    billing_name = models.CharField(max_length=200)
    billing_address = models.CharField(max_length=300)

    def __str__(self):
        return self.number


class Address(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    street = models.CharField(max_length=200)
    phone = models.CharField(max_length=40)

    def __str__(self):
        return self.street
