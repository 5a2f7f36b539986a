"""Recording a request in the admin and reading its page and audit log, for the tests of
staff-recorded requests (guests, accounts, corrections)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from wagtail_privacy.rights.models import DataRequest


def record_request(staff, capture, *, days_ago, **data):
    """Record a request through *Record a request*, received ``days_ago``; returns it."""
    received = timezone.localtime() - timedelta(days=days_ago)
    data = {"received_at": received.strftime("%Y-%m-%d %H:%M"), **data}
    with capture(execute=True):
        response = staff.post(reverse("wagtail_privacy_requests:create"), data)
    assert response.status_code == 302, response.context["form"].errors
    return DataRequest.objects.latest("pk")


def detail(item):
    return reverse("wagtail_privacy_requests:detail", args=[item.pk])


def actions(item):
    entries = ModelLogEntry.objects.filter(object_id=str(item.pk)).order_by("timestamp", "pk")
    return list(entries.values_list("action", flat=True))
