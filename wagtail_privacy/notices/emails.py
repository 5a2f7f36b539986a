"""The change-notice emails, built once per version, kind and language.

Each is rendered (subject, text, HTML) and then built to bytes once (``mail.PreparedEmail``);
per customer only To, Date and Message-ID are filled in.
"""

from dataclasses import dataclass
from functools import cached_property

from django.template.loader import render_to_string
from django.utils import timezone, translation
from wagtail.models import Page

from .. import formats as privacy_formats
from .. import mail
from ..conf import privacy_settings
from ..i18n import language_name
from ..policies.models import ChangeLevel, PolicyVersion
from ..policies.resolution import load_texts

CHANGE = "change"
EFFECTIVE = "effective"
WITHDRAWN = "withdrawn"
REMINDER = "reminder"


@dataclass(frozen=True)
class MessageTemplate:
    subject: str
    text: str
    html: str

    @cached_property
    def prepared(self):
        return mail.PreparedEmail(
            self.subject, self.text, html=self.html, headers={"Auto-Submitted": "auto-generated"}
        )

    def message(self, to, message_id, connection=None):
        """The email to ``to`` as a Django ``EmailMultiAlternatives``."""
        return self.prepared.email(to, message_id, connection)


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


def previous_version(version):
    """The version before ``version`` (not withdrawn), for the link to what changes."""
    return (
        PolicyVersion.objects.filter(
            policy_id=version.policy_id, number__lt=version.number, withdrawn_at__isnull=True
        )
        .order_by("-number")
        .first()
    )


def links_by_language(version, languages, previous=None):
    """{language: links} for the ``languages`` that have their own text of ``version``.

    Computing links resolves the site's URLs, which costs a process its first ``reverse()``
    (the whole URLconf: ~0.1 s); the fan-out computes them once and hands them to its tasks.
    Languages shown another language's text are left out: their text may still come.
    """
    links = {}
    for language in languages:
        text = load_texts([version.pk], language, full=False)[version.pk]
        if text.locale.language_code == language:
            links[language] = version_links(version, text, previous)
    return links


def _replacement(version):
    """The version that took the place of ``version`` (withdrawn), if it is still in force or
    upcoming itself."""
    replacement = version.superseded_by
    while replacement is not None and replacement.withdrawn_at is not None:
        replacement = replacement.superseded_by
    return replacement


def build(version, language, kind, previous=None, links=None):
    """The email for ``version`` in ``language``; ``kind`` is CHANGE, EFFECTIVE, WITHDRAWN or
    REMINDER.

    ``links`` (from ``links_by_language``) saves resolving the version's URLs again. The
    WITHDRAWN email links to the version that replaced it.
    """
    text = load_texts([version.pk], language, full=False)[version.pk]
    replacement = None
    if kind == WITHDRAWN:
        replacement = _replacement(version)
        links = {}
        if replacement is not None:
            replacement_text = load_texts([replacement.pk], language, full=False)
            links = version_links(replacement, replacement_text[replacement.pk])
    elif links is None:
        links = version_links(version, text, previous)
    effective = version.effective_at
    if kind == CHANGE:
        # Emailed late (a translation waited for, a held-up fan-out), customers still get
        # the whole notice period: the gate holds them to the version only from then on.
        effective = max(effective, timezone.now() + privacy_settings.notice_period)
    shown = text.locale.language_code
    with translation.override(language):
        context = {
            "shop_name": privacy_settings.shop_name,
            "title": text.title,
            "summary": text.change_summary,
            "level": version.change_level,
            "effective": privacy_formats.date(effective),
            # The text is another language's when this one has none (yet): say so.
            "language_name": language_name(language) if shown != language else "",
            "text_language_name": language_name(shown) if shown != language else "",
            "requires_acceptance": version.requires_acceptance,
            "account_url": privacy_settings.ACCOUNT_URL,
            **links,
        }
        if replacement is not None:
            context["replacement_effective"] = privacy_formats.date(replacement.effective_at)
            context["replacement_emailed"] = replacement.change_level == ChangeLevel.MAJOR
        base = f"wagtail_privacy/emails/policy_{kind}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        return MessageTemplate(
            subject=subject,
            text=render_to_string(f"{base}.txt", context),
            html=render_to_string(f"{base}.html", context),
        )
