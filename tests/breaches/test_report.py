"""The report for the supervisory authority: HTML and PDF, for privacy officers only."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import ModelLogEntry

from .conftest import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def breach(make_breach):
    return make_breach(hours_ago=100, notified_after=80, late_reason="Found on a Sunday.")


def test_the_officer_reads_the_report_in_the_shops_language(client, officer, breach):
    client.force_login(officer)
    response = client.get(reverse("wagtail_privacy_breaches:report", args=[breach.pk]))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert "Personal data breach report" in html
    for text in (
        "Stolen backup",
        "Names, addresses, order history",
        "1200",
        "8400",
        "Phishing emails that look like ours.",
        "Backups are now encrypted",
        "Notified late",
        "Found on a Sunday.",
    ):
        assert text in html, text
    entry = ModelLogEntry.objects.get(object_id=str(breach.pk))
    assert (entry.action, entry.user) == ("wagtail_privacy.breach_report", officer)


def test_the_officer_downloads_the_pdf(client, officer, breach):
    client.force_login(officer)
    response = client.get(reverse("wagtail_privacy_breaches:report_pdf", args=[breach.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = f"breach-{breach.pk}-report.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["report", "report_pdf"])
def test_staff_without_the_permission_get_no_report(client, staff, breach, name):
    url = reverse(f"wagtail_privacy_breaches:{name}", args=[breach.pk])
    client.force_login(staff)  # every model permission, not the privacy centre's
    refused = client.get(url)
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    assert "Sorry, you do not have permission to access this area." in [
        str(m).strip() for m in get_messages(refused.wsgi_request)
    ]
    xhr = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
    assert xhr.status_code == 403
    assert b"Stolen backup" not in xhr.content and not xhr.content.startswith(b"%PDF")
    # The centre permission without the breach register's: refused too.
    clerk = user_with("clerk", "access_privacy_centre")
    client.force_login(clerk)
    assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
    assert not ModelLogEntry.objects.exists()
