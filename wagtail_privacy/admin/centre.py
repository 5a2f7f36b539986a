"""The privacy centre's dashboard: the figures of every domain, each a link to its screen.

Every figure links to the screen that lists what it counts: the requests list (filtered),
the version history of a policy, the consent overview, the cookie choices, the customer proof
search and the background failures. Links are shown to the users those screens serve. The
figures come from each domain's stats functions (``rights.stats``, ``notices.stats``,
``consent.stats``, ``cookies.stats``), in a number of queries that does not grow with the
number of policies, versions or requests.
"""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from ..background import unresolved
from ..consent.models import Channel
from ..consent.service import purposes
from ..consent.stats import opt_in_counts
from ..hosts import customers
from ..notices import gate
from ..notices.stats import coverage, notice_figures
from ..policies.models import ChangeLevel, PolicyVersion
from ..rights import ledger
from ..rights import stats as rights_stats
from ..rights.models import ClosureKind, DataRequest, RequestStatus
from . import background as background_admin
from . import consent as consent_admin
from . import cookies as cookies_admin
from . import proof as proof_admin
from . import requests as requests_admin
from .charts import bars
from .mixins import ACCESS, CentreHeaderMixin, PrivacyCentreViewSet, centre_policy, user_may_open
from .requests import requests_url
from .versions import described_versions, upcoming_versions


class DashboardView(
    PermissionCheckedMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, TemplateView
):
    permission_policy = centre_policy
    permission_required = ACCESS
    template_name = "wagtail_privacy/admin/centre.html"
    page_title = _("Privacy centre")
    header_icon = "lock"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        can = {
            "requests": user_may_open(requests_admin.RequestIndexView, user),
            "proof": user_may_open(proof_admin.ProofSearchView, user),
            "consent": user_may_open(consent_admin.ConsentOverviewView, user),
            "cookies": user_may_open(cookies_admin.CookieChoiceIndexView, user),
            "failures": user_may_open(background_admin.FailureIndexView, user),
        }
        context["requests"] = self.requests_context(now, can["requests"])
        context["upcoming"] = self.upcoming_context(now)
        context["coverage"] = self.coverage_context(now)
        context["proof_url"] = reverse("wagtail_privacy_proof:search") if can["proof"] else None
        context["consent"] = self.consent_context()
        context["consent_url"] = (
            reverse("wagtail_privacy_consent:overview") if can["consent"] else None
        )
        context["cookies"] = self.cookies_context()
        context["cookies_url"] = (
            reverse("wagtail_privacy_cookies:index") if can["cookies"] else None
        )
        context["erasures"] = rights_stats.recent_erasures()
        context["closures"] = self.closures_context(can["requests"])
        # Who is held names customers: for the users who may see the requests.
        context["held"] = rights_stats.held_erasures() if can["requests"] else None
        context["failing"] = unresolved().count()
        context["failures_url"] = (
            reverse("wagtail_privacy_background:index") if can["failures"] else None
        )
        return context

    def requests_context(self, now, can_list):
        rows = list(
            ledger.worklist(
                DataRequest.objects.filter(status__in=RequestStatus.open_values()), now
            )[:10]
        )
        by_status = rights_stats.requests_by_status()
        due = rights_stats.due_counts(now)

        def link(**filters):
            return requests_url(**filters) if can_list else None

        return {
            "rows": [(r, ledger.due_state(r, now)) for r in rows],
            "can_list": can_list,
            "open": sum(by_status[value] for value in RequestStatus.open_values()),
            "open_url": link(),
            "overdue": due["overdue"],
            "overdue_url": link(due="overdue"),
            "due_soon": due["due_soon"],
            "due_soon_url": link(due="due_soon"),
            "chart": bars(
                [(str(label), by_status[value]) for value, label in RequestStatus.choices]
            ),
            "by_status": [
                (label, by_status[value], link(status=value))
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
        required = [versions[r.version_id] for r in requirements if r.version_id in versions]
        figures = coverage(required)
        items = described_versions(required, self.request.user)
        for item in items:
            item.update(figures[item["version"].pk])
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
        counts = opt_in_counts()
        audience = customers().count()
        labels = dict(Channel.choices)
        return bars(
            [
                (f"{p.name} · {labels[c]}", counts.get((p.key, c), 0), audience)
                for p in purposes()
                for c in p.channels
            ]
        )

    def cookies_context(self):
        """Of the visitors and customers whose cookie choice counts, the share who allowed
        each category."""
        return bars(cookies_admin.opt_in_rates())

    def closures_context(self, can_list_requests):
        pending = rights_stats.pending_closures()

        def link(kind):
            return requests_url(closing=kind) if can_list_requests else None

        return {
            **pending,
            "deletions_url": link(ClosureKind.DELETION),
            "deactivations_url": link(ClosureKind.DEACTIVATION),
        }


class CentreViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_centre"
    url_prefix = "privacy/centre"
    icon = "lock"
    menu_label = _("Dashboard")
    menu_order = 100
    index_view_class = DashboardView

    def get_urlpatterns(self):
        return [path("", DashboardView.as_view(), name="dashboard")]
