"""The Wagtail dashboard's summary line for privacy officers: requests overdue or due soon,
and erasures on hold."""

from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.site_summary import SummaryItem

from ..rights.stats import due_counts, pending_closures
from .requests import permission_policy, requests_url


class RequestDeadlinesSummaryItem(SummaryItem):
    order = 650
    template_name = "wagtail_privacy/admin/summary_requests.html"

    def is_shown(self):
        return permission_policy.user_has_permission(self.request.user, "view")

    @cached_property
    def counts(self):
        return due_counts()

    def get_context_data(self, parent_context):
        return {
            "overdue": self.counts["overdue"],
            "due_soon": self.counts["due_soon"],
            "overdue_url": requests_url(due="overdue"),
            "due_soon_url": requests_url(due="due_soon"),
            "held": pending_closures()["held"],
            "held_url": reverse("wagtail_privacy_centre:dashboard") + "#privacy-centre-held",
        }
