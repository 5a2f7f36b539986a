"""The policy page type that editors create anywhere in the page tree."""

from dataclasses import dataclass

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


#: The largest ``?page=`` of a history page (beyond, a 404 without asking the database).
MAX_PAGE_NUMBER = 2**31 - 1


class PolicyLinks:
    """The URLs of a policy page's routes, from the page's URL resolved once per request.

    The same URLs as ``{% routablepageurl page "version" n %}`` and its kin, which resolve the
    page's URL and reverse the route at every link: a history of 200 versions did that ~600
    times per request. The sub-paths here are those of the page's ``@path`` routes (a test
    holds them to ``reverse_subpage``).
    """

    def __init__(self, page_url):
        # As ``routablepageurl``: the page's URL ends with a slash (empty if not routable).
        page_url = page_url or ""
        if page_url and not page_url.endswith("/"):
            page_url += "/"
        self.page = page_url

    @classmethod
    def for_request(cls, page, request):
        return cls(page.get_url(request=request))

    def version(self, number):
        return f"{self.page}versions/{number}/"

    def pdf(self, number):
        return f"{self.page}versions/{number}/pdf/"

    def diff(self, old, new):
        return f"{self.page}diff/{old}/{new}/"

    def history(self, page=1):
        return f"{self.page}history/" if page == 1 else f"{self.page}history/?page={page}"


@dataclass
class HistoryRow:
    """One version in a list of the history, with its links."""

    version: object
    status: object
    url: str
    pdf_url: str
    diff_url: str | None


@dataclass
class HistoryList:
    """What a history list shows: ``page`` (a ``HistoryPage``) and a row per version."""

    page: object
    rows: list
    url: str
    start: int  # the position of the first row, counted from the oldest (for ``<ol reversed>``)


def history_list(state, links):
    page = state.history_page
    rows = [
        HistoryRow(
            version=version,
            status=state.status(version),
            url=links.version(version.number),
            pdf_url=links.pdf(version.number),
            diff_url=(
                links.diff(version.previous_number, version.number)
                if version.previous_number is not None
                else None
            ),
        )
        for version in page.versions
    ]
    start = page.count - (page.number - 1) * page.size
    return HistoryList(page=page, rows=rows, url=links.history(), start=start)


@dataclass
class PageLink:
    number: int | None
    url: str | None  # None for a gap ("…")
    current: bool = False
    rel: str | None = None


def pagination(page, links, around=2):
    """Links to the pages of a history: the first, the last and ``around`` either side of
    ``page``, with gaps between; empty when there is one page."""
    if page.pages == 1:
        return []
    shown = {1, page.pages} | set(range(page.number - around, page.number + around + 1))
    result, last = [], 0
    for number in sorted(n for n in shown if 1 <= n <= page.pages):
        if number > last + 1:
            result.append(PageLink(None, None))
        rel = {page.number - 1: "prev", page.number + 1: "next"}.get(number)
        result.append(PageLink(number, links.history(number), number == page.number, rel))
        last = number
    return result


def page_number(value):
    """``?page=`` as a page number, or None when it is not one (``"0"``, ``"x"``, ``"-1"``)."""
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_PAGE_NUMBER else None


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
    history_template = "wagtail_privacy/policies/policy_history.html"
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
        state = resolution.policy_state_for_key(
            self.translation_key, self.locale.language_code, with_texts=False
        )
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
        links = PolicyLinks.for_request(self, request)
        upcoming = state.upcoming
        urls = {"page": links.page, "history": links.history()}
        if version is not None:
            urls["version_pdf"] = links.pdf(version.number)
        if upcoming is not None:
            urls["upcoming"] = links.version(upcoming.number)
            urls["upcoming_pdf"] = links.pdf(upcoming.number)
            if state.current is not None:
                urls["upcoming_diff"] = links.diff(state.current.number, upcoming.number)
        return {
            "page": self,
            "self": self,
            "request": request,
            "state": state,
            "version": version,
            "text": state.texts.get(version.pk) if version else None,
            "upcoming_text": state.texts.get(upcoming.pk) if upcoming else None,
            "now": state.now,
            "urls": urls,
            "history": history_list(state, links) if state.history_page else None,
        }

    def _policy_state(self, **kwargs):
        return resolution.policy_state_for_key(
            self.translation_key, self.locale.language_code, **kwargs
        )

    @path("")
    def current_version(self, request):
        state = self._policy_state(history_page=1, history_size=resolution.HISTORY_PREVIEW)
        version = None
        if state is not None:
            version = state.current or state.upcoming
        context = self._reader_context(request, state, version) if state else {"page": self}
        return self._render(request, self.template, context)

    @path("versions/<int:number>/", name="version")
    def version_view(self, request, number):
        state = self._policy_state(
            history_page=1, history_size=resolution.HISTORY_PREVIEW, number=number
        )
        if state is None or state.requested is None:
            raise Http404
        context = self._reader_context(request, state, state.requested)
        return self._render(request, self.version_template, context)

    @path("history/", name="history")
    def history_view(self, request):
        """Every version, newest first, ``HISTORY_PAGE_SIZE`` per page (``?page=``)."""
        number = page_number(request.GET.get("page"))
        if number is None:
            raise Http404
        state = self._policy_state(history_page=number, with_bodies=False)
        if state is None or not state.history_page.count or not state.history_page.exists:
            raise Http404
        context = self._reader_context(request, state, None)
        page = state.history_page
        context["pagination"] = pagination(page, PolicyLinks(context["urls"]["page"]))
        context["text"] = state.text(state.current or state.upcoming or page.versions[0])
        return self._render(request, self.history_template, context)

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
        links = PolicyLinks.for_request(self, request)
        urls = {
            "page": links.page,
            "old": links.version(diff.old.number),
            "new": links.version(diff.new.number),
        }
        return self._render(request, self.diff_template, {"page": self, "diff": diff, "urls": urls})

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
        return PolicyLinks(self.get_url(request)).version(number)
