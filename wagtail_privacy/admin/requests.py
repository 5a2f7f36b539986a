"""Admin: the requests ledger (staff record, work and extend data-subject requests)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.log_actions import log

from ..exceptions import PrivacyError
from ..rights import ledger
from ..rights.models import DataRequest, RequestChannel, RequestKind, RequestStatus
from .mixins import CENTRE_PERMISSION, PermissionRequiredMixin, PrivacyCentreViewSet

VIEW = "wagtail_privacy.view_datarequest"
CHANGE = "wagtail_privacy.change_datarequest"
ADD = "wagtail_privacy.add_datarequest"
LOGGED = {
    "created": "wagtail_privacy.request_recorded",
    "status": "wagtail_privacy.request_status_changed",
    "extended": "wagtail_privacy.request_extended",
}


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


class RecordRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Right"), choices=RequestKind.choices)
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[c for c in RequestChannel.choices if c[0] != RequestChannel.SELF_SERVICE],
    )
    received_at = forms.DateTimeField(label=_("Received at"), widget=AdminDateTimeInput)
    customer = forms.CharField(
        label=_("Customer account (username or email)"),
        required=False,
        help_text=_("Leave empty when the person has no account, and give their email."),
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("A request cannot be received in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        lookup = (cleaned.get("customer") or "").strip()
        cleaned["user"] = None
        if lookup:
            User = get_user_model()
            matches = list(
                User._default_manager.filter(
                    Q(**{User.USERNAME_FIELD: lookup}) | Q(**{User.get_email_field_name(): lookup})
                )[:2]
            )
            if len(matches) != 1:
                self.add_error("customer", _("No single customer matches this."))
            else:
                cleaned["user"] = matches[0]
        elif not cleaned.get("contact_email"):
            self.add_error("contact_email", _("Give a customer account or a contact email."))
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RequestStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    note = forms.CharField(label=_("Note"), required=False)


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extend by"), coerce=int, choices=[(1, _("1 month")), (2, _("2 months"))]
    )
    reason = forms.CharField(
        label=_("Reason (sent to the customer)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RequestListView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission = VIEW
    template_name = "wagtail_privacy/admin/requests/index.html"
    page_title = _("Privacy requests")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        queryset = DataRequest.objects.select_related("user", "handler")
        show = params.get("show", "open")
        if show == "open":
            queryset = queryset.filter(status__in=RequestStatus.open_values())
        elif show == "closed":
            queryset = queryset.exclude(status__in=RequestStatus.open_values())
        if params.get("kind") in RequestKind.values:
            queryset = queryset.filter(kind=params["kind"])
        now = timezone.now()
        rows = [
            {"request": r, "due_state": ledger.due_state(r, now)}
            for r in ledger.worklist(queryset, now)[:500]
        ]
        context.update(
            rows=rows,
            show=show,
            kind=params.get("kind", ""),
            kinds=RequestKind.choices,
            can_add=self.request.user.has_perm(ADD),
        )
        return context


class RequestCreateView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission = ADD
    template_name = "wagtail_privacy/admin/requests/create.html"
    page_title = _("Record a request")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RecordRequestForm(initial={"received_at": timezone.now()}))
        return context

    def post(self, request):
        form = RecordRequestForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        item = ledger.open_request(
            kind=data["kind"],
            channel=data["channel"],
            user=data["user"],
            contact_email=data["contact_email"] or "",
            received_at=data["received_at"],
            actor=request.user,
            note=data["note"],
        )
        log(item, LOGGED["created"], user=request.user)
        messages.success(
            request,
            _("Request recorded; it is due on %(date)s.")
            % {"date": timezone.localtime(item.due_at).strftime("%Y-%m-%d")},
        )
        return redirect("wagtail_privacy_requests:detail", item.pk)


class RequestDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_privacy/admin/requests/detail.html"
    header_icon = "tasks"

    def dispatch(self, request, pk):
        _require(request, VIEW)
        self.item = get_object_or_404(DataRequest.objects.select_related("user", "handler"), pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Request %(reference)s") % {"reference": str(self.item.reference)[:8]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "status_form",
            StatusForm(initial={"status": self.item.status, "outcome": self.item.outcome}),
        )
        context.setdefault("extend_form", ExtendForm())
        context.update(
            item=self.item,
            events=self.item.events.select_related("actor"),
            closures=self.item.closures.order_by("-created_at"),
            due_state=ledger.due_state(self.item),
            can_change=self.request.user.has_perm(CHANGE),
        )
        return context

    def post(self, request, pk):
        _require(request, CHANGE)
        if "extend" in request.POST:
            form = ExtendForm(request.POST)
            if form.is_valid():
                try:
                    ledger.extend(
                        self.item,
                        form.cleaned_data["months"],
                        form.cleaned_data["reason"],
                        actor=request.user,
                    )
                except PrivacyError as error:
                    form.add_error(None, error.message)
                else:
                    log(self.item, LOGGED["extended"], user=request.user)
                    messages.success(request, _("Deadline extended; the customer is told why."))
                    return redirect("wagtail_privacy_requests:detail", pk)
            return self.render_to_response(self.get_context_data(extend_form=form))
        form = StatusForm(request.POST)
        if form.is_valid():
            ledger.set_status(
                self.item,
                form.cleaned_data["status"],
                actor=request.user,
                note=form.cleaned_data["note"],
                outcome=form.cleaned_data["outcome"],
            )
            log(self.item, LOGGED["status"], user=request.user)
            messages.success(request, _("Request updated."))
            return redirect("wagtail_privacy_requests:detail", pk)
        return self.render_to_response(self.get_context_data(status_form=form))


class RequestViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_requests"
    url_prefix = "privacy/requests"
    icon = "tasks"

    def get_urlpatterns(self):
        return [
            path("", RequestListView.as_view(), name="index"),
            path("new/", RequestCreateView.as_view(), name="create"),
            path("<int:pk>/", RequestDetailView.as_view(), name="detail"),
        ]


class RequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(CENTRE_PERMISSION) and request.user.has_perm(VIEW)


def menu_item():
    return RequestsMenuItem(
        _("Privacy requests"),
        reverse("wagtail_privacy_requests:index"),
        icon_name="tasks",
        order=650,
    )


def register_log_actions(actions):
    actions.register_action(LOGGED["created"], _("Record request"), _("Request recorded"))
    actions.register_action(LOGGED["status"], _("Update request"), _("Request updated"))
    actions.register_action(LOGGED["extended"], _("Extend request"), _("Request extended"))
