"""Notices concern customers: staff get none and are not counted, unless the host says so."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.admin.test_editor_publishing import post_edit
from wagtail_privacy.notices.models import ChangeNotice
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(editor, customer, other_customer):
    """Two customers, and three kinds of staff: a superuser, a Django staff user and a
    Wagtail editor who reaches the admin through a group."""
    User = get_user_model()
    clerk = User.objects.create_user("clerk", "clerk@example.com", "pw", is_staff=True)
    writer = User.objects.create_user("writer", "writer@example.com", "pw")
    editors = Group.objects.create(name="Policy writers")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    writer.groups.add(editors)
    return {"customers": [customer, other_customer], "staff": [editor, clerk, writer]}


def publish_major(client, editor, policies, django_capture_on_commit_callbacks):
    client.force_login(editor)
    page = policies.create()
    post_edit(client, page, level="editorial")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(
            client,
            page,
            level="major",
            effective_at=timezone.localtime() + timedelta(days=12),
            text="We keep reviews.",
        )
    return page, PolicyVersion.objects.get(number=2)


def test_staff_are_neither_emailed_nor_counted(
    client, editor, people, policies, django_capture_on_commit_callbacks
):
    page, version = publish_major(client, editor, policies, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "bor@example.com"]
    assert set(ChangeNotice.objects.filter(version=version).values_list("user", flat=True)) == {
        u.pk for u in people["customers"]
    }
    response = client.get(reverse("wagtail_privacy_versions:history", args=[page.pk]))
    row = next(r for r in response.context["rows"] if r["version"] == version)
    assert (row["figures"]["notices"], row["figures"]["emailed"]) == (2, 2)
    assert "2 emailed" in response.content.decode()


def test_the_audience_hook_still_decides_when_set(
    client, editor, people, policies, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "HOST": "tests.testapp.hooks.EveryoneHost",
    }
    publish_major(client, editor, policies, django_capture_on_commit_callbacks)
    everyone = [u.email for u in people["customers"] + people["staff"]]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(everyone)
