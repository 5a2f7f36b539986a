"""Privacy → Breaches: the breach register (Art. 33(5)) with its 72-hour clock, the report
for the authority, and telling the affected customers (Art. 34).

Breaches are recorded and edited, never deleted: there is no delete view.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.coreutils import get_content_languages
from wagtail.log_actions import log

from ..breaches import emails, report
from ..breaches.audience import selected, selection
from ..breaches.clock import clock
from ..breaches.models import Breach, BreachNotification, EmailState
from ..i18n import default_language
from ..sources import registry
from .mixins import CentreHeaderMixin, CentrePermissionPolicy, PrivacyCentreViewSet

permission_policy = CentrePermissionPolicy(Breach)
NS = "wagtail_privacy_breaches"
LOGGED = {
    "report": "wagtail_privacy.breach_report",
    "notify": "wagtail_privacy.breach_notify",
}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class BreachForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = [
            "title",
            "detected_at",
            "what_happened",
            "data_categories",
            "people_affected",
            "records_affected",
            "consequences",
            "measures",
            "high_risk",
            "authority_notified_at",
            "late_reason",
            "status",
        ]
        # The browser's own date and time input: Wagtail's picker has unlabelled buttons
        # that fail axe-core (WCAG 4.1.2).
        widgets = {
            "detected_at": LocalDateTimeInput,
            "authority_notified_at": LocalDateTimeInput,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "what_happened",
                    "data_categories",
                    "consequences",
                    "measures",
                    "late_reason",
                )
            },
        }


class ClockColumn(Column):
    """The 72-hour clock: time left, overdue, notified on time, or late (with the reason)."""

    cell_template_name = "wagtail_privacy/admin/breaches/clock_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(clock=clock(instance), breach=instance)
        return context


def _edit_url(pk):
    return reverse(f"{NS}:edit", args=[pk])


def _index_breadcrumb():
    return {"url": reverse(f"{NS}:index"), "label": _("Breaches")}


class BreachIndexView(CentreHeaderMixin, IndexView):
    model = Breach
    permission_policy = permission_policy
    permission_required = "view"
    any_permission_required = None
    page_title = _("Breaches")
    header_icon = "warning"
    index_url_name = f"{NS}:index"
    index_results_url_name = f"{NS}:index_results"
    add_url_name = f"{NS}:add"
    edit_url_name = f"{NS}:edit"
    paginate_by = 50
    default_ordering = None
    columns = [
        TitleColumn("title", label=_("Breach"), get_url=lambda breach: _edit_url(breach.pk)),
        DateColumn("detected_at", label=_("Detected")),
        ClockColumn("clock", label=_("72-hour clock")),
        BooleanColumn("high_risk", label=_("High risk")),
        Column("status", label=_("Status"), accessor="get_status_display"),
    ]

    def get_base_queryset(self):
        return Breach.objects.order_by("-detected_at", "-pk")


class BreachCreateView(CentreHeaderMixin, CreateView):
    model = Breach
    form_class = BreachForm
    permission_policy = permission_policy
    index_url_name = f"{NS}:index"
    add_url_name = f"{NS}:add"
    edit_url_name = f"{NS}:edit"
    page_title = _("Record a breach")
    header_icon = "warning"
    success_message = _("Breach “%(object)s” recorded.")

    def get_parent_breadcrumbs(self):
        return [_index_breadcrumb()]

    def get_success_url(self):
        return reverse(f"{NS}:edit", args=[self.object.pk])


class BreachEditView(CentreHeaderMixin, EditView):
    model = Breach
    form_class = BreachForm
    permission_policy = permission_policy
    pk_url_kwarg = "breach_id"
    index_url_name = f"{NS}:index"
    edit_url_name = f"{NS}:edit"
    template_name = "wagtail_privacy/admin/breaches/edit.html"
    header_icon = "warning"
    success_message = _("Breach “%(object)s” updated.")

    def get_parent_breadcrumbs(self):
        return [_index_breadcrumb()]

    def get_page_title(self):
        return str(self.object)

    def get_success_url(self):
        return reverse(f"{NS}:edit", args=[self.object.pk])

    @cached_property
    def header_buttons(self):
        buttons = (
            (_("Report (HTML)"), "report", "doc-full"),
            (_("Report (PDF)"), "report_pdf", "download"),
            (_("Notify customers"), "notify", "mail"),
        )
        return [
            HeaderButton(label, url=reverse(f"{NS}:{name}", args=[self.object.pk]), icon_name=icon)
            for label, name, icon in buttons
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.object.notices.aggregate(
            selected=Count("pk"),
            sent=Count("pk", filter=Q(email_state=EmailState.SENT)),
            failed=Count("pk", filter=Q(email_state=EmailState.FAILED)),
            pending=Count("pk", filter=Q(email_state__in=[EmailState.PENDING, EmailState.SENDING])),
        )
        context.update(clock=clock(self.object), notice_counts=counts)
        return context


class ReportView(PermissionCheckedMixin, View):
    """The report for the authority, in the shop's default language: HTML or PDF."""

    permission_policy = permission_policy
    permission_required = "view"
    pdf = False

    def get(self, request, breach_id):
        breach = get_object_or_404(Breach, pk=breach_id)
        log(breach, LOGGED["report"], user=request.user)
        if self.pdf:
            response = HttpResponse(report.report_pdf(breach), content_type="application/pdf")
            name = report.filename(breach, "pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        else:
            response = HttpResponse(report.report_html(breach))
        response["Content-Language"] = default_language()
        response["Cache-Control"] = "private, no-store"
        return response


def _lines(value):
    return [part for part in value.replace(",", "\n").split() if part]


class NotifyForm(forms.Form):
    everyone = forms.BooleanField(label=_("All customers"), required=False)
    sources = forms.MultipleChoiceField(
        label=_("Customers with records in these data sources"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    emails = forms.CharField(
        label=_("Email addresses"),
        help_text=_("One a line, or separated by commas."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    user_ids = forms.CharField(
        label=_("User ids"),
        help_text=_("One a line, or separated by commas."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    language = forms.ChoiceField(label=_("Preview in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = [(s.name, s.label) for s in registry.sources()]
        self.fields["language"].choices = get_content_languages().items()

    def clean_user_ids(self):
        ids = _lines(self.cleaned_data["user_ids"])
        wrong = [value for value in ids if not value.isdigit()]
        if wrong:
            raise ValidationError(
                _("Not a user id: %(values)s"), params={"values": ", ".join(wrong[:5])}
            )
        return ids

    def clean_emails(self):
        return _lines(self.cleaned_data["emails"])

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("everyone", "sources", "emails", "user_ids")):
            raise ValidationError(_("Select the customers to tell."))
        return data

    def selection(self):
        data = self.cleaned_data
        return selection(
            everyone=data["everyone"],
            sources=data["sources"],
            emails=data["emails"],
            user_ids=data["user_ids"],
        )


class NotifyView(PermissionCheckedMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, FormView):
    """Select the affected customers, preview the message, send it (each customer in their
    language, through the batched fan-out)."""

    permission_policy = permission_policy
    permission_required = "change"
    template_name = "wagtail_privacy/admin/breaches/notify.html"
    form_class = NotifyForm
    page_title = _("Notify customers")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        self.breach = get_object_or_404(Breach, pk=kwargs["breach_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_parent_breadcrumbs(self):
        return [
            _index_breadcrumb(),
            {"url": reverse(f"{NS}:edit", args=[self.breach.pk]), "label": str(self.breach)},
        ]

    def get_initial(self):
        return {"language": default_language()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            breach=self.breach,
            action_url=reverse(f"{NS}:notify", args=[self.breach.pk]),
            rounds=self.breach.notifications.order_by("-started_at")[:20],
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        chosen = form.selection()
        if "send" not in self.request.POST:
            language = form.cleaned_data["language"] or default_language()
            subject, text = emails.render(self.breach, language)
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    preview={"subject": subject, "text": text, "language": language},
                    selected_count=selected(chosen).count(),
                )
            )
        with transaction.atomic():
            notification = BreachNotification.objects.create(
                breach=self.breach, selection=chosen, requested_by=self.request.user
            )
            log(self.breach, LOGGED["notify"], user=self.request.user, data={"selection": chosen})
            transaction.on_commit(lambda: _enqueue(notification.pk))
        told = _("The customers are being told; each is emailed once, in their language.")
        messages.success(self.request, told)
        return redirect(reverse(f"{NS}:edit", args=[self.breach.pk]))


def _enqueue(notification_id):
    from ..breaches.tasks import notify_breach

    notify_breach.enqueue(notification_id)


class BreachViewSet(PrivacyCentreViewSet):
    name = NS
    url_prefix = "privacy/breaches"
    icon = "warning"
    menu_label = _("Breaches")
    menu_order = 700
    index_view_class = BreachIndexView
    permission_actions = ("view", "add", "change")

    def get_urlpatterns(self):
        return [
            path("", BreachIndexView.as_view(), name="index"),
            path("results/", BreachIndexView.as_view(results_only=True), name="index_results"),
            path("new/", BreachCreateView.as_view(), name="add"),
            path("<int:breach_id>/", BreachEditView.as_view(), name="edit"),
            path("<int:breach_id>/report/", ReportView.as_view(), name="report"),
            path("<int:breach_id>/report.pdf", ReportView.as_view(pdf=True), name="report_pdf"),
            path("<int:breach_id>/notify/", NotifyView.as_view(), name="notify"),
        ]


def register_log_actions(actions):
    actions.register_action(
        LOGGED["report"], _("Download breach report"), _("Breach report downloaded")
    )
    actions.register_action(
        LOGGED["notify"], _("Notify customers of a breach"), _("Customers notified of the breach")
    )
