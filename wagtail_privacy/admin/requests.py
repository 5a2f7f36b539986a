"""Admin: the requests ledger (staff record, work and extend data-subject requests).

The list is Wagtail's generic ``IndexView``: paginated, sortable, with its filters
(:class:`RequestFilterSet`) in the header and refreshed in place by Wagtail's AJAX filtering
(the ``index_results`` URL). Links into it with filters are made by :func:`requests_url`.
"""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.log_actions import log

from .. import formats
from ..conf import privacy_settings
from ..exceptions import PrivacyError
from ..periods import Period
from ..recipients.models import RecipientNotification
from ..restriction import current as current_restriction
from ..rights import corrections, guests, ledger, restriction, staff_run
from ..rights.models import (
    AccountClosure,
    ClosureKind,
    ClosureState,
    DataRequest,
    IdentityMethod,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from ..rights.stats import due_condition
from .mixins import CentreHeaderMixin, CentrePermissionPolicy, PrivacyCentreViewSet

#: Who may see, record and work requests: the centre permission, then the model permissions
#: of data requests (``view``, ``add``, ``change``).
permission_policy = CentrePermissionPolicy(DataRequest)
LOGGED = {
    "created": "wagtail_privacy.request_recorded",
    "status": "wagtail_privacy.request_status_changed",
    "extended": "wagtail_privacy.request_extended",
    "link_sent": "wagtail_privacy.request_link_sent",
    "identity": "wagtail_privacy.request_identity_confirmed",
    "export": "wagtail_privacy.request_export_started",
    "erasure": "wagtail_privacy.request_erasure_started",
    "account_export": "wagtail_privacy.request_account_export_started",
    "deactivated": "wagtail_privacy.request_account_deactivated",
    "deletion": "wagtail_privacy.request_deletion_scheduled",
    "restricted": "wagtail_privacy.request_restriction_applied",
    "lift": "wagtail_privacy.request_restriction_lift_announced",
    "approve_correction": "wagtail_privacy.correction_approved",
    "refuse_correction": "wagtail_privacy.correction_refused",
    "staff_correction": "wagtail_privacy.correction_recorded_by_staff",
}

#: How staff may verify a person asking by email: the emailed link, or a proof they saw.
VERIFICATION_CHOICES = [
    ("", _("Record only: no identity check here")),
    (
        IdentityMethod.EMAIL_LINK,
        _("Email a confirmation link (to the account's address, or the contact email)"),
    ),
    (IdentityMethod.ID_DOCUMENT, _("Verified now: identity document seen")),
    (IdentityMethod.SIGNED_LETTER, _("Verified now: signed letter")),
    (IdentityMethod.OTHER, _("Verified now: another way (say how in the note)")),
]
#: The kinds staff can run for a confirmed address, and the verbs of their buttons.
RUNNABLE = (RequestKind.ACCESS, RequestKind.ERASURE)


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
    verification = forms.ChoiceField(
        label=_("Identity of the person"),
        choices=VERIFICATION_CHOICES,
        required=False,
        help_text=_(
            "The deadline counts from the confirmation. A link is single use and expires; "
            "what the request sends (an export's link) goes to the same address."
        ),
    )
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
        method = cleaned.get("verification")
        if method and lookup and cleaned.get("contact_email"):
            self.add_error(
                "verification",
                _("Verify either the customer account or the contact email, not both."),
            )
        elif method and method != IdentityMethod.EMAIL_LINK and not cleaned.get("note"):
            self.add_error("note", _("Say how the identity was verified."))
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RequestStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    note = forms.CharField(label=_("Note"), required=False)


def extension_choices():
    """What an extension may add, up to ``REQUEST_MAX_EXTENSION``: whole months, or for a
    maximum in days a few usual steps and the maximum itself."""
    maximum = Period.parse(privacy_settings.REQUEST_MAX_EXTENSION)
    if maximum.unit == "m":
        periods = [Period(n, "m") for n in range(1, maximum.count + 1)]
    else:
        steps = {n for n in (7, 14, 30, 60) if n < maximum.count} | {maximum.count}
        periods = [Period(n, "d") for n in sorted(steps)]
    return [(period.code, str(period)) for period in periods]


class ExtendForm(forms.Form):
    period = forms.ChoiceField(label=_("Extend by"), choices=extension_choices)
    reason = forms.CharField(
        label=_("Reason (sent to the customer)"), widget=forms.Textarea(attrs={"rows": 3})
    )


SHOW_CHOICES = [
    ("open", _("Open requests")),
    ("closed", _("Closed requests")),
    ("all", _("All requests")),
]
DUE_CHOICES = [("overdue", _("Overdue")), ("due_soon", _("Due soon"))]
CLOSING_CHOICES = [
    (ClosureKind.DELETION, _("Accounts whose deletion is pending")),
    (ClosureKind.DEACTIVATION, _("Deactivated accounts")),
]


def _choice_filter(label, choices, **kwargs):
    kwargs.setdefault("empty_label", _("Any"))
    return django_filters.ChoiceFilter(
        label=label, choices=choices, widget=forms.RadioSelect, **kwargs
    )


class RequestFilterSet(WagtailFilterSet):
    """The filters of the requests list, by their query parameter.

    ``show`` (``open`` by default, ``closed``, ``all``), ``status``, ``kind``, ``due``
    (``overdue``, ``due_soon``) and ``closing`` (requests of accounts being closed:
    ``deletion``, ``deactivation``). A status, due state or closure picks its own requests,
    whatever ``show`` says (``show`` becomes ``all``). A value that is not one of a filter's
    choices is ignored, as if the parameter were missing: an old or mistyped link still
    lists requests.
    """

    show = _choice_filter(
        _("Show"), SHOW_CHOICES, method="filter_show", empty_label=None, initial="open"
    )
    status = _choice_filter(_("Status"), RequestStatus.choices)
    kind = _choice_filter(_("Right"), RequestKind.choices)
    due = _choice_filter(_("Deadline"), DUE_CHOICES, method="filter_due")
    closing = _choice_filter(_("Accounts being closed"), CLOSING_CHOICES, method="filter_closing")

    #: Filters that pick their own requests, open or closed.
    PICKING = ("status", "due", "closing")

    class Meta:
        model = DataRequest
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None:
            data = data.copy()
            for name, declared in self.base_filters.items():
                choices = declared.extra.get("choices")
                if choices and name in data and data.get(name) not in dict(choices):
                    del data[name]
            if any(data.get(name) for name in self.PICKING):
                data["show"] = "all"
            elif not data.get("show"):
                data["show"] = "open"
        super().__init__(data, queryset, request=request, prefix=prefix)

    def filter_show(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=RequestStatus.open_values())
        if value == "closed":
            return queryset.exclude(status__in=RequestStatus.open_values())
        return queryset

    def filter_due(self, queryset, name, value):
        return queryset.filter(due_condition(value))

    def filter_closing(self, queryset, name, value):
        return queryset.filter(
            Exists(
                AccountClosure.objects.filter(
                    request=OuterRef("pk"), kind=value, state__in=ClosureState.active_values()
                )
            )
        )

    def filter_all_but_show(self, queryset):
        """``queryset`` cut by every filter but ``show``."""
        for name, value in self.form.cleaned_data.items():
            if name != "show":
                queryset = self.filters[name].filter(queryset, value)
        return queryset


def requests_url(**filters):
    """The requests list with ``filters``: query parameters of :class:`RequestFilterSet`
    (``show``, ``status``, ``kind``, ``due``, ``closing``); another name is refused."""
    unknown = set(filters) - set(RequestFilterSet.base_filters)
    if unknown:
        raise ValueError(f"Not filters of the requests list: {', '.join(sorted(unknown))}")
    url = reverse("wagtail_privacy_requests:index")
    return f"{url}?{urlencode(filters)}" if filters else url


def _requests_breadcrumb():
    return {"url": reverse("wagtail_privacy_requests:index"), "label": _("Privacy requests")}


def _customer(item):
    return item.user.get_username() if item.user else item.contact_email


class DeadlineColumn(Column):
    """The deadline, with "Overdue" or "Due soon" beside it and whether it was extended."""

    cell_template_name = "wagtail_privacy/admin/requests/deadline_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(
            due_state=ledger.due_state(instance),
            extended=bool(instance.extended_until),
        )
        return context


class RequestIndexView(CentreHeaderMixin, IndexView):
    """Open requests first, the most overdue first; 50 a page, sortable by column.

    Filtered by :class:`RequestFilterSet`. When open requests are shown, the screen says how
    many closed ones match too, with a link to them.
    """

    model = DataRequest
    permission_policy = permission_policy
    permission_required = "view"
    any_permission_required = None
    page_title = _("Privacy requests")
    header_icon = "tasks"
    index_url_name = "wagtail_privacy_requests:index"
    index_results_url_name = "wagtail_privacy_requests:index_results"
    add_url_name = "wagtail_privacy_requests:create"
    add_item_label = _("Record a request")
    results_template_name = "wagtail_privacy/admin/requests/index_results.html"
    filterset_class = RequestFilterSet
    paginate_by = 50
    default_ordering = None  # the worklist's: open first, then by deadline
    columns = [
        TitleColumn(
            "reference",
            label=_("Reference"),
            accessor=lambda item: str(item.reference)[:8],
            url_name="wagtail_privacy_requests:detail",
        ),
        Column("kind", label=_("Right"), accessor="get_kind_display", sort_key="kind"),
        Column(
            "channel", label=_("Received by"), accessor="get_channel_display", sort_key="channel"
        ),
        Column("customer", label=_("Customer"), accessor=_customer),
        Column(
            "received_at",
            label=_("Received"),
            accessor=lambda item: formats.date(item.received_at),
            sort_key="received_at",
        ),
        DeadlineColumn(
            "deadline",
            label=_("Deadline"),
            accessor=lambda item: formats.date(item.deadline),
            sort_key="deadline_at",
        ),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        Column(
            "handler",
            label=_("Handler"),
            accessor=lambda item: item.handler.get_username() if item.handler else "",
        ),
    ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # No spreadsheet of this list: a customer's records leave only as the audited proof.
        self.is_export = False

    @cached_property
    def now(self):
        return timezone.now()

    def get_base_queryset(self):
        return ledger.worklist(DataRequest.objects.select_related("user", "handler"), self.now)

    def order_queryset(self, queryset):
        if not self.ordering:
            return queryset
        return queryset.order_by(self.ordering, "pk")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        filters = self.filters
        chosen = filters.form.cleaned_data if filters.is_valid() else {}
        show = chosen.get("show") or "open"
        hidden_closed = 0
        if show == "open":
            hidden_closed = (
                filters.filter_all_but_show(self.get_base_queryset())
                .exclude(status__in=RequestStatus.open_values())
                .count()
            )
        others = {name: value for name, value in chosen.items() if value and name != "show"}
        context.update(
            show=show,
            hidden_closed=hidden_closed,
            show_all_url=requests_url(**others, show="all"),
            clear_url=requests_url(),
            closing_label=dict(CLOSING_CHOICES).get(chosen.get("closing")),
            recorded=bool(context["object_list"]) or DataRequest.objects.exists(),
        )
        return context


class RequestCreateView(
    PermissionCheckedMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, FormView
):
    """Record a request received by email, phone or post: Wagtail's own form screen."""

    permission_policy = permission_policy
    permission_required = "add"
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
        if data.get("verification") and data["user"] is not None:
            return self._open_for_account(data)
        if data.get("verification"):
            return self._open_for_email(data)
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

    def _open_for_email(self, data):
        return self._open(
            data,
            guests.open_for_email,
            data["contact_email"],
            guests.confirm_identity,
            _("Request recorded; a confirmation link is emailed to the contact email."),
        )

    def _open_for_account(self, data):
        """An account's request: the person is verified as a guest is, the link going to the
        account's own address."""
        return self._open(
            data,
            staff_run.open_for_account,
            data["user"],
            staff_run.confirm_identity,
            _("Request recorded; a confirmation link is emailed to the account's address."),
        )

    def _open(self, data, open_request, subject, confirm_identity, link_sent):
        """Open a request awaiting identity, then email the link or record the verification."""
        user = self.request.user
        by_link = data["verification"] == IdentityMethod.EMAIL_LINK
        item = open_request(
            subject,
            data["kind"],
            channel=data["channel"],
            received_at=data["received_at"],
            actor=user,
            note=data["note"] if by_link else "",
        )
        log(item, LOGGED["created"], user=user)
        if by_link:
            guests.resend(item, actor=user, first=True)
            log(item, LOGGED["link_sent"], user=user)
            messages.success(self.request, link_sent)
        else:
            confirm_identity(item, data["verification"], actor=user, note=data["note"])
            log(item, LOGGED["identity"], user=user)
            messages.success(self.request, _("Request recorded with the identity verified."))
        return redirect("wagtail_privacy_requests:detail", item.pk)


class VerifyForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Verified by"),
        choices=[c for c in IdentityMethod.choices if c[0] != IdentityMethod.EMAIL_LINK],
    )
    note = forms.CharField(
        label=_("How (kept in the history)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseCorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the customer)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class StaffCorrectionForm(forms.Form):
    """The correction a person sent by post or email, for one of their account's fields."""

    target = forms.ChoiceField(label=_("Data to correct"))
    value = forms.CharField(label=_("New value"), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = staff_correction_choices(user)

    def clean_target(self):
        source, field, record = self.cleaned_data["target"].split("|", 2)
        return {"source_name": source, "field": field, "record": record}


def staff_correction_choices(user):
    """One choice per correctable field of each of the account's records, as the customer's
    own list offers them: ``source|field|record``, labelled with the current value."""
    choices = []
    for entry in corrections.correctable(user):
        source = entry["source"]
        for record, values in entry["records"]:
            for name, label, _checked in entry["fields"]:
                text = _("%(source)s — %(field)s (record %(record)s: %(value)s)") % {
                    "source": source.label,
                    "field": label,
                    "record": record,
                    "value": corrections.as_text(values.get(name)) or "—",
                }
                choices.append((f"{source.name}|{name}|{record}", text))
    return choices


def _staff_correctable(item):
    """Whether staff may apply the correction of this request here: an open rectification
    request of an account, with the person's identity confirmed and no correction yet."""
    try:
        corrections.check_staff_request(item)
    except PrivacyError:
        return False
    return True


def _correction(item):
    """The correction of a rectification request, with its field's label, or None."""
    if item.kind != RequestKind.RECTIFICATION:
        return None
    correction = getattr(item, "correction", None)
    if correction is None:
        return None
    try:
        source = corrections.registry.get(correction.source)
    except KeyError:
        correction.label, correction.source_label = correction.field, correction.source
    else:
        correction.label = corrections.field_label(source, correction.field)
        correction.source_label = str(source.label)
    return correction


def _recipient_notices(item, closures):
    """The recipients told of this request's work (Art. 19): a guest's erasure or a
    rectification (``request:<pk>``), an account's erasure (``closure:<pk>``)."""
    references = [f"request:{item.pk}"] + [f"closure:{c.pk}" for c in closures]
    return list(RecipientNotification.objects.filter(reference__in=references))


class RequestDetailView(
    PermissionCheckedMixin, CentreHeaderMixin, WagtailAdminTemplateMixin, TemplateView
):
    """One request: its history, and (with ``change``) the forms that work it."""

    permission_policy = permission_policy
    permission_required = "view"
    template_name = "wagtail_privacy/admin/requests/detail.html"
    header_icon = "tasks"

    def get_parent_breadcrumbs(self):
        return [_requests_breadcrumb()]

    @cached_property
    def item(self):
        return get_object_or_404(
            DataRequest.objects.select_related("user", "handler"), pk=self.kwargs["pk"]
        )

    def get_page_title(self):
        return _("Request %(reference)s") % {"reference": str(self.item.reference)[:8]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "status_form",
            StatusForm(initial={"status": self.item.status, "outcome": self.item.outcome}),
        )
        context.setdefault("extend_form", ExtendForm())
        context.setdefault("verify_form", VerifyForm())
        context.setdefault("refuse_form", RefuseCorrectionForm())
        item = self.item
        staff_correctable = _staff_correctable(item)
        if staff_correctable:
            context.setdefault("staff_correction_form", StaffCorrectionForm(item.user))
        context.update(
            paused_days=item.paused_days(),
            guest_runnable=bool(
                item.is_open
                and item.user_id is None
                and item.contact_email
                and item.identity_confirmed_at
                and item.kind in RUNNABLE
            ),
        )
        context.update(self._account_context(item))
        if item.kind == RequestKind.RESTRICTION and item.user_id:
            held = current_restriction(item.user)
            context.update(
                restriction=held,
                can_restrict=item.is_open and (held is None or held.lift_requested_at),
                can_lift=held is not None and held.lift_requested_at is None,
                lift_notice_days=privacy_settings.RESTRICTION_LIFT_NOTICE_DAYS,
            )
        closures = list(self.item.closures.order_by("-created_at"))
        context.update(
            item=self.item,
            events=self.item.events.select_related("actor"),
            closures=closures,
            recipient_notices=_recipient_notices(self.item, closures),
            correction=_correction(self.item),
            staff_correctable=staff_correctable,
            due_state=ledger.due_state(self.item),
            can_change=self.user_has_permission("change"),
        )
        return context

    def post(self, request, pk):
        if not self.user_has_permission("change"):
            raise PermissionDenied
        buttons = (
            (("send_link", "verify", "run_export", "run_erasure"), self._guest_action),
            (tuple(ACCOUNT_ACTIONS), self._account_action),
            (("apply_restriction", "lift_restriction"), self._restriction_action),
            (("approve_correction", "refuse_correction"), self._correction_action),
            (("staff_correction",), self._staff_correction),
        )
        for actions, step in buttons:
            for action in actions:
                if action in request.POST:
                    return self._run_action(request, step, action)
        if "extend" in request.POST:
            form = ExtendForm(request.POST)
            if form.is_valid():
                try:
                    ledger.extend(
                        self.item,
                        form.cleaned_data["period"],
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

    def _guest_action(self, request, action):
        """Verify the person behind a contact email, or run their export or erasure."""
        item, user = self.item, request.user
        if action == "send_link":
            guests.resend(item, actor=user)
            return "link_sent", _("A new confirmation link is emailed.")
        if action == "verify":
            form = VerifyForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(verify_form=form))
            data = form.cleaned_data
            guests.confirm_identity(item, data["method"], actor=user, note=data["note"])
            return "identity", _("Identity recorded; the deadline counts from now.")
        if action == "run_export":
            guests.start_export(item, actor=user)
            return "export", _(
                "The export is being prepared; its link goes to the verified address."
            )
        guests.start_erasure(item, actor=user)
        return "erasure", _("The records are being erased; a receipt is emailed.")

    # --- Staff run an account's right (``staff_run``) ---------------------------------------

    def _account_context(self, item):
        """An account's request staff recorded: the action its right takes, once the person's
        identity is confirmed, and for a deletion what blocks it now."""
        shown = bool(
            item.user_id
            and item.channel != RequestChannel.SELF_SERVICE
            and item.is_open
            and item.kind in staff_run.ACTIONS
        )
        action = staff_run.action_of(item) if shown else None
        return {
            "account_request": shown,
            "account_action": action,
            "account_blockers": staff_run.blockers(item) if action == "delete" else [],
        }

    def _account_action(self, request, action):
        """Build the export, deactivate, or schedule the deletion of the request's account."""
        run, logged, done = ACCOUNT_ACTIONS[action]
        run(self.item, actor=request.user)
        return logged, done

    def _restriction_action(self, request, action):
        """Restrict the customer's account on this request, or announce lifting it."""
        item, user = self.item, request.user
        if item.kind != RequestKind.RESTRICTION or item.user is None:
            raise PrivacyError(_("Only a restriction request of an account can do this."))
        if action == "apply_restriction":
            if not item.is_open:
                raise PrivacyError(_("This request is closed."), code="request_closed")
            restriction.restrict(item.user, actor=user, request=item, channel=item.channel)
            return "restricted", _("Processing restricted; the data is kept.")
        restriction.schedule_lift(item.user, actor=user)
        return "lift", _("The customer is told now; the restriction is lifted after the notice.")

    def _correction_action(self, request, action):
        """Approve a correction the shop checks (applied now), or refuse it with a reason."""
        correction = _correction(self.item)
        if correction is None:
            raise PrivacyError(_("This request has no correction."))
        if action == "approve_correction":
            corrections.approve(correction.pk, actor=request.user)
            return action, _("The correction is applied; the request is completed.")
        form = RefuseCorrectionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(refuse_form=form))
        corrections.refuse(correction.pk, form.cleaned_data["reason"], actor=request.user)
        return action, _("The correction is refused; the customer is emailed the reason.")

    def _staff_correction(self, request, action):
        """Apply the correction the person sent (post, email) to their account, as staff."""
        item = self.item
        corrections.check_staff_request(item)  # refused before the form: closed, unverified…
        form = StaffCorrectionForm(item.user, request.POST)
        if form.is_valid():
            target = form.cleaned_data["target"]
            try:
                corrections.record_by_staff(
                    item,
                    target["source_name"],
                    target["field"],
                    form.cleaned_data["value"],
                    target["record"],
                    actor=request.user,
                )
            except PrivacyError as error:
                if error.code != "invalid_value":
                    raise
                form.add_error("value", error.message)
            else:
                return action, _("The correction is applied; the request is completed.")
        return self.render_to_response(self.get_context_data(staff_correction_form=form))

    def _run_action(self, request, step, action):
        """Run one of the page's buttons: ``step`` returns the log action and the message of
        success, or a page to render instead (a form with errors); a refusal is shown."""
        item = self.item
        try:
            outcome = step(request, action)
        except PrivacyError as error:
            messages.error(request, error.message)
        else:
            if isinstance(outcome, HttpResponse):
                return outcome
            logged, done = outcome
            log(item, LOGGED[logged], user=request.user)
            messages.success(request, done)
        return redirect("wagtail_privacy_requests:detail", item.pk)


#: The account actions of the detail page, by their button's name: the service, the log
#: action, and what staff are told.
ACCOUNT_ACTIONS = {
    "run_account_export": (
        staff_run.start_export,
        "account_export",
        _("The export is being prepared; the customer is emailed when it is in their account."),
    ),
    "run_deactivation": (
        staff_run.deactivate,
        "deactivated",
        _("The account is deactivated; the customer is emailed how to reactivate it."),
    ),
    "run_deletion": (
        staff_run.schedule_deletion,
        "deletion",
        _("The deletion is scheduled; the customer is emailed how to cancel it."),
    ),
}


class RequestViewSet(PrivacyCentreViewSet):
    name = "wagtail_privacy_requests"
    url_prefix = "privacy/requests"
    icon = "tasks"
    menu_label = _("Privacy requests")
    menu_order = 200
    index_view_class = RequestIndexView
    permission_actions = ("view", "add", "change")

    def get_urlpatterns(self):
        return [
            path("", RequestIndexView.as_view(), name="index"),
            path("results/", RequestIndexView.as_view(results_only=True), name="index_results"),
            path("new/", RequestCreateView.as_view(), name="create"),
            path("<int:pk>/", RequestDetailView.as_view(), name="detail"),
        ]


#: What each log action is called in the history: (the action, what was done).
LOG_LABELS = {
    "created": (_("Record request"), _("Request recorded")),
    "status": (_("Update request"), _("Request updated")),
    "extended": (_("Extend request"), _("Request extended")),
    "link_sent": (_("Send confirmation link"), _("Confirmation link sent")),
    "identity": (_("Verify identity"), _("Identity verified")),
    "export": (_("Run export"), _("Export started")),
    "erasure": (_("Run erasure"), _("Erasure started")),
    "account_export": (_("Build account export"), _("Account export started")),
    "deactivated": (_("Deactivate account"), _("Account deactivated")),
    "deletion": (_("Schedule account deletion"), _("Account deletion scheduled")),
    "restricted": (_("Restrict processing"), _("Processing restricted")),
    "lift": (_("Lift restriction"), _("Lifting of the restriction announced")),
    "approve_correction": (_("Approve correction"), _("Correction approved")),
    "refuse_correction": (_("Refuse correction"), _("Correction refused")),
    "staff_correction": (_("Apply correction"), _("Correction applied by staff")),
}


def register_log_actions(actions):
    for key, (label, message) in LOG_LABELS.items():
        actions.register_action(LOGGED[key], label, message)
