"""The register's checks and the privacy centre's list of notices to recipients."""

from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone

from tests.admin.test_retention_runs import officer, staff  # noqa: F401 - fixtures
from tests.recipients.test_forwarding import recipient
from wagtail_privacy.recipients.models import RecipientNotification

pytestmark = pytest.mark.django_db
URL = "wagtail_privacy_recipient_notices:index"


def ids():
    return {
        e.id for e in run_checks(databases=["default"]) if e.id.startswith("wagtail_privacy.E08")
    }


def test_a_short_webhook_secret_or_plain_http_is_a_check_error(settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RECIPIENT_LOCAL_HTTP": False}
    recipient(
        "ok",
        ["orders"],
        delivery="webhook",
        webhook_url="https://a.example/h",
        webhook_secret="k" * 40,
    )
    assert ids() == set()
    recipient(
        "weak",
        ["orders", "nope"],
        delivery="webhook",
        webhook_url="http://127.0.0.1:9/h",
        webhook_secret="short",
    )
    assert ids() == {"wagtail_privacy.E080", "wagtail_privacy.E081", "wagtail_privacy.E082"}


def test_overdue_notices_are_listed_for_the_officer_only(client, officer, staff):  # noqa: F811
    past = timezone.now() - timedelta(days=10)
    RecipientNotification.objects.create(
        recipient_key="parcels",
        recipient_name="Parcel service",
        action="erasure",
        reference="closure:1",
        created_at=past,
        due_at=past + timedelta(days=7),
    )
    client.force_login(staff)
    for name in (URL, "wagtail_privacy_recipient_notices:index_results"):
        xhr = client.get(reverse(name), headers={"x-requested-with": "XMLHttpRequest"})
        assert xhr.status_code == 403
        page = client.get(reverse(name))
        assert page.status_code == 302 and page.url == reverse("wagtailadmin_home")
    client.force_login(officer)
    html = client.get(reverse(URL)).content.decode()
    assert "Parcel service" in html and "Overdue (Pending)" in html
