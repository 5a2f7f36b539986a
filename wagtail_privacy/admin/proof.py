"""Admin: one customer's proof of notice and acceptance, downloadable as CSV."""

import csv

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import log

from ..consent.service import history as consent_history
from ..notices.acceptance import acceptances_of, notices_of
from .mixins import PermissionRequiredMixin

PERMISSION = "wagtail_privacy.view_acceptance"
PROOF_EXPORTED = "wagtail_privacy.proof_exported"
COLUMNS = [
    "record",
    "policy",
    "version",
    "language",
    "created_at",
    "emailed_at",
    "message_id",
    "email_state",
    "failure_reason",
    "acknowledged_at",
    "retracted_at",
    "accepted_at",
    "text_sha256",
    "channel",
    "ip_address",
    "user_agent",
]


def _check(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


class ProofSearchView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission = PERMISSION
    template_name = "wagtail_privacy/admin/proof_search.html"
    page_title = _("Customer proof")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        users = []
        if query:
            User = get_user_model()
            users = list(
                User._default_manager.filter(
                    Q(**{f"{User.USERNAME_FIELD}__icontains": query})
                    | Q(**{f"{User.get_email_field_name()}__icontains": query})
                ).order_by("pk")[:50]
            )
        context.update(query=query, users=users)
        return context


class _Echo:
    def write(self, value):
        return value


def _rows(user):
    yield COLUMNS
    for n in notices_of(user):
        yield [
            "notice",
            n.version.policy.slug,
            n.version.number,
            n.language,
            n.created_at,
            n.emailed_at or "",
            n.message_id,
            n.email_state,
            n.failure_reason,
            n.acknowledged_at or "",
            n.retracted_at or "",
            "",
            "",
            "",
            "",
            "",
        ]
    for c in consent_history(user):
        yield [
            "consent",
            c.purpose_key,
            c.wording_version,
            c.channel,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            c.at,
            c.wording_sha256,
            c.source,
            c.ip_address or "",
            c.user_agent,
            "granted" if c.granted else "withdrawn",
        ]
    for a in acceptances_of(user):
        yield [
            "acceptance",
            a.policy.slug,
            a.version.number,
            a.language,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            a.accepted_at,
            a.text_sha256,
            a.channel,
            a.ip_address or "",
            a.user_agent,
        ]


def proof_csv(request, user_id):
    _check(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    log(user, PROOF_EXPORTED, user=request.user)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row + [""] * (len(COLUMNS) - len(row))) for row in _rows(user)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="privacy-proof-{user.pk}.csv"'
    return response


class ProofViewSet(ViewSet):
    name = "wagtail_privacy_proof"
    url_prefix = "privacy/proof"
    icon = "doc-full"

    def get_urlpatterns(self):
        return [
            path("", ProofSearchView.as_view(), name="search"),
            path("<str:user_id>.csv", proof_csv, name="csv"),
        ]


class ProofMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(
            "wagtail_privacy.access_privacy_centre"
        ) and request.user.has_perm(PERMISSION)


def menu_item():
    return ProofMenuItem(
        _("Customer proof"),
        reverse("wagtail_privacy_proof:search"),
        icon_name="doc-full",
        order=800,
    )
