"""Editors publish versions from the ordinary Wagtail editor; refusals are shown there."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from wagtail_privacy.policies.models import PolicyVersion
from wagtail_privacy.policies.pages import PolicyPage

pytestmark = pytest.mark.django_db


def edit_form(page, *, level, effective_at=None, summary="", text="We keep your data.", **extra):
    data = {
        "title": page.title,
        "slug": page.slug,
        "kind": "privacy",
        "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
        "change_level": level,
        "change_summary": summary,
        "effective_at": effective_at.strftime("%Y-%m-%d %H:%M") if effective_at else "",
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(extra)
    return nested_form_data(data)


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


def post_edit(client, page, *, follow=False, **kwargs):
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(page, **kwargs), follow=follow
    )


def test_editor_publishes_a_major_change(signed_in_editor, policies):
    page = policies.create()
    effective = timezone.localtime() + timedelta(days=12)
    response = post_edit(
        signed_in_editor, page, level="major", effective_at=effective, summary="Reviews kept"
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    assert version.change_level == "major"
    assert version.effective_at.replace(second=0, microsecond=0) == effective.replace(
        second=0, microsecond=0
    )
    assert version.texts.get().change_summary == "Reviews kept"
    assert PolicyPage.objects.get(pk=page.pk).live


def test_too_short_notice_is_refused_in_the_editor(signed_in_editor, policies):
    page = policies.create()
    response = post_edit(
        signed_in_editor, page, level="major", effective_at=timezone.localtime() + timedelta(days=3)
    )
    assert response.status_code == 200
    assert "must be announced 10 days before it takes effect" in response.content.decode()
    assert not PolicyVersion.objects.exists()
    assert not PolicyPage.objects.get(pk=page.pk).live


def test_saving_a_draft_does_not_need_a_level(signed_in_editor, policies):
    page = policies.create()
    form = edit_form(page, level="")
    del form["action-publish"]
    response = signed_in_editor.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), form)
    assert response.status_code == 302
    assert not PolicyVersion.objects.exists()


def test_publishing_a_later_version_needs_a_level(signed_in_editor, policies):
    page = policies.create()
    post_edit(signed_in_editor, page, level="")
    response = post_edit(signed_in_editor, page, level="", text="We keep less.")
    assert response.status_code == 200
    assert "Choose the change level" in response.content.decode()
    assert PolicyVersion.objects.count() == 1


def test_the_first_version_needs_no_level(signed_in_editor, policies):
    """Nothing precedes it: with the level left empty it is the initial version."""
    page = policies.create()
    response = post_edit(signed_in_editor, page, level="", follow=True)
    assert response.status_code == 200
    version = PolicyVersion.objects.get()
    assert version.number == 1 and version.change_level == "editorial"
    assert version.effective_at == version.published_at
    assert PolicyPage.objects.get(pk=page.pk).live
    assert "Version 1 published (editorial change, effective at once)." in response.content.decode()


def test_go_live_scheduling_is_refused(signed_in_editor, policies):
    page = policies.create()
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    response = post_edit(signed_in_editor, page, level="editorial", go_live_at=later)
    assert response.status_code == 200
    assert "effective date of the version" in response.content.decode()
    assert not PolicyVersion.objects.exists()


def test_the_next_publication_starts_blank(signed_in_editor, policies):
    page = policies.create()
    post_edit(signed_in_editor, page, level="minor", summary="Something")
    response = signed_in_editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    form = response.context["form"]
    assert form.initial["change_level"] is None
    assert form.initial["change_summary"] is None


def test_a_new_policy_is_published_from_the_create_view_without_a_level(
    signed_in_editor, root_page
):
    page = PolicyPage(title="Terms of sale", slug="terms")
    url = reverse("wagtailadmin_pages:add", args=["wagtail_privacy", "policypage", root_page.pk])
    response = signed_in_editor.post(url, edit_form(page, level=""), follow=True)
    assert response.status_code == 200
    created = PolicyPage.objects.get(slug="terms")
    assert created.live
    version = PolicyVersion.objects.get(policy__slug="terms")
    assert (version.number, version.change_level) == (1, "editorial")
    assert "Version 1 published (editorial change, effective at once)." in (
        response.content.decode()
    )


def test_the_first_version_may_be_published_ahead_of_its_date(signed_in_editor, policies):
    page = policies.create()
    launch = timezone.localtime() + timedelta(days=3)
    assert post_edit(signed_in_editor, page, level="", effective_at=launch).status_code == 302
    version = PolicyVersion.objects.get()
    assert version.effective_at.replace(second=0, microsecond=0) == launch.replace(
        second=0, microsecond=0
    )
    past = timezone.localtime() - timedelta(days=1)
    other = policies.create(title="Terms", slug="terms")
    response = post_edit(signed_in_editor, other, level="", effective_at=past)
    assert response.status_code == 200
    assert "The effective date cannot be in the past." in response.content.decode()
