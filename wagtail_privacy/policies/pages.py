"""The policy page type that editors create anywhere in the page tree."""

from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page

from ..conf import privacy_settings
from ..exceptions import PrivacyError
from . import resolution
from .blocks import PolicyBodyBlock
from .changes import compare_versions
from .downloads import pdf_response
from .forms import PolicyPageForm
from .models import ChangeLevel, Policy
from .pdf import PdfDocument, render_pdf
from .snapshot import render_body


def policy_kind_choices():
    return list(privacy_settings.POLICY_KINDS)


class PolicyPage(RoutablePageMixin, Page):
    """A legal document. Publishing it records an immutable version; readers see versions only.

    The page's live content is what the editor last published; customers read the frozen
    version in effect, so publishing a future-dated version changes nothing they see until
    its effective date.
    """

    kind = models.CharField(
        _("kind"), max_length=50, choices=policy_kind_choices, default="privacy"
    )
    requires_acceptance = models.BooleanField(
        _("customers must accept it"),
        default=False,
        help_text=_("Signed-in customers are asked to accept major versions once in effect."),
    )
    body = StreamField(PolicyBodyBlock(), verbose_name=_("text"), blank=True)

    change_level = models.CharField(
        _("change level"),
        max_length=20,
        choices=ChangeLevel.choices,
        blank=True,
        help_text=_("How significant the changes published now are."),
    )
    change_summary = models.TextField(
        _("summary of changes"),
        blank=True,
        help_text=_("Shown to customers beside the new version and in change notices."),
    )
    effective_at = models.DateTimeField(
        _("effective from"),
        null=True,
        blank=True,
        help_text=_(
            "When the new version takes effect. Leave empty for at once (editorial and minor "
            "changes). Major changes need the advance-notice period."
        ),
    )

    base_form_class = PolicyPageForm
    template = "wagtail_privacy/policies/policy_page.html"
    version_template = "wagtail_privacy/policies/policy_version.html"
    diff_template = "wagtail_privacy/policies/policy_diff.html"
    preview_template = "wagtail_privacy/policies/policy_preview.html"

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("change_level"), FieldPanel("effective_at"), FieldPanel("change_summary")],
            heading=_("This publication"),
        ),
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("requires_acceptance")],
            heading=_("Document"),
        ),
        FieldPanel("body"),
    ]

    api_fields = [
        APIField("kind"),
        APIField("requires_acceptance"),
        APIField("body"),
        APIField("policy_versions"),
    ]

    class Meta:
        verbose_name = _("policy page")
        verbose_name_plural = _("policy pages")

    def publish(self, revision, *args, **kwargs):
        # The version is recorded by the page_published receiver; one transaction makes a
        # refused version leave the page unpublished.
        with transaction.atomic():
            return super().publish(revision, *args, **kwargs)

    @property
    def policy_versions(self):
        """Current and upcoming version numbers and dates, for Wagtail's API v2."""
        state = resolution.policy_state_for_key(self.translation_key, self.locale.language_code)
        if state is None:
            return {"current": None, "upcoming": None}

        def brief(version):
            if version is None:
                return None
            return {
                "number": version.number,
                "change_level": version.change_level,
                "effective_at": version.effective_at.isoformat(),
            }

        return {"current": brief(state.current), "upcoming": brief(state.upcoming)}

    def _reader_context(self, request, state, version):
        return {
            "page": self,
            "self": self,
            "request": request,
            "state": state,
            "version": version,
            "text": state.texts.get(version.pk) if version else None,
            "upcoming_text": state.texts.get(state.upcoming.pk) if state.upcoming else None,
            "now": state.now,
        }

    @path("")
    def current_version(self, request):
        state = resolution.policy_state_for_key(
            self.translation_key, self.locale.language_code, with_history=True
        )
        version = None
        if state is not None:
            version = state.current or state.upcoming
        context = self._reader_context(request, state, version) if state else {"page": self}
        return self._render(request, self.template, context)

    @path("versions/<int:number>/", name="version")
    def version_view(self, request, number):
        state = resolution.policy_state_for_key(
            self.translation_key, self.locale.language_code, with_history=True, number=number
        )
        if state is None or state.requested is None:
            raise Http404
        context = self._reader_context(request, state, state.requested)
        return self._render(request, self.version_template, context)

    @path("versions/<int:number>/pdf/", name="version_pdf")
    def version_pdf(self, request, number):
        state = resolution.policy_state_for_key(
            self.translation_key, self.locale.language_code, number=number
        )
        if state is None or state.requested is None:
            raise Http404
        return pdf_response(request, state.text(state.requested))

    @path("diff/<int:old>/<int:new>/", name="diff")
    def diff_view(self, request, old, new):
        policy = Policy.objects.filter(translation_key=self.translation_key).first()
        if policy is None:
            raise Http404
        try:
            diff = compare_versions(policy, old, new, self.locale.language_code)
        except PrivacyError as error:
            raise Http404 from error
        return self._render(request, self.diff_template, {"page": self, "diff": diff})

    preview_modes = [("", _("Page")), ("pdf", _("PDF"))]

    def draft_document(self):
        return PdfDocument(
            slug=self.slug,
            title=self.title,
            body_html=render_body(self),
            language=self.locale.language_code,
            number=None,
            effective_at=self.effective_at,
            change_summary=self.change_summary,
        )

    def serve_preview(self, request, mode_name):
        document = self.draft_document()
        if mode_name == "pdf":
            response = HttpResponse(
                render_pdf(document, draft=True), content_type="application/pdf"
            )
            response["Content-Disposition"] = f'inline; filename="{document.filename}"'
            return response
        return self._render(request, self.preview_template, {"page": self, "document": document})

    def _render(self, request, template, context):
        # Render now, in the page's language, whatever language the request came in.
        with translation.override(self.locale.language_code):
            return TemplateResponse(request, template, context).render()

    def version_url(self, number, request=None):
        return self.get_url(request) + self.reverse_subpage("version", args=[number])
