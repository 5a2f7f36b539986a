"""Admin: consent purposes as snippets, and current opt-ins per purpose and channel."""

from django.db.models import Count, Max
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import SnippetViewSet

from ..consent.models import Channel, ConsentPurpose, ConsentRecord
from ..consent.service import purposes
from .mixins import (
    CENTRE_PERMISSION,
    CentreHeaderMixin,
    PermissionRequiredMixin,
    PrivacyCentreViewSet,
)

PERMISSION = "wagtail_privacy.view_consentrecord"


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


def opt_in_counts():
    """{(purpose, channel): subjects whose latest record grants it}: two queries."""
    latest = ConsentRecord.objects.values(
        "user_id", "email_sha256", "purpose_key", "channel"
    ).annotate(last=Max("pk"))
    granted = (
        ConsentRecord.objects.filter(pk__in=latest.values("last"), granted=True)
        .values("purpose_key", "channel")
        .annotate(n=Count("pk"))
    )
    return {(row["purpose_key"], row["channel"]): row["n"] for row in granted}


class ConsentOverviewView(
    PermissionRequiredMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, TemplateView
):
    permission = PERMISSION
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

    def get_urlpatterns(self):
        return [path("", ConsentOverviewView.as_view(), name="overview")]


class ConsentMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(CENTRE_PERMISSION) and request.user.has_perm(PERMISSION)


def menu_item():
    return ConsentMenuItem(
        _("Consent overview"),
        reverse("wagtail_privacy_consent:overview"),
        icon_name="tick-inverse",
        order=810,
    )
