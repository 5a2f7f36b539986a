"""The privacy centre: its own menu section and permission, and a dashboard that renders offline."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from wagtail_privacy.rights import ledger

pytestmark = pytest.mark.django_db


def officer_group():
    group = Group.objects.create(name="Privacy officers")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "access_admin",
                "access_privacy_centre",
                "view_datarequest",
                "change_datarequest",
                "view_acceptance",
                "view_consentrecord",
            ]
        )
    )
    return group


@pytest.fixture
def officer(db):
    user = get_user_model().objects.create_user("officer", "officer@example.com", "pw")
    user.groups.add(officer_group())
    return user


@pytest.fixture
def clerk(db):
    user = get_user_model().objects.create_user("clerk", "clerk@example.com", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_officer_sees_the_privacy_section_and_dashboard(client, officer, customer, policies):
    page = policies.create(requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    policies.publish(page, level="major", effective_at=policies.days(12), text="Changed.")
    ledger.open_request(
        kind="erasure",
        channel="email",
        user=customer,
        received_at=timezone.now() - timedelta(days=40),
    )
    client.force_login(officer)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Privacy" in home and reverse("wagtail_privacy_centre:dashboard") in home
    response = client.get(reverse("wagtail_privacy_centre:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "1 overdue" in html
    assert "privacy-policy v2" in html or "privacy-policy v1" in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # nothing loaded from elsewhere
    assert client.get(reverse("wagtail_privacy_requests:index")).status_code == 200


def test_admin_without_the_permission_is_refused(client, clerk):
    client.force_login(clerk)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtail_privacy_centre:dashboard") not in home
    response = client.get(reverse("wagtail_privacy_centre:dashboard"))
    assert response.status_code in (302, 403)
    assert "<svg" not in response.content.decode()


def test_charts_have_an_accessible_name_and_labels_cut_whole():
    from html.parser import HTMLParser

    from wagtail_privacy.admin.charts import bars

    svg = bars([("Marketing & newsletters (weekly digest)", 3, 4), ("Orders", 1, 4)])

    class Reader(HTMLParser):
        name, texts = None, []

        def handle_starttag(self, tag, attrs):
            if tag == "svg":
                Reader.name = dict(attrs)["aria-label"]

        def handle_data(self, data):
            Reader.texts.append(data)

    Reader().feed(str(svg))
    assert Reader.name == "Marketing & newsletters (weekly digest): 3/4 (75%); Orders: 1/4 (25%)"
    assert "Marketing & newsletters…" in Reader.texts
    assert "&am" not in str(svg).replace("&amp;", "")
