"""Comparing two versions of a policy in one language (the service behind every diff view)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..exceptions import PrivacyError
from ..i18n import default_language
from .diff import Comparison, compare, word_diff
from .lookup import unknown_version
from .models import Policy, PolicyVersion, PolicyVersionText
from .resolution import load_texts


@dataclass
class VersionComparison:
    policy: Policy
    old: PolicyVersion
    new: PolicyVersion
    old_text: PolicyVersionText
    new_text: PolicyVersionText
    comparison: Comparison

    @property
    def language(self):
        return self.new_text.locale.language_code

    @property
    def title_html(self):
        """The new title, with word marks when the title changed."""
        if self.old_text.title == self.new_text.title:
            return None
        return word_diff(self.old_text.title, self.new_text.title)


def compare_versions(policy, old_number, new_number, language):
    """Compare versions ``old_number`` and ``new_number`` of ``policy`` in ``language``.

    Falls back to the default language when one of the versions has no text in ``language``;
    raises ``PrivacyError`` (same_version, unknown_version, no_common_language).
    """
    if old_number == new_number:
        raise PrivacyError(_("Choose two different versions to compare."), code="same_version")
    versions = {v.number: v for v in policy.versions.filter(number__in=[old_number, new_number])}
    for number in (old_number, new_number):
        if number not in versions:
            raise unknown_version(policy, number)
    old, new = versions[old_number], versions[new_number]
    for candidate in (language, default_language()):
        texts = load_texts([old.pk, new.pk], candidate)
        old_text, new_text = texts.get(old.pk), texts.get(new.pk)
        if old_text and new_text and old_text.locale_id == new_text.locale_id:
            return VersionComparison(
                policy=policy,
                old=old,
                new=new,
                old_text=old_text,
                new_text=new_text,
                comparison=compare(old_text.body_html, new_text.body_html),
            )
    raise PrivacyError(
        _("These versions have no text in a common language."),
        code="no_common_language",
        status=409,
    )
