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


def test_each_version_links_to_its_pdf_and_to_what_changed(client, editor, history):
    """Version 3 replaced version 2 before it took effect: it is compared with version 1."""
    client.force_login(editor)
    response = client.get(reverse("wagtail_privacy_versions:history", args=[history.pk]))
    html = response.content.decode()
    for number in (1, 2, 3):
        assert f'href="/privacy-policy/versions/{number}/pdf/"' in html
        assert f"PDF of version {number}" in html
    assert 'href="/privacy-policy/diff/1/3/"' in html and "Changes from version 1 to 3" in html
    assert 'href="/privacy-policy/diff/1/2/"' in html and "Changes from version 1 to 2" in html
    assert "/diff/2/3/" not in html and "Changes from version 0" not in html
    # the links lead where they say
    diff = client.get("/privacy-policy/diff/1/3/")
    assert (
        diff.status_code == 200 and "Changes from version 1 to version 3" in diff.content.decode()
    )
    pdf = client.get("/privacy-policy/versions/3/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_dashboard_panel_shows_notice_progress_and_links_to_the_history(
    client, editor, customer, other_customer, history
):
    from wagtail_privacy.notices import fanout
    from wagtail_privacy.policies.models import PolicyVersion

    fanout.fan_out(PolicyVersion.objects.get(number=3).pk)
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    panel = html.split('id="privacy-upcoming-changes-section"', 1)[1].split("</section>", 1)[0]
    history_url = reverse("wagtail_privacy_versions:history", args=[history.pk])
    assert f'<a href="{history_url}">Privacy policy</a>' in panel
    assert "privacy-policy" not in panel  # the title, not the slug
    assert "2/2 emailed" in panel


def test_the_panel_links_only_for_those_who_may_see_the_history(client, history):
    user = get_user_model().objects.create_user("viewer", "v@example.com", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    panel = html.split('id="privacy-upcoming-changes-section"', 1)[1].split("</section>", 1)[0]
    assert "Privacy policy" in panel
    assert reverse("wagtail_privacy_versions:history", args=[history.pk]) not in panel
