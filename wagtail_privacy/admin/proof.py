"""Admin: one customer's proof of notice and acceptance, downloadable as CSV."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.log_actions import log

from ..consent.service import history as consent_history
from ..notices.acceptance import acceptances_of
from ..notices.models import Acceptance, ChangeNotice
from ..spreadsheets import SafeWriter
from .mixins import CentreHeaderMixin, CentrePermissionPolicy, PrivacyCentreViewSet

#: Who may find a customer and download their proof: the centre permission, then
#: ``view_acceptance``.
permission_policy = CentrePermissionPolicy(Acceptance)
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
    # Notices withdrawn with their version ("yes"): an email sent before keeps its proof.
    "retracted",
    "retracted_at",
    "accepted_at",
    "text_sha256",
    "channel",
    "ip_address",
    "user_agent",
    # Consent rows only. Their wording version and its SHA-256 go under "version" and
    # "text_sha256", and where the decision was made (account, checkout...) under "channel".
    "purpose",
    "consent_channel",
    "decision",
    "decided_at",
]


class ProofSearchView(
    PermissionCheckedMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, TemplateView
):
    permission_policy = permission_policy
    permission_required = "view"
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
    """A file whose ``write`` hands the line back, so the CSV streams line by line."""

    def write(self, value):
        return value


def _line(record, **values):
    """One CSV row: the values by column name, blanks elsewhere; an unknown name is refused."""
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise ValueError(f"Not columns of the proof CSV: {', '.join(sorted(unknown))}")
    return [record if name == "record" else values.get(name) for name in COLUMNS]


def notices_for_proof(user):
    """Every notice of ``user``, retracted ones included: the customer sees only standing
    notices, but an email sent before its version was withdrawn still went out, and its
    Message-ID is proof of it."""
    return (
        ChangeNotice.objects.filter(user=user)
        .select_related("version__policy")
        .order_by("-version__published_at", "-pk")
    )


def _rows(user):
    for n in notices_for_proof(user):
        yield _line(
            "notice",
            policy=n.version.policy.slug,
            version=n.version.number,
            language=n.language,
            created_at=n.created_at,
            emailed_at=n.emailed_at,
            message_id=n.message_id,
            email_state=n.email_state,
            failure_reason=n.failure_reason,
            acknowledged_at=n.acknowledged_at,
            retracted="yes" if n.retracted_at else "no",
            retracted_at=n.retracted_at,
        )
    for c in consent_history(user):
        yield _line(
            "consent",
            version=c.wording_version,
            text_sha256=c.wording_sha256,
            channel=c.source,
            ip_address=c.ip_address,
            user_agent=c.user_agent,
            purpose=c.purpose_key,
            consent_channel=c.channel,
            decision="granted" if c.granted else "withdrawn",
            decided_at=c.at,
        )
    for a in acceptances_of(user):
        yield _line(
            "acceptance",
            policy=a.policy.slug,
            version=a.version.number,
            language=a.language,
            accepted_at=a.accepted_at,
            text_sha256=a.text_sha256,
            channel=a.channel,
            ip_address=a.ip_address,
            user_agent=a.user_agent,
        )


def _csv_lines(user):
    # Customers write their user agent themselves: the writer keeps formulas inert.
    writer = SafeWriter(_Echo(), COLUMNS)
    yield writer.writeheader()
    for row in _rows(user):
        yield writer.writerow(row)


class ProofCsvView(PermissionCheckedMixin, View):
    """One customer's proof as CSV, streamed; the export is written to the audit log."""

    permission_policy = permission_policy
    permission_required = "view"

    def get(self, request, user_id):
        user = get_object_or_404(get_user_model(), pk=user_id)
        log(user, PROOF_EXPORTED, user=request.user)
        response = StreamingHttpResponse(_csv_lines(user), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="privacy-proof-{user.pk}.csv"'
        return response


class ProofViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_proof"
    url_prefix = "privacy/proof"
    icon = "doc-full"
    menu_label = _("Customer proof")
    menu_order = 300
    index_view_class = ProofSearchView
    permission_actions = ("view",)

    def get_urlpatterns(self):
        return [
            path("", ProofSearchView.as_view(), name="search"),
            path("<str:user_id>.csv", ProofCsvView.as_view(), name="csv"),
        ]
