"""The runs of the ``retention`` step (``RetentionRun``), listed for the officer as the audit
trail of records deleted or anonymised by age."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, StatusTagColumn
from wagtail.admin.views.generic.models import IndexView

from ..rights.models import RetentionRun
from .mixins import ACCESS, PrivacyCentreViewSet, centre_policy


def _status(run):
    return _("Finished") if run.finished_at else _("Unfinished")


def _per_source(run):
    return ", ".join(f"{name}: {count}" for name, count in (run.counts or {}).items()) or "—"


class RetentionRunIndexView(IndexView):
    model = RetentionRun
    # The centre permission alone: counts per source, no personal data.
    permission_policy = centre_policy
    permission_required = ACCESS
    any_permission_required = None
    page_title = _("Retention runs")
    header_icon = "history"
    index_url_name = "wagtail_privacy_retention_runs:index"
    index_results_url_name = "wagtail_privacy_retention_runs:index_results"
    paginate_by = 50
    default_ordering = None
    columns = [
        DateColumn("started_at", label=_("Started")),
        DateColumn("finished_at", label=_("Finished")),
        NumberColumn("total", label=_("Records deleted or anonymised")),
        Column("per_source", label=_("Per source"), accessor=_per_source),
        StatusTagColumn(
            "status", label=_("Status"), accessor=_status, primary=lambda run: not run.finished_at
        ),
    ]

    def get_base_queryset(self):
        return RetentionRun.objects.order_by("-started_at", "-pk")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtail_privacy_centre:dashboard"), "label": _("Privacy centre")},
            {"url": "", "label": self.page_title},
        ]


class RetentionRunViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_retention_runs"
    url_prefix = "privacy/retention-runs"
    icon = "history"
    menu_label = _("Retention runs")
    menu_order = 600
    index_view_class = RetentionRunIndexView

    def get_urlpatterns(self):
        results = RetentionRunIndexView.as_view(results_only=True)
        return [
            path("", RetentionRunIndexView.as_view(), name="index"),
            path("results/", results, name="index_results"),
        ]
