"""Admin: the recipients register as snippets, and the notices to recipients still unanswered."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from ..recipients.models import NoticeStatus, Recipient, RecipientNotification
from .mixins import ACCESS, PrivacyCentreViewSet, centre_policy


class RecipientViewSet(SnippetViewSet):
    """The register (names, roles, purposes: no customer data), under Wagtail's model
    permissions like consent purposes."""

    model = Recipient
    icon = "group"
    menu_label = _("Recipients")
    list_display = ["name", "key", "role", "delivery", "active"]
    list_filter = ["role", "delivery", "active"]


def _status(notification):
    if notification.overdue:
        return _("Overdue (%(status)s)") % {"status": notification.get_status_display()}
    return notification.get_status_display()


class RecipientNoticeIndexView(IndexView):
    model = RecipientNotification
    # The centre permission: who was told of what, naming no customer.
    permission_policy = centre_policy
    permission_required = ACCESS
    any_permission_required = None
    page_title = _("Notices to recipients")
    header_icon = "mail"
    index_url_name = "wagtail_privacy_recipient_notices:index"
    index_results_url_name = "wagtail_privacy_recipient_notices:index_results"
    paginate_by = 50
    default_ordering = None
    columns = [
        Column("recipient_name", label=_("Recipient")),
        Column("action", label=_("Action"), accessor="get_action_display"),
        Column("reference", label=_("Reference")),
        DateColumn("created_at", label=_("Told on")),
        DateColumn("due_at", label=_("Due")),
        Column("attempts", label=_("Attempts")),
        StatusTagColumn("status", label=_("Status"), accessor=_status, primary=lambda n: n.overdue),
    ]

    def get_base_queryset(self):
        # The unanswered ones, the longest overdue on top.
        return RecipientNotification.objects.exclude(status=NoticeStatus.ACKNOWLEDGED).order_by(
            "due_at", "pk"
        )

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtail_privacy_centre:dashboard"), "label": _("Privacy centre")},
            {"url": "", "label": self.page_title},
        ]


class RecipientNoticeViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_recipient_notices"
    url_prefix = "privacy/recipient-notices"
    icon = "mail"
    menu_label = _("Notices to recipients")
    menu_order = 800
    index_view_class = RecipientNoticeIndexView

    def get_urlpatterns(self):
        results = RecipientNoticeIndexView.as_view(results_only=True)
        return [
            path("", RecipientNoticeIndexView.as_view(), name="index"),
            path("results/", results, name="index_results"),
        ]
