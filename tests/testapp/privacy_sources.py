"""The test shop's own personal data, registered the way a host registers it."""

from wagtail_privacy.rights.registry import ModelSource, register

from .models import Order


@register
class OrderSource(ModelSource):
    name = "orders"
    label = "Orders"
    order = 100
    model = Order
    user_field = "customer"
    fields = ("number", "placed_at", "total", "delivery_note")
    purposes = "Delivering orders."
    recipients = "Parcel service."
    retention = "10 years."
    origin = "The customer, when ordering."
