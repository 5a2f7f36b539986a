"""Admin: consent purposes as snippets, and current opt-ins per purpose and channel."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.views.snippets import SnippetViewSet

from ..consent.models import Channel, ConsentPurpose, ConsentRecord
from ..consent.service import purposes
from ..consent.stats import opt_in_counts
from .mixins import CentreHeaderMixin, CentrePermissionPolicy, PrivacyCentreViewSet

#: Who may see the opt-ins: the centre permission, then ``view_consentrecord``.
permission_policy = CentrePermissionPolicy(ConsentRecord)


class ConsentPurposeViewSet(SnippetViewSet):
    """Editors' territory: consent purposes are content (names and wordings, no customer data).

    Registered as a snippet under ``/admin/snippets/``, it follows Wagtail's model permissions
    (``add``/``change``/``delete``/``view_consentpurpose``), not the privacy-centre permission.
    """

    model = ConsentPurpose
    icon = "tick-inverse"
    menu_label = _("Consent purposes")
    list_display = ["name", "key", "wording_version", "legal_basis", "retired"]
    list_filter = ["retired", "legal_basis"]


class ConsentOverviewView(
    PermissionCheckedMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, TemplateView
):
    permission_policy = permission_policy
    permission_required = "view"
    template_name = "wagtail_privacy/admin/consent_overview.html"
    page_title = _("Consent overview")
    header_icon = "tick-inverse"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = opt_in_counts()
        labels = dict(Channel.choices)
        context["rows"] = [
            {
                "purpose": p,
                "channels": [(labels[c], counts.get((p.key, c), 0)) for c in p.channels],
            }
            for p in purposes(include_retired=True)
        ]
        return context


class ConsentOverviewViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_consent"
    url_prefix = "privacy/consent"
    icon = "tick-inverse"
    menu_label = _("Consent overview")
    menu_order = 400
    index_view_class = ConsentOverviewView
    permission_actions = ("view",)

    def get_urlpatterns(self):
        return [path("", ConsentOverviewView.as_view(), name="overview")]
