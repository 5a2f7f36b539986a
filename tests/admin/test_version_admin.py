"""The version history screen and the dashboard panel of upcoming changes."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(policies):
    page = policies.create(title="Privacy policy")
    page = policies.publish(page, level="editorial", summary="First version")
    page = policies.publish(page, level="minor", effective_at=policies.days(3), summary="Minor")
    page = policies.publish(page, level="major", effective_at=policies.days(20), summary="Big one")
    return page


def test_history_lists_every_version_with_status(client, editor, history):
    client.force_login(editor)
    response = client.get(reverse("wagtail_privacy_versions:history", args=[history.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["version"].number, r["status"].value) for r in rows] == [
        (3, "upcoming"),
        (2, "withdrawn"),
        (1, "current"),
    ]
    html = response.content.decode()
    assert "Big one" in html and "First version" in html
    assert "Withdrawn" in html and "Upcoming" in html


def test_history_is_reachable_from_the_page_editor(client, editor, history):
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[history.pk]))
    assert (
        reverse("wagtail_privacy_versions:history", args=[history.pk]) in response.content.decode()
    )


def test_history_is_refused_to_non_editors(client, customer, history):
    client.force_login(customer)
    response = client.get(reverse("wagtail_privacy_versions:history", args=[history.pk]))
    assert response.status_code in (302, 403)
    assert "Big one" not in response.content.decode()


def test_history_needs_page_permission(client, history):
    user = get_user_model().objects.create_user("moderator", "m@example.com", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(reverse("wagtail_privacy_versions:history", args=[history.pk]))
    assert response.status_code in (302, 403)


def test_history_of_a_non_policy_page_is_404(client, editor, root_page):
    client.force_login(editor)
    response = client.get(reverse("wagtail_privacy_versions:history", args=[root_page.pk]))
    assert response.status_code == 404


def test_dashboard_lists_upcoming_changes(client, editor, history):
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert "Upcoming policy changes" in html
    assert "in 19 days" in html or "in 20 days" in html
