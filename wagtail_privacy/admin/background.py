"""Background work that failed (``wagtail_privacy.background``), listed for the officer."""

from django.db.models import F
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, StatusTagColumn
from wagtail.admin.views.generic.models import IndexView

from ..background import BackgroundFailure
from .mixins import ACCESS, PrivacyCentreViewSet, centre_policy


def _status(failure):
    return _("Resolved") if failure.resolved_at else _("Failing")


class FailureIndexView(IndexView):
    model = BackgroundFailure
    # The centre permission alone: no personal data here, only which work failed.
    permission_policy = centre_policy
    permission_required = ACCESS
    any_permission_required = None
    page_title = _("Background failures")
    header_icon = "warning"
    index_url_name = "wagtail_privacy_background:index"
    index_results_url_name = "wagtail_privacy_background:index_results"
    paginate_by = 50
    default_ordering = None
    columns = [
        Column("label", label=_("Work")),
        Column("subject", label=_("On")),
        Column("error", label=_("Error")),
        NumberColumn("attempts", label=_("Failed attempts")),
        DateColumn("first_failed_at", label=_("First failed")),
        DateColumn("last_failed_at", label=_("Last failed")),
        StatusTagColumn(
            "status", label=_("Status"), accessor=_status, primary=lambda f: not f.resolved_at
        ),
    ]

    def get_base_queryset(self):
        # What still fails first, then the most recent.
        return BackgroundFailure.objects.order_by(
            F("resolved_at").desc(nulls_first=True), "-last_failed_at"
        )

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtail_privacy_centre:dashboard"), "label": _("Privacy centre")},
            {"url": "", "label": self.page_title},
        ]


class BackgroundViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_background"
    url_prefix = "privacy/background"
    icon = "warning"
    menu_label = _("Background failures")
    menu_order = 500
    index_view_class = FailureIndexView

    def get_urlpatterns(self):
        return [
            path("", FailureIndexView.as_view(), name="index"),
            path("results/", FailureIndexView.as_view(results_only=True), name="index_results"),
        ]
