"""Background work that failed (``wagtail_privacy.background``), listed for the officer."""

from django.db.models import F
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, StatusTagColumn
from wagtail.admin.views.generic.models import IndexView

from ..background import BackgroundFailure
from .mixins import CENTRE_PERMISSION, PrivacyCentreViewSet


def _status(failure):
    return _("Resolved") if failure.resolved_at else _("Failing")


class FailureIndexView(IndexView):
    model = BackgroundFailure
    permission_policy = None  # the centre permission guards the viewset; no personal data
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

    def get_urlpatterns(self):
        return [
            path("", FailureIndexView.as_view(), name="index"),
            path("results/", FailureIndexView.as_view(results_only=True), name="index_results"),
        ]


class BackgroundMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(CENTRE_PERMISSION)


def menu_item():
    return BackgroundMenuItem(
        _("Background failures"),
        reverse("wagtail_privacy_background:index"),
        icon_name="warning",
        order=690,
    )
