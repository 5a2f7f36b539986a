"""Admin screens of policy versions: the history of one policy and the dashboard panel."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page

from ..notices.stats import notice_figures, still_required
from ..policies import resolution
from ..policies.models import ChangeLevel, PolicyVersion, PolicyVersionText
from ..policies.pages import PolicyPage


def _admin_language():
    try:
        return get_supported_content_language_variant(get_language())
    except LookupError:
        return resolution.default_language()


class VersionHistoryView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_privacy/admin/version_history.html"
    header_icon = "history"

    def dispatch(self, request, page_id):
        page = get_object_or_404(Page, id=page_id).specific
        if not isinstance(page, PolicyPage):
            raise Http404
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        self.page = page
        return super().dispatch(request, page_id)

    def get_page_title(self):
        return _("Versions of “%(title)s”") % {"title": self.page.get_admin_display_title()}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.page.id]),
                "label": self.page.title,
            },
            {"url": "", "label": _("Versions")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = resolution.policy_state_for_key(
            self.page.translation_key, self.page.locale.language_code, with_history=True
        )
        rows = []
        if state is not None:
            figures = notice_figures([v.pk for v in state.history])
            live = {v.pk for v in (state.current, state.upcoming) if v}
            languages = {}
            for version_id, code in PolicyVersionText.objects.filter(
                version__policy=state.policy
            ).values_list("version_id", "locale__language_code"):
                languages.setdefault(version_id, []).append(code)
            for version in state.history:
                rows.append(
                    {
                        "version": version,
                        "level": ChangeLevel.short_label(version.change_level),
                        "status": state.status(version),
                        "text": state.text(version),
                        "languages": sorted(languages.get(version.pk, [])),
                        "url": self.page.version_url(version.number, self.request),
                        "figures": figures[version.pk],
                        "still_required": (
                            still_required(version)
                            if version.pk in live and version.requires_acceptance
                            else None
                        ),
                    }
                )
        context.update(page=self.page, state=state, rows=rows)
        return context


class PolicyVersionViewSet(ViewSet):
    """Editors' screens, not the privacy centre's.

    The version history belongs to the policy page (it is linked from the page's header menu)
    and shows figures, not customers: it needs permission to edit that page, not the centre
    permission. It therefore lives outside ``/admin/privacy/``, where every URL needs the
    centre permission (see ``mixins.PrivacyCentreViewSet``).
    """

    name = "wagtail_privacy_versions"
    url_prefix = "policy-versions"
    icon = "history"

    def get_urlpatterns(self):
        return [path("<int:page_id>/", VersionHistoryView.as_view(), name="history")]


class VersionsButton(PageMenuItem):
    label = _("Policy versions")
    icon_name = "history"
    url_name = "wagtail_privacy_versions:history"
    priority = 66

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


def page_header_buttons(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, PolicyPage):
        yield VersionsButton(page=page)


class UpcomingChangesPanel(Component):
    """Dashboard panel: every upcoming policy version, soonest first."""

    name = "privacy_upcoming_changes"
    order = 150
    template_name = "wagtail_privacy/admin/upcoming_panel.html"

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        upcoming = list(
            PolicyVersion.objects.filter(withdrawn_at__isnull=True, effective_at__gt=now)
            .select_related("policy")
            .order_by("effective_at")
        )
        texts = resolution.load_texts([v.pk for v in upcoming], _admin_language(), full=False)
        return {
            "rows": [
                {
                    "version": v,
                    "level": ChangeLevel.short_label(v.change_level),
                    "text": texts.get(v.pk),
                    "days": (v.effective_at - now).days,
                }
                for v in upcoming
            ]
        }
