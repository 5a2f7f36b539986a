"""Admin: cookie categories as snippets, and the visitors' cookie choices (the proof).

Categories are editors' territory (names, wordings, cookies: no personal data), under
Wagtail's model permissions like consent purposes. The choices name visitors and customers:
they are a privacy-centre screen, searchable by visitor id and by customer.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from ..cookies import service
from ..cookies.models import CookieCategory, CookieConsentRecord, CookieSource
from ..cookies.stats import opt_in_counts
from .mixins import CentreHeaderMixin, CentrePermissionPolicy, PrivacyCentreViewSet

#: Who may see the choices: the centre permission, then ``view_cookieconsentrecord``.
permission_policy = CentrePermissionPolicy(CookieConsentRecord)


class CookieCategoryViewSet(SnippetViewSet):
    """Editors manage the categories and the cookies each covers (an inline list)."""

    model = CookieCategory
    icon = "cog"
    menu_label = _("Cookie categories")
    list_display = ["name", "key", "necessary", "marketing", "wording_version"]
    list_filter = ["necessary", "marketing"]


def _category_choices():
    return [(c.key, c.name) for c in service.categories()]


class CookieChoiceFilterSet(WagtailFilterSet):
    category_key = django_filters.ChoiceFilter(label=_("Category"), choices=_category_choices)
    granted = django_filters.ChoiceFilter(
        label=_("Choice"),
        choices=[("true", _("Allowed")), ("false", _("Refused"))],
        method="filter_granted",
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=CookieSource.choices)

    class Meta:
        model = CookieConsentRecord
        fields = []

    def filter_granted(self, queryset, name, value):
        return queryset.filter(granted=value == "true")


def _customer(record):
    return record.user.get_username() if record.user_id else "—"


def _policy(record):
    version = record.policy_version
    return f"{version.policy.slug} v{version.number}" if version else "—"


class CookieChoiceIndexView(CentreHeaderMixin, IndexView):
    """Every recorded choice, newest first, 50 a page; search by visitor id or customer."""

    model = CookieConsentRecord
    permission_policy = permission_policy
    permission_required = "view"
    any_permission_required = None
    page_title = _("Cookie choices")
    header_icon = "clipboard-list"
    index_url_name = "wagtail_privacy_cookies:index"
    index_results_url_name = "wagtail_privacy_cookies:index_results"
    filterset_class = CookieChoiceFilterSet
    paginate_by = 50
    default_ordering = "-at"
    search_backend_name = None  # the ORM: visitor ids and customers are not in a search index
    columns = [
        DateColumn("at", label=_("At"), sort_key="at"),
        Column("visitor_id", label=_("Visitor")),
        Column("customer", label=_("Customer"), accessor=_customer),
        Column("category_key", label=_("Category"), sort_key="category_key"),
        BooleanColumn("granted", label=_("Allowed")),
        Column("source", label=_("Source"), accessor="get_source_display"),
        BooleanColumn("gpc", label=_("Global Privacy Control")),
        Column("wording_version", label=_("Wording version")),
        Column("policy", label=_("Cookie policy"), accessor=_policy),
    ]

    @cached_property
    def search_fields(self):
        User = get_user_model()
        return [
            "visitor_id",
            f"user__{User.USERNAME_FIELD}",
            f"user__{User.get_email_field_name()}",
        ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # No spreadsheet of this list: a customer's records leave only as the audited proof.
        self.is_export = False

    def get_base_queryset(self):
        return CookieConsentRecord.objects.select_related("user", "policy_version__policy")

    def order_queryset(self, queryset):
        return queryset.order_by(self.ordering or self.default_ordering, "-pk")


class CookieChoiceViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_cookies"
    url_prefix = "privacy/cookies"
    icon = "clipboard-list"
    menu_label = _("Cookie choices")
    menu_order = 450
    index_view_class = CookieChoiceIndexView
    permission_actions = ("view",)

    def get_urlpatterns(self):
        results = CookieChoiceIndexView.as_view(results_only=True)
        return [
            path("", CookieChoiceIndexView.as_view(), name="index"),
            path("results/", results, name="index_results"),
        ]


def opt_in_rates(now=None):
    """(category name, allowed, decided) of every category visitors choose about."""
    rules = service.rules()
    wanted = {key: rule.fingerprint for key, rule in rules.items() if not rule.necessary}
    counts = opt_in_counts(wanted, now or timezone.now())
    return [
        (category.name, *counts[category.key])
        for category in service.categories()
        if category.key in wanted
    ]
