"""The shop's records in the Wagtail admin (Shop menu): for staff to look things up."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Address, Contract, Invoice, Order


class OrderViewSet(SnippetViewSet):
    model = Order
    icon = "list-ul"
    list_display = ["number", "customer", "placed_at", "total", "status"]
    list_filter = ["status"]
    search_fields = ["number", "delivery_name", "delivery_city"]
    inspect_view_enabled = True


class InvoiceViewSet(SnippetViewSet):
    model = Invoice
    icon = "doc-full"
    list_display = ["number", "customer", "issued_at", "amount", "billing_name"]
    search_fields = ["number", "billing_name"]
    inspect_view_enabled = True


class ContractViewSet(SnippetViewSet):
    model = Contract
    icon = "clipboard-list"
    list_display = ["__str__", "customer", "signed_at", "terms_version"]
    inspect_view_enabled = True


class AddressViewSet(SnippetViewSet):
    model = Address
    icon = "home"
    menu_label = _("Addresses")
    list_display = ["name", "street", "postcode", "city", "country", "customer"]
    search_fields = ["name", "street", "city"]
    inspect_view_enabled = True


class ShopViewSetGroup(SnippetViewSetGroup):
    items = (OrderViewSet, InvoiceViewSet, ContractViewSet, AddressViewSet)
    menu_label = _("Shop")
    menu_icon = "tag"
    menu_order = 250


register_snippet(ShopViewSetGroup)
