"""Privacy → Retention runs: the audit trail of the ``retention`` step, read-only and paged,
for holders of the privacy-centre permission only."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.testapp.models import Invoice
from wagtail_privacy.rights.models import RetentionRun

pytestmark = pytest.mark.django_db
URL = "wagtail_privacy_retention_runs:index"


def user_with(username, *codenames):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    return user


@pytest.fixture
def officer(db):
    return user_with("officer", "access_privacy_centre")


@pytest.fixture
def staff(db):
    """Every model permission of the app, but not the privacy centre's."""
    user = user_with("staff")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_privacy").exclude(
            codename="access_privacy_centre"
        )
    )
    return user


def test_the_officer_reads_what_each_run_retired(client, officer, customer):
    Invoice.objects.create(
        customer=customer,
        number="R-2015",
        issued_at=timezone.now() - timedelta(days=11 * 366),
        billing_name="Ana Šemrov",
        billing_address="Šmartinska cesta 12",
    )
    call_command("privacy_tick", "--only", "retention", stdout=StringIO())
    RetentionRun.objects.create(started_at=timezone.now() + timedelta(minutes=5))  # died
    client.force_login(officer)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Retention runs" in html and "invoices: 1" in html
    statuses = re.findall(r'class="w-status[^"]*">\s*(\w+)\s*<', html)
    assert statuses == ["Unfinished", "Finished"]
    assert "Ana" not in html and "R-2015" not in html  # counts, never the records
    unfinished, finished = response.context["object_list"]  # the latest first
    assert unfinished.finished_at is None and finished.counts == {"invoices": 1}
    # read-only: no way to add, edit or delete a run from the screen
    assert "/edit/" not in html and "/delete/" not in html and "/add/" not in html


def test_the_list_is_paginated(client, officer):
    start = timezone.now() - timedelta(days=1)
    RetentionRun.objects.bulk_create(
        RetentionRun(started_at=start + timedelta(minutes=i), counts={"invoices": i})
        for i in range(51)
    )
    client.force_login(officer)
    first = client.get(reverse(URL))
    assert len(first.context["object_list"]) == 50
    assert first.context["object_list"][0].counts == {"invoices": 50}
    second = client.get(reverse(URL), {"p": 2})
    assert [run.counts for run in second.context["object_list"]] == [{"invoices": 0}]


def test_staff_without_the_privacy_permission_are_refused(client, staff):
    RetentionRun.objects.create(started_at=timezone.now(), counts={"invoices": 3})
    client.force_login(staff)
    for name in (URL, "wagtail_privacy_retention_runs:index_results"):
        xhr = client.get(reverse(name), headers={"x-requested-with": "XMLHttpRequest"})
        assert xhr.status_code == 403
        page = client.get(reverse(name))
        assert page.status_code == 302 and page.url == reverse("wagtailadmin_home")
    assert "Retention runs" not in client.get(reverse("wagtailadmin_home")).content.decode()
