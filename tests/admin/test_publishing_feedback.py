"""What the editor is told about a publication: the message naming the version, the warning
before an announced version is withdrawn, and the page's history in Wagtail's audit log."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import PageLogEntry

from tests.admin.test_editor_publishing import post_edit
from tests.testapp.models import CustomerProfile
from wagtail_privacy import formats as privacy_formats
from wagtail_privacy.notices import fanout
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


def day(value):
    with translation.override("en"):
        return privacy_formats.date(value)


def text_of(response):
    return unescape(response.content.decode())


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def announced(signed_in_editor, policies, customer, other_customer):
    """Version 1 in effect; version 2, a major change, upcoming and emailed to two customers."""
    page = policies.create()
    post_edit(signed_in_editor, page, level="editorial")
    post_edit(
        signed_in_editor,
        page,
        level="major",
        effective_at=timezone.localtime() + timedelta(days=12),
        text="We keep reviews.",
    )
    upcoming = PolicyVersion.objects.get(number=2)
    fanout.fan_out(upcoming.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "bor@example.com"]
    return page, upcoming


def test_the_message_names_the_version_its_level_and_date(signed_in_editor, policies):
    page = policies.create()
    post_edit(signed_in_editor, page, level="editorial")
    effective = timezone.localtime() + timedelta(days=12)
    response = post_edit(
        signed_in_editor, page, level="major", effective_at=effective, text="More.", follow=True
    )
    version = PolicyVersion.objects.get(number=2)
    html = text_of(response)
    assert f"Version 2 published (major change, effective {day(version.effective_at)})." in html
    assert "will not take effect" not in html
    # with a way to the version history
    assert reverse("wagtail_privacy_versions:history", args=[page.pk]) in html


def test_the_editor_is_warned_before_withdrawing_an_announced_version(signed_in_editor, announced):
    page, upcoming = announced
    response = signed_in_editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    html = text_of(response)
    assert (
        f"Version 2, which takes effect on {day(upcoming.effective_at)}, was announced to "
        "2 customers by email. Publishing this page withdraws it: version 2 will not take "
        "effect, and the new version replaces it."
    ) in html
    # a warning, in Wagtail's own messages
    assert '<li class="warning">' in html


def test_no_warning_when_nothing_would_be_withdrawn(signed_in_editor, policies):
    page = policies.create()
    post_edit(signed_in_editor, page, level="editorial")
    html = text_of(signed_in_editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk])))
    assert "withdraws it" not in html


def test_superseding_says_which_version_will_not_take_effect(signed_in_editor, announced):
    page, upcoming = announced
    later = timezone.localtime() + timedelta(days=15)
    response = post_edit(
        signed_in_editor, page, level="major", effective_at=later, text="Reviews.", follow=True
    )
    new = PolicyVersion.objects.get(number=3)
    html = text_of(response)
    assert (
        f"Version 3 published (major change, effective {day(new.effective_at)}). "
        f"Version 2, which was to take effect on {day(upcoming.effective_at)}, "
        "will not take effect."
    ) in html
    upcoming.refresh_from_db()
    assert upcoming.withdrawn_at is not None and upcoming.superseded_by == new


def test_the_page_history_names_each_version(signed_in_editor, editor, announced):
    page, upcoming = announced
    later = timezone.localtime() + timedelta(days=15)
    post_edit(signed_in_editor, page, level="major", effective_at=later, text="Reviews.")
    new = PolicyVersion.objects.get(number=3)

    entries = PageLogEntry.objects.filter(
        page_id=page.pk, action="wagtail_privacy.version_published"
    ).order_by("pk")
    assert [e.data["version"]["number"] for e in entries] == [1, 2, 3]
    assert {e.user for e in entries} == {editor}
    assert entries[2].data["withdrawn"]["number"] == 2

    response = signed_in_editor.get(reverse("wagtailadmin_pages:history", args=[page.pk]))
    html = text_of(response)
    assert "Published version 1 (editorial, effective at once)" in html
    assert f"Published version 2 (major, effective {day(upcoming.effective_at)})" in html
    assert (
        f"Published version 3 (major, effective {day(new.effective_at)}), withdrawing version 2"
    ) in html


def test_a_translation_joining_a_version_is_named_too(signed_in_editor, policies):
    page = policies.create()
    post_edit(signed_in_editor, page, level="")
    translated = policies.translate(page, "sl", title="Politika", text="Hranimo podatke.")
    translated.save_revision().publish()
    entry = PageLogEntry.objects.get(
        page_id=translated.pk, action="wagtail_privacy.version_published"
    )
    assert entry.data["version"]["joined"] is True
    history = signed_in_editor.get(reverse("wagtailadmin_pages:history", args=[translated.pk]))
    assert "Added the Slovenian text to version 1" in text_of(history)


def test_the_message_says_who_waits_for_a_translation_and_until_when(
    signed_in_editor, policies, settings
):
    """A major change published in English only: the editor learns which customers wait for
    the translation, until when, and from when the version binds them if it never comes."""
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "NOTICE_TRANSLATION_WAIT_HOURS": 24}
    for i in range(3):
        user = get_user_model().objects.create_user(f"sl{i}", f"sl{i}@example.com", "pw")
        CustomerProfile.objects.create(user=user, language="sl")
    page = policies.create()
    post_edit(signed_in_editor, page, level="editorial")
    effective = timezone.localtime() + timedelta(days=12)
    response = post_edit(
        signed_in_editor, page, level="major", effective_at=effective, text="More.", follow=True
    )
    version = PolicyVersion.objects.get(number=2)
    deadline = version.published_at + timedelta(hours=24)
    bound = max(version.effective_at, deadline + timedelta(days=10))
    html = text_of(response)
    # The notices are created by the background task after the publication: languages first.
    assert "Emails to customers reading Croatian, Slovenian, Albanian" in html
    assert f"wait for the translation until {day(deadline)}" in html
    assert f"from {day(bound)} on" in html

    # Once the notices exist, the version history counts who waits, per language.
    fanout.create_notices(version)
    history = text_of(
        signed_in_editor.get(reverse("wagtail_privacy_versions:history", args=[page.pk]))
    )
    assert "Waiting for a translation until" in history
    assert "Slovenian, 3 customers" in history
