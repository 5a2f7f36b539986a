"""The privacy centre: one admin menu section, behind its own permission, and its dashboard."""

from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..background import unresolved
from ..consent.models import Channel
from ..consent.service import purposes
from ..notices import gate
from ..notices.stats import notice_figures, still_required
from ..policies.models import PolicyVersion
from ..rights import ledger
from ..rights.models import AccountClosure, ClosureState, DataRequest, RequestStatus
from . import consent as consent_admin
from .charts import bars
from .mixins import CENTRE_PERMISSION, PermissionRequiredMixin, PrivacyCentreViewSet

PERMISSION = CENTRE_PERMISSION


class CentreMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


class DashboardView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission = PERMISSION
    template_name = "wagtail_privacy/admin/centre.html"
    page_title = _("Privacy centre")
    header_icon = "lock"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        open_requests = list(
            ledger.worklist(
                DataRequest.objects.filter(status__in=RequestStatus.open_values()), now
            )[:10]
        )
        states = [ledger.due_state(r, now) for r in open_requests]
        by_status = dict(DataRequest.objects.values_list("status").annotate(n=Count("pk")))
        context["requests"] = {
            "rows": list(zip(open_requests, states, strict=True)),
            "overdue": sum(1 for s in states if s == "overdue"),
            "chart": bars(
                [(str(label), by_status.get(value, 0)) for value, label in RequestStatus.choices]
            ),
        }
        upcoming = list(
            PolicyVersion.objects.filter(withdrawn_at__isnull=True, effective_at__gt=now)
            .select_related("policy")
            .order_by("effective_at")
        )
        figures = notice_figures([v.pk for v in upcoming])
        context["upcoming"] = [
            {
                "version": v,
                "figures": figures[v.pk],
                "chart": bars(
                    [
                        (str(_("Emailed")), figures[v.pk]["emailed"], figures[v.pk]["notices"]),
                        (str(_("Read")), figures[v.pk]["acknowledged"], figures[v.pk]["notices"]),
                    ]
                ),
            }
            for v in upcoming
        ]
        coverage = []
        for requirement in gate.requirements(now):
            version = PolicyVersion.objects.get(pk=requirement.version_id)
            missing = still_required(version)
            accepted = version.acceptances.values("user").distinct().count()
            coverage.append(
                (f"{requirement.slug} v{requirement.number}", accepted, accepted + missing)
            )
        context["coverage"] = bars(coverage)
        counts = consent_admin.opt_in_counts()
        from django.contrib.auth import get_user_model

        customers = get_user_model()._default_manager.filter(is_active=True).count()
        labels = dict(Channel.choices)
        context["consent"] = bars(
            [
                (f"{p.name} · {labels[c]}", counts.get((p.key, c), 0), customers)
                for p in purposes()
                for c in p.channels
            ]
        )
        context["erasures"] = list(
            AccountClosure.objects.filter(state=ClosureState.ERASED).order_by("-erased_at")[:10]
        )
        context["pending_closures"] = AccountClosure.objects.filter(
            state__in=ClosureState.active_values()
        ).aggregate(
            deletions=Count("pk", filter=Q(kind="deletion")),
            deactivations=Count("pk", filter=Q(kind="deactivation")),
            inactive=Count("pk", filter=Q(kind="inactivity")),
        )
        context["failing"] = unresolved().count()
        return context


class CentreViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_centre"
    url_prefix = "privacy/centre"
    icon = "lock"

    def get_urlpatterns(self):
        return [path("", DashboardView.as_view(), name="dashboard")]


def menu():
    """The "Privacy" menu section; hosts add items with the ``register_privacy_menu_item`` hook."""
    return Menu(register_hook_name="register_privacy_menu_item")


def section():
    return SubmenuMenuItem(_("Privacy"), menu(), icon_name="lock", name="privacy", order=650)


def dashboard_item():
    return CentreMenuItem(
        _("Dashboard"), reverse("wagtail_privacy_centre:dashboard"), icon_name="lock", order=10
    )
