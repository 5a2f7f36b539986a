"""Admin: the requests ledger (staff record, work and extend data-subject requests)."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.log_actions import log

from ..conf import privacy_settings
from ..exceptions import PrivacyError
from ..rights import ledger
from ..rights.models import (
    ClosureKind,
    ClosureState,
    DataRequest,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from .mixins import (
    CENTRE_PERMISSION,
    CentreHeaderMixin,
    PermissionRequiredMixin,
    PrivacyCentreViewSet,
)

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


DUE_STATES = {"overdue": _("Overdue"), "due_soon": _("Due soon")}
CLOSING_KINDS = {
    ClosureKind.DELETION: _("Accounts whose deletion is pending"),
    ClosureKind.DEACTIVATION: _("Deactivated accounts"),
}
SHOW = ("open", "closed", "all")


def filter_due(queryset, due, now=None):
    """Open requests of ``queryset`` (from ``ledger.worklist``) that are ``overdue`` or
    ``due_soon`` (due within ``REQUEST_DUE_SOON_DAYS``), as ``ledger.due_state`` says."""
    now = now or timezone.now()
    queryset = queryset.filter(status__in=RequestStatus.open_values())
    if due == "overdue":
        return queryset.filter(deadline_at__lt=now)
    soon = now + timedelta(days=privacy_settings.REQUEST_DUE_SOON_DAYS)
    return queryset.filter(deadline_at__gte=now, deadline_at__lt=soon)


def _requests_breadcrumb():
    return {"url": reverse("wagtail_privacy_requests:index"), "label": _("Privacy requests")}


class RequestListView(
    PermissionRequiredMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Open requests first, the most overdue first.

    Filters: ``show`` (``open`` by default, ``closed``, ``all``), ``kind``, ``status``,
    ``due`` (``overdue``, ``due_soon``) and ``closing`` (requests of accounts being closed).
    A status, due state or closure picks its own requests, whatever ``show`` says. When open
    requests are shown, the screen says how many closed ones match too, with a link to them.
    """

    permission = VIEW
    template_name = "wagtail_privacy/admin/requests/index.html"
    page_title = _("Privacy requests")
    header_icon = "tasks"

    def _choice(self, name, allowed):
        value = self.request.GET.get(name, "")
        return value if value in allowed else ""

    def _url(self, **changes):
        params = {**self.filters, **changes}
        query = urlencode({k: v for k, v in params.items() if v})
        url = reverse("wagtail_privacy_requests:index")
        return f"{url}?{query}" if query else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        kind = self._choice("kind", RequestKind.values)
        status = self._choice("status", RequestStatus.values)
        due = self._choice("due", DUE_STATES)
        closing = self._choice("closing", CLOSING_KINDS)
        show = self._choice("show", SHOW) or "open"
        if status or due or closing:
            show = "all"
        self.filters = {"kind": kind, "status": status, "due": due, "closing": closing}

        queryset = DataRequest.objects.select_related("user", "handler")
        if kind:
            queryset = queryset.filter(kind=kind)
        if status:
            queryset = queryset.filter(status=status)
        if closing:
            queryset = queryset.filter(
                closures__kind=closing, closures__state__in=ClosureState.active_values()
            ).distinct()
        queryset = ledger.worklist(queryset, now)
        if due:
            queryset = filter_due(queryset, due, now)
        closed = queryset.exclude(status__in=RequestStatus.open_values())
        if show == "open":
            shown = queryset.filter(status__in=RequestStatus.open_values())
        elif show == "closed":
            shown = closed
        else:
            shown = queryset
        rows = [{"request": r, "due_state": ledger.due_state(r, now)} for r in shown[:500]]
        filtered = any(self.filters.values())
        context.update(
            rows=rows,
            show=show,
            kind=kind,
            kinds=RequestKind.choices,
            status=status,
            statuses=RequestStatus.choices,
            due=due,
            due_states=list(DUE_STATES.items()),
            closing_label=CLOSING_KINDS.get(closing),
            hidden_closed=closed.count() if show == "open" else 0,
            show_all_url=self._url(show="all"),
            clear_url=reverse("wagtail_privacy_requests:index"),
            filtered=filtered,
            recorded=DataRequest.objects.exists(),
            can_add=self.request.user.has_perm(ADD),
        )
        return context


class RequestCreateView(
    PermissionRequiredMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, FormView
):
    """Record a request received by email, phone or post: Wagtail's own form screen."""

    permission = ADD
    template_name = "wagtail_privacy/admin/requests/create.html"
    form_class = RecordRequestForm
    page_title = _("Record a request")
    header_icon = "tasks"

    def get_parent_breadcrumbs(self):
        return [_requests_breadcrumb()]

    def get_initial(self):
        return {"received_at": timezone.localtime().replace(second=0, microsecond=0)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            media=context["form"].media,
            action_url=reverse("wagtail_privacy_requests:create"),
            submit_button_label=_("Record the request"),
            submit_button_active_label=_("Recording…"),
        )
        return context

    def form_invalid(self, form):
        messages.validation_error(
            self.request, _("The request could not be recorded: see the errors below."), form
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        data = form.cleaned_data
        item = ledger.open_request(
            kind=data["kind"],
            channel=data["channel"],
            user=data["user"],
            contact_email=data["contact_email"] or "",
            received_at=data["received_at"],
            actor=self.request.user,
            note=data["note"],
        )
        log(item, LOGGED["created"], user=self.request.user)
        messages.success(
            self.request,
            _("Request recorded; it is due on %(date)s.")
            % {"date": timezone.localtime(item.due_at).strftime("%Y-%m-%d")},
        )
        return redirect("wagtail_privacy_requests:detail", item.pk)


class RequestDetailView(CentreHeaderMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_privacy/admin/requests/detail.html"
    header_icon = "tasks"

    def get_parent_breadcrumbs(self):
        return [_requests_breadcrumb()]

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
