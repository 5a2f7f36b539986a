"""The test shop's own personal data, registered the way a host registers it."""

from wagtail_privacy.sources import Blocker, ModelSource, register

from .models import Address, Invoice, Order


@register
class OrderSource(ModelSource):
    name = "orders"
    label = "Orders"
    order = 100
    model = Order
    user_field = "customer"
    email_field = "email"  # guest orders
    fields = ("number", "placed_at", "total", "delivery_note")
    purposes = "Delivering orders."
    recipients = "Parcel service."
    retention = "10 years."
    origin = "The customer, when ordering."

    def blockers(self, user):
        return [
            Blocker("unpaid_order", f"Order {number} is unpaid.")
            for number in self.queryset(user).filter(paid=False).values_list("number", flat=True)
        ]


@register
class InvoiceSource(ModelSource):
    name = "invoices"
    label = "Invoices"
    order = 110
    model = Invoice
    user_field = "customer"
    fields = ("number", "issued_at", "billing_name", "billing_address")
    hold_years = 10
    hold_from = "issued_at"
    hold_reason = "Accounting law: invoices are kept 10 years."
    anonymise = {"billing_name": "", "billing_address": ""}


@register
class AddressSource(ModelSource):
    name = "addresses"
    label = "Addresses"
    order = 120
    model = Address
    user_field = "customer"
    fields = ("street", "phone")
