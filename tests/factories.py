"""Helpers that create and publish policy pages the way an editor would."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from wagtail_privacy.policies.pages import PolicyPage


def body(*paragraphs, heading=None):
    blocks = []
    if heading:
        blocks.append({"type": "heading", "value": heading})
    blocks += [{"type": "paragraph", "value": f"<p>{p}</p>"} for p in paragraphs]
    return blocks


class PolicyFactory:
    def __init__(self, root_page):
        self.root = root_page

    def create(self, title="Privacy policy", slug="privacy-policy", text="We keep data.", **kw):
        page = PolicyPage(title=title, slug=slug, body=body(text), live=False, **kw)
        self.root.add_child(instance=page)
        return page

    def publish(
        self,
        page,
        *,
        level="editorial",
        effective_at=None,
        summary="",
        text=None,
        title=None,
        user=None,
    ):
        page = PolicyPage.objects.get(pk=page.pk)
        page.change_level = level
        page.change_summary = summary
        page.effective_at = effective_at
        if text is not None:
            page.body = body(text)
        if title is not None:
            page.title = title
        revision = page.save_revision(user=user)
        revision.publish(user=user)
        return PolicyPage.objects.get(pk=page.pk)

    def translate(self, page, language, *, title, text):
        locale = Locale.objects.get(language_code=language)
        translated = page.copy_for_translation(locale, copy_parents=True)
        parent = translated.get_parent().specific
        if not parent.live:
            parent.save_revision().publish()
        translated = PolicyPage.objects.get(pk=translated.pk)
        translated.title = title
        translated.body = body(text)
        return translated

    @staticmethod
    def days(n):
        return timezone.now() + timedelta(days=n)
