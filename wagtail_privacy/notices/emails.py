"""The change-notice emails, built once per version, kind and language."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from wagtail.models import Page

from ..conf import privacy_settings
from ..policies.resolution import load_texts

CHANGE = "change"
EFFECTIVE = "effective"


@dataclass(frozen=True)
class MessageTemplate:
    subject: str
    text: str
    html: str

    def message(self, to, message_id, connection=None):
        email = EmailMultiAlternatives(
            self.subject,
            self.text,
            settings.DEFAULT_FROM_EMAIL,
            [to],
            connection=connection,
            headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
        )
        email.attach_alternative(self.html, "text/html")
        return email


def version_links(version, text, previous=None):
    """Absolute URLs of the version page, its PDF and its changes, on the policy's own site."""
    page = Page.objects.filter(pk=text.page_id).first()
    if page is None:
        return {}
    page = page.specific
    base = page.get_full_url()
    if not base:
        return {}
    links = {
        "version_url": base + page.reverse_subpage("version", args=[version.number]),
        "pdf_url": base + page.reverse_subpage("version_pdf", args=[version.number]),
    }
    if previous is not None:
        links["diff_url"] = base + page.reverse_subpage(
            "diff", args=[previous.number, version.number]
        )
    return links


def build(version, language, kind, previous=None):
    """The email for ``version`` in ``language``; ``kind`` is CHANGE or EFFECTIVE."""
    text = load_texts([version.pk], language)[version.pk]
    with translation.override(language):
        context = {
            "shop_name": privacy_settings.shop_name,
            "title": text.title,
            "summary": text.change_summary,
            "level": version.change_level,
            "effective": formats.date_format(
                timezone.localtime(version.effective_at), "DATE_FORMAT"
            ),
            "requires_acceptance": version.requires_acceptance,
            **version_links(version, text, previous),
        }
        base = f"wagtail_privacy/emails/policy_{kind}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        return MessageTemplate(
            subject=subject,
            text=render_to_string(f"{base}.txt", context),
            html=render_to_string(f"{base}.html", context),
        )
