"""The test shop's own personal data, registered the way a host registers it."""

from wagtail_privacy.sources import CONTRACT, LEGAL_OBLIGATION, Blocker, ModelSource, register

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
    legal_basis = CONTRACT
    transfers = "The parcel service's tracking runs in the United States (standard clauses)."
    recipients = "Parcel service."
    retention = "10 years."
    origin = "The customer, when ordering."

    def blockers_many(self, users):
        # One query per batch of accounts, as erasure sweeps ask.
        found = {user.pk: [] for user in users}
        unpaid = self.rows_of([user.pk for user in users]).filter(paid=False).order_by("pk")
        for customer, number in unpaid.values_list("customer", "number"):
            found[customer].append(Blocker("unpaid_order", f"Order {number} is unpaid."))
        return found


@register
class InvoiceSource(ModelSource):
    name = "invoices"
    label = "Invoices"
    order = 110
    model = Invoice
    user_field = "customer"
    fields = ("number", "issued_at", "billing_name", "billing_address")
    legal_basis = LEGAL_OBLIGATION
    hold_years = 10
    hold_from = "issued_at"
    hold_reason = "Accounting law: invoices are kept 10 years."
    # The name on an issued invoice: the shop checks it and issues a corrected invoice.
    correctable = ("billing_name",)
    checked_fields = ("billing_name",)
    anonymise = {"billing_name": "", "billing_address": ""}
    # Live customers' invoices too: deleted 10 years after issue.
    keep_for = "10y"
    keep_from = "issued_at"


@register
class AddressSource(ModelSource):
    name = "addresses"
    label = "Addresses"
    order = 120
    model = Address
    user_field = "customer"
    fields = ("street", "phone")
    legal_basis = CONTRACT
    correctable = ("street", "phone")
