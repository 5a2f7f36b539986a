"""The shop's own personal data, registered with wagtail_privacy (export, erasure, holds).

wagtail_privacy imports this module at start-up. Addresses are deleted outright when a customer
deletes the account; orders, invoices and contracts are records the law makes the shop keep,
so they are anonymised and kept until their hold ends, then ``privacy_tick`` deletes them.
They are not kept longer for a customer who still has an account: ``keep_for`` deletes them at
the same age whether or not the account exists.
An unpaid order blocks the deletion, and any erasure of the account (the end of a
deactivation, inactivity), until it is paid or settled with the shop.

Guest orders (placed without an account) are found by their email address: a guest who
confirms the address gets them in an export, or has them erased (anonymised under the hold).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail_privacy.sources import CONTRACT, LEGAL_OBLIGATION, Blocker, ModelSource, register

from .models import Address, Contract, Invoice, Order

ANONYMISED = "anonymised"


@register
class AddressSource(ModelSource):
    name = "addresses"
    label = _("Addresses")
    order = 100
    model = Address
    user_field = "customer"
    fields = ("name", "street", "postcode", "city", "country", "phone")
    purposes = _("Delivering your orders to the addresses you choose.")
    legal_basis = CONTRACT
    recipients = _("Parcel service (the delivery address of each order).")
    retention = _("Until you delete them or your account.")
    origin = _("You, in your address book or at checkout.")
    correctable = ("name", "street", "postcode", "city", "phone")


@register
class OrderSource(ModelSource):
    name = "orders"
    label = _("Orders")
    order = 110
    model = Order
    user_field = "customer"
    email_field = "email"  # guest orders
    fields = (
        "number",
        "placed_at",
        "total",
        "status",
        "delivery_name",
        "delivery_street",
        "delivery_postcode",
        "delivery_city",
        "customer_note",
    )
    purposes = _("Delivering your orders, taking payment and handling complaints and returns.")
    legal_basis = CONTRACT
    recipients = _("Parcel service; payment provider.")
    retention = _(
        "5 years after the order (contract data); after your account is deleted, without "
        "your name and address."
    )
    origin = _("You, when you order.")
    hold_years = 5
    hold_from = "placed_at"
    hold_reason = _("Orders are contract data: we must keep them for 5 years.")
    keep_for = "5y"
    keep_from = "placed_at"
    anonymise = {
        "email": "",
        "delivery_name": ANONYMISED,
        "delivery_street": ANONYMISED,
        "delivery_postcode": "",
        "delivery_city": ANONYMISED,
        "customer_note": "",
    }

    def blockers_many(self, users):
        # Deletion and every erasure sweep ask: one query per batch of accounts.
        found = {user.pk: [] for user in users}
        unpaid = self.rows_of([user.pk for user in users]).filter(status=Order.Status.UNPAID)
        for customer, number in unpaid.order_by("pk").values_list("customer", "number"):
            found[customer].append(
                Blocker(
                    code="unpaid_order",
                    message=gettext(
                        "Order %(number)s is unpaid: pay it or contact us before deleting "
                        "your account."
                    )
                    % {"number": number},
                )
            )
        return found


@register
class InvoiceSource(ModelSource):
    name = "invoices"
    label = _("Invoices")
    order = 120
    model = Invoice
    user_field = "customer"
    fields = (
        "number",
        "order__number",
        "issued_at",
        "amount",
        "billing_name",
        "billing_address",
        "vat_id",
    )
    purposes = _("Billing your orders and keeping the accounts the law requires.")
    legal_basis = LEGAL_OBLIGATION
    recipients = _("Our accountant; the tax authority on request.")
    retention = _("10 years after the invoice is issued (accounting and tax law).")
    origin = _("You, when you order; we issue the invoice.")
    hold_years = 10
    hold_from = "issued_at"
    hold_reason = _("Accounting law makes us keep invoices for 10 years.")
    keep_for = "10y"
    keep_from = "issued_at"
    anonymise = {"billing_name": ANONYMISED, "billing_address": ANONYMISED, "vat_id": ""}
    # An issued invoice is corrected by a corrected invoice: our staff check first.
    correctable = ("billing_name", "vat_id")
    checked_fields = ("billing_name", "vat_id")


@register
class ContractSource(ModelSource):
    name = "contracts"
    label = _("Contracts")
    order = 130
    model = Contract
    user_field = "customer"
    fields = ("signed_at", "terms_version", "customer_name", "customer_email")
    purposes = _("Proving the terms of sale you agreed to.")
    legal_basis = CONTRACT
    recipients = _("Kept by this shop only; our lawyers if there is a dispute.")
    retention = _("5 years after signing (contract data).")
    origin = _("You, when you accepted the terms of sale.")
    hold_years = 5
    hold_from = "signed_at"
    hold_reason = _("Contract data is kept for 5 years.")
    keep_for = "5y"
    keep_from = "signed_at"
    anonymise = {"customer_name": ANONYMISED, "customer_email": ""}
