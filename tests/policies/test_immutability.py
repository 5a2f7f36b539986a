"""Versions are the legal record: the app refuses to alter or delete them."""

import pytest
from django.utils import timezone

from wagtail_privacy.exceptions import ImmutableRecordError
from wagtail_privacy.policies.models import PolicyVersion, PolicyVersionText

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(policies):
    page = policies.create()
    policies.publish(page, level="editorial", summary="First")
    return PolicyVersion.objects.get()


def test_version_cannot_be_edited(version):
    version.change_level = "major"
    with pytest.raises(ImmutableRecordError):
        version.save()
    with pytest.raises(ImmutableRecordError):
        PolicyVersion.objects.filter(pk=version.pk).update(change_level="major")
    version.refresh_from_db()
    assert version.change_level == "editorial"


def test_text_cannot_be_edited(version):
    text = version.texts.get()
    text.body_html = "<p>Rewritten history</p>"
    with pytest.raises(ImmutableRecordError):
        text.save()
    with pytest.raises(ImmutableRecordError):
        text.save(update_fields=["body_html"])
    assert "Rewritten" not in PolicyVersionText.objects.get().body_html


def test_versions_and_texts_cannot_be_deleted(version):
    with pytest.raises(ImmutableRecordError):
        version.delete()
    with pytest.raises(ImmutableRecordError):
        PolicyVersion.objects.all().delete()
    with pytest.raises(ImmutableRecordError):
        PolicyVersionText.objects.all().delete()
    assert PolicyVersion.objects.count() == 1


def test_withdrawal_is_set_once_only(version):
    version.withdrawn_at = timezone.now()
    version.save(update_fields=["withdrawn_at"])
    version.withdrawn_at = timezone.now()
    with pytest.raises(ImmutableRecordError):
        version.save(update_fields=["withdrawn_at"])


def test_deleting_the_page_keeps_the_record(policies, version):
    page_id = version.texts.get().page_id
    from wagtail.models import Page

    Page.objects.get(pk=page_id).delete()
    assert PolicyVersion.objects.count() == 1
    assert PolicyVersionText.objects.get().page_id == page_id
