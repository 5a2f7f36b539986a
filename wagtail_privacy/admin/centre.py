"""The privacy centre: one admin menu section, behind its own permission, and its dashboard.

Every figure of the dashboard links to the screen that lists what it counts: the requests
list (filtered), the version history of a policy, the consent overview, the customer proof
search and the background failures.
"""

from urllib.parse import urlencode

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
from ..hosts import customers
from ..notices import gate
from ..notices.stats import notice_figures, still_required
from ..policies.models import ChangeLevel, PolicyVersion
from ..rights import ledger
from ..rights.models import AccountClosure, ClosureKind, ClosureState, DataRequest, RequestStatus
from . import consent as consent_admin
from . import proof as proof_admin
from . import requests as requests_admin
from .charts import bars
from .mixins import (
    CENTRE_PERMISSION,
    CentreHeaderMixin,
    PermissionRequiredMixin,
    PrivacyCentreViewSet,
)
from .versions import described_versions, upcoming_versions

PERMISSION = CENTRE_PERMISSION


class CentreMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


def requests_url(**filters):
    """The requests list with ``filters`` (``show``, ``status``, ``kind``, ``due``, ``closing``)."""
    url = reverse("wagtail_privacy_requests:index")
    return f"{url}?{urlencode(filters)}" if filters else url


class DashboardView(
    PermissionRequiredMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, TemplateView
):
    permission = PERMISSION
    template_name = "wagtail_privacy/admin/centre.html"
    page_title = _("Privacy centre")
    header_icon = "lock"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        can = {
            "requests": user.has_perm(requests_admin.VIEW),
            "proof": user.has_perm(proof_admin.PERMISSION),
            "consent": user.has_perm(consent_admin.PERMISSION),
        }
        context["requests"] = self.requests_context(now, can["requests"])
        context["upcoming"] = self.upcoming_context(now)
        context["coverage"] = self.coverage_context(now)
        context["proof_url"] = reverse("wagtail_privacy_proof:search") if can["proof"] else None
        context["consent"] = self.consent_context()
        context["consent_url"] = (
            reverse("wagtail_privacy_consent:overview") if can["consent"] else None
        )
        context["erasures"] = list(
            AccountClosure.objects.filter(state=ClosureState.ERASED)
            .select_related("request")
            .order_by("-erased_at")[:10]
        )
        context["closures"] = self.closures_context(can["requests"])
        context["failing"] = unresolved().count()
        context["failures_url"] = reverse("wagtail_privacy_background:index")
        return context

    def requests_context(self, now, can_list):
        open_requests = ledger.worklist(
            DataRequest.objects.filter(status__in=RequestStatus.open_values()), now
        )
        rows = list(open_requests[:10])
        by_status = dict(DataRequest.objects.values_list("status").annotate(n=Count("pk")))
        due = {
            state: requests_admin.filter_due(open_requests, state, now).count()
            for state in ("overdue", "due_soon")
        }

        def link(**filters):
            return requests_url(**filters) if can_list else None

        return {
            "rows": [(r, ledger.due_state(r, now)) for r in rows],
            "can_list": can_list,
            "open": sum(by_status.get(value, 0) for value in RequestStatus.open_values()),
            "open_url": link(),
            "overdue": due["overdue"],
            "overdue_url": link(due="overdue"),
            "due_soon": due["due_soon"],
            "due_soon_url": link(due="due_soon"),
            "chart": bars(
                [(str(label), by_status.get(value, 0)) for value, label in RequestStatus.choices]
            ),
            "by_status": [
                (label, by_status.get(value, 0), link(status=value))
                for value, label in RequestStatus.choices
            ],
        }

    def upcoming_context(self, now):
        upcoming = upcoming_versions(now)
        figures = notice_figures([v.pk for v in upcoming])
        items = described_versions(upcoming, self.request.user)
        for item in items:
            f = figures[item["version"].pk]
            item.update(
                figures=f,
                emails=item["version"].change_level == ChangeLevel.MAJOR,
                chart=bars(
                    [
                        (str(_("Emailed")), f["emailed"], f["notices"]),
                        (str(_("Read")), f["acknowledged"], f["notices"]),
                    ]
                ),
            )
        return items

    def coverage_context(self, now):
        requirements = list(gate.requirements(now))
        versions = PolicyVersion.objects.select_related("policy").in_bulk(
            [r.version_id for r in requirements]
        )
        items = described_versions(
            [versions[r.version_id] for r in requirements if r.version_id in versions],
            self.request.user,
        )
        for item in items:
            version = item["version"]
            missing = still_required(version)
            accepted = version.acceptances.values("user").distinct().count()
            item.update(accepted=accepted, total=accepted + missing, missing=missing)
        return {
            "items": items,
            "chart": bars(
                [
                    (f"{item['title']} v{item['version'].number}", item["accepted"], item["total"])
                    for item in items
                ]
            ),
        }

    def consent_context(self):
        counts = consent_admin.opt_in_counts()
        audience = customers().count()
        labels = dict(Channel.choices)
        return bars(
            [
                (f"{p.name} · {labels[c]}", counts.get((p.key, c), 0), audience)
                for p in purposes()
                for c in p.channels
            ]
        )

    def closures_context(self, can_list_requests):
        pending = AccountClosure.objects.filter(state__in=ClosureState.active_values()).aggregate(
            deletions=Count("pk", filter=Q(kind=ClosureKind.DELETION)),
            deactivations=Count("pk", filter=Q(kind=ClosureKind.DEACTIVATION)),
            inactive=Count("pk", filter=Q(kind=ClosureKind.INACTIVITY)),
        )
        return {
            **pending,
            "deletions_url": (
                requests_url(closing=ClosureKind.DELETION) if can_list_requests else None
            ),
            "deactivations_url": (
                requests_url(closing=ClosureKind.DEACTIVATION) if can_list_requests else None
            ),
        }


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
