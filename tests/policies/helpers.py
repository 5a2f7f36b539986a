"""Long histories, written straight into the records (publishing 50 versions takes a while)."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from wagtail_privacy.policies.models import Policy, PolicyVersion, PolicyVersionText
from wagtail_privacy.policies.snapshot import content_hash


def add_versions(page, count, *, languages=("en",)):
    """Give ``page``'s policy versions up to number ``count``: editorial, already in effect,
    each later than the one before (so the last is current), each with a text in every one of
    ``languages``. The page must have been published once (its policy exists).
    """
    policy = Policy.objects.get(translation_key=page.translation_key)
    last = policy.versions.order_by("-number").first()
    now = timezone.now()
    floor = last.effective_at if last else now - timedelta(days=count)
    numbers = range((last.number if last else 0) + 1, count + 1)
    step = (now - floor) / (len(numbers) + 1)
    locales = {code: Locale.objects.get(language_code=code) for code in languages}
    versions = [
        PolicyVersion(
            policy=policy,
            number=number,
            change_level="editorial",
            published_at=floor + step * (i + 1),
            effective_at=floor + step * (i + 1),
        )
        for i, number in enumerate(numbers)
    ]
    PolicyVersion.objects.bulk_create(versions)
    texts = []
    for version in policy.versions.filter(number__in=list(numbers)):
        for code, locale in locales.items():
            body = f"<p>Text {version.number} ({code}).</p>"
            title = f"{page.title} [{code}]"
            texts.append(
                PolicyVersionText(
                    version=version,
                    locale=locale,
                    page_id=page.pk,
                    title=title,
                    change_summary=f"Changes {version.number} ({code})",
                    body_html=body,
                    sha256=content_hash(title, body),
                )
            )
    PolicyVersionText.objects.bulk_create(texts)
    return policy
