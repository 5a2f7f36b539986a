"""Typeset PDFs of policy versions (WeasyPrint), rendered once per text and kept in storage."""

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import font_source_sans_pro
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .. import formats as privacy_formats
from ..conf import privacy_settings
from ..exceptions import PrivacyError
from .models import PolicyVersionPdf

logger = logging.getLogger(__name__)

FONT_DIR = Path(font_source_sans_pro.font_directory)
TOC_MIN_HEADINGS = 3
_HEADING = re.compile(r"<h2([^>]*)>(.*?)</h2>", re.S)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class PdfNotReady(PrivacyError):
    code = "pdf_not_ready"
    status = 503


@dataclass
class PdfDocument:
    """What a PDF shows; built from a stored version text, or from a draft for a preview."""

    slug: str
    title: str
    body_html: str
    language: str
    number: int | None
    effective_at: datetime | None
    change_summary: str = ""

    @classmethod
    def of_text(cls, text):
        version = text.version
        return cls(
            slug=version.policy.slug,
            title=text.title,
            body_html=text.body_html,
            language=text.locale.language_code,
            number=version.number,
            effective_at=version.effective_at,
            change_summary=text.change_summary,
        )

    @property
    def filename(self):
        number = self.number if self.number is not None else "draft"
        return f"{self.slug}-v{number}-{self.language}.pdf"


def css_string(value):
    """``value`` as a quoted CSS string that can close neither itself nor the ``<style>``.

    Everything but ASCII letters and digits becomes a six-digit hex escape; spaces too,
    since CSS swallows one whitespace character after any escape.
    """
    escaped = "".join(
        char if char.isascii() and char.isalnum() else f"\\{ord(char):06X}"
        for char in re.sub(r"[\r\n\f]", " ", str(value))
    )
    return f'"{escaped}"'


def css_content(message, **functions):
    """A translated message with placeholders as CSS ``content`` (placeholders become counters)."""
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(message)):
        if index % 2:
            parts.append(functions[piece])
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts) or '""'


def _with_anchors(body_html):
    """Give every h2 an id and return the body with the table of contents entries."""
    toc = []

    def anchor(match):
        ident = f"section-{len(toc) + 1}"
        toc.append({"id": ident, "title": strip_tags(match.group(2)).strip()})
        return f'<h2{match.group(1)} id="{ident}">{match.group(2)}</h2>'

    body = _HEADING.sub(anchor, body_html)
    return body, toc if len(toc) >= TOC_MIN_HEADINGS else []


def document_html(document, *, draft=False):
    with translation.override(document.language):
        body, toc = _with_anchors(document.body_html)
        effective = privacy_formats.date(document.effective_at) if document.effective_at else ""
        if draft:
            footer = _("Draft — not published")
        else:
            footer = _("Version %(number)s · valid from %(date)s") % {
                "number": document.number,
                "date": effective,
            }
        context = {
            "document": document,
            "body_html": body,
            "toc": toc,
            "draft": draft,
            "effective": effective,
            "font_dir": FONT_DIR.as_uri(),
            "shop_name": privacy_settings.shop_name,
            "controller_name": privacy_settings.controller_name,
            "header_left": css_string(privacy_settings.shop_name),
            "header_right": css_string(document.title),
            "footer_left": css_string(footer),
            "footer_right": css_content(
                _("Page %(page)s of %(pages)s"), page="counter(page)", pages="counter(pages)"
            ),
        }
        return render_to_string("wagtail_privacy/pdf/policy.html", context)


class RefusedUrl(ValueError):
    """A URL the PDF may not load; WeasyPrint treats it as a failed fetch and goes on."""


def allowed_file(url):
    """The font file ``url`` names, or ``RefusedUrl``: PDFs read nothing else, local or remote."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "file" and parts.netloc in ("", "localhost"):
        # resolve() follows symlinks and "..", so only real files under FONT_DIR pass.
        path = Path(url2pathname(parts.path)).resolve()
        if path.is_relative_to(FONT_DIR.resolve()) and path.is_file():
            return path
    # Scheme, host and path only: a query, credentials or data: payload may be personal data.
    shown = (
        f"{parts.scheme}://{parts.hostname or ''}{parts.path}"
        if parts.netloc or parts.scheme == "file"
        else f"{parts.scheme}:"
    )
    logger.warning("PDF rendering refused to load %s", shown[:200])
    raise RefusedUrl("only the bundled fonts may be loaded")


def url_fetcher():
    """A WeasyPrint URL fetcher that loads only ``allowed_file`` URLs."""
    from weasyprint import urls

    if not hasattr(urls, "URLFetcher"):  # Older WeasyPrint takes a plain function.
        return lambda url: urls.default_url_fetcher(allowed_file(url).as_uri())

    class FontFetcher(urls.URLFetcher):
        def fetch(self, url, headers=None):
            return super().fetch(allowed_file(url).as_uri(), headers)

    return FontFetcher()


def render_pdf(document, *, draft=False):
    """Typeset ``document`` and return the PDF bytes."""
    from weasyprint import HTML

    html = document_html(document, draft=draft)
    return HTML(
        string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=url_fetcher()
    ).write_pdf()


def _storage():
    return storages[privacy_settings.PDF_STORAGE]


def _render_into(record, text):
    try:
        data = render_pdf(PdfDocument.of_text(text))
    except Exception:
        # Release the claim so that the next request tries again at once.
        PolicyVersionPdf.objects.filter(pk=record.pk, rendered_at__isnull=True).delete()
        raise
    digest = hashlib.sha256(data).hexdigest()
    name = f"wagtail_privacy/policies/{digest[:2]}/{digest}.pdf"
    storage = _storage()
    if not storage.exists(name):
        name = storage.save(name, ContentFile(data))
    record.file = name
    record.sha256 = digest
    record.size = len(data)
    record.rendered_at = timezone.now()
    record.save(update_fields=["file", "sha256", "size", "rendered_at"])
    return record


def stored_pdf(text, *, wait=30.0, poll=0.2):
    """The stored PDF of ``text``, rendering it first if nobody has.

    Concurrent callers render once: the first claims the render by creating the row, the
    others wait for it (up to ``wait`` seconds, then ``PdfNotReady``). A claim older than
    ``PDF_RENDER_TIMEOUT`` is taken over, so a crashed render does not block forever.
    """
    record = PolicyVersionPdf.objects.filter(text=text).first()
    if record is not None and record.rendered_at:
        return record
    if record is None:
        try:
            with transaction.atomic():
                record = PolicyVersionPdf.objects.create(text=text, claimed_at=timezone.now())
        except IntegrityError:
            record = None
        else:
            return _render_into(record, text)
    deadline = time.monotonic() + wait
    while True:
        stale = timezone.now() - timedelta(seconds=privacy_settings.PDF_RENDER_TIMEOUT)
        taken = PolicyVersionPdf.objects.filter(
            text=text, rendered_at__isnull=True, claimed_at__lt=stale
        ).update(claimed_at=timezone.now())
        if taken:
            return _render_into(PolicyVersionPdf.objects.get(text=text), text)
        record = PolicyVersionPdf.objects.filter(text=text).first()
        if record is None:
            return stored_pdf(text, wait=max(deadline - time.monotonic(), 0), poll=poll)
        if record.rendered_at:
            return record
        if time.monotonic() >= deadline:
            raise PdfNotReady(_("The PDF is being prepared: try again in a moment."))
        time.sleep(poll)


def open_pdf(record):
    return _storage().open(record.file, "rb")
