"""Privacy → Breaches: staff record breaches and watch the 72-hour clock (Art. 33)."""

import re
from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from wagtail_privacy.breaches.models import Breach

pytestmark = pytest.mark.django_db


def form_data(**changes):
    detected = timezone.localtime() - timedelta(hours=5)
    data = {
        "title": "Leaked export",
        "detected_at": detected.strftime("%Y-%m-%d %H:%M"),
        "what_happened": "A spreadsheet of customers was emailed to the wrong address.",
        "data_categories": "Names and email addresses",
        "people_affected": "40",
        "records_affected": "40",
        "consequences": "Spam.",
        "measures": "The recipient deleted it and confirmed in writing.",
        "authority_notified_at": "",
        "late_reason": "",
        "status": "open",
    }
    data.update(changes)
    return data


def clock_cells(html):
    cells = re.findall(r'<span class="w-status[^"]*">\s*(.*?)\s*</span>', html, re.S)
    return [" ".join(cell.split()) for cell in cells]


def test_the_index_shows_each_breach_on_its_72_hour_clock(client, officer, make_breach):
    make_breach(hours_ago=10, title="Fresh")  # 62 hours left
    make_breach(hours_ago=80, title="Forgotten")  # 8 hours overdue
    make_breach(hours_ago=100, notified_after=30, title="Handled")
    make_breach(
        hours_ago=200, notified_after=100, title="Late", late_reason="The hoster told us late."
    )
    client.force_login(officer)
    html = client.get(reverse("wagtail_privacy_breaches:index")).content.decode()
    assert clock_cells(html) == [
        "61 hours left",
        "Overdue by 8 hours",
        "Notified on time",
        "Notified 28 hours late",
    ]
    assert "Reason: The hoster told us late." in html


def test_a_breach_is_recorded_and_the_audit_log_says_who(client, officer):
    client.force_login(officer)
    response = client.post(reverse("wagtail_privacy_breaches:add"), form_data())
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("wagtail_privacy_breaches:edit", args=[breach.pk])
    entry = ModelLogEntry.objects.get(object_id=str(breach.pk))
    assert (entry.action, entry.user) == ("wagtail.create", officer)
    page = client.get(response.url).content.decode()
    assert "66 hours left to notify the supervisory authority" in page


def test_a_detection_time_in_the_future_is_refused(client, officer):
    client.force_login(officer)
    future = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    response = client.post(reverse("wagtail_privacy_breaches:add"), form_data(detected_at=future))
    assert response.status_code == 200
    assert response.context["form"].errors["detected_at"] == [
        "The detection time cannot be in the future."
    ]
    assert not Breach.objects.exists()


def test_a_late_notification_needs_a_reason(client, officer, make_breach):
    breach = make_breach(hours_ago=100)
    url = reverse("wagtail_privacy_breaches:edit", args=[breach.pk])
    notified = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    client.force_login(officer)
    detected = timezone.localtime(breach.detected_at).strftime("%Y-%m-%d %H:%M")
    data = form_data(detected_at=detected, authority_notified_at=notified)
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["late_reason"] == [
        "The authority was notified more than 72 hours after detection: say why."
    ]
    accepted = client.post(url, {**data, "late_reason": "We learnt of it on a holiday."})
    assert accepted.status_code == 302
    breach.refresh_from_db()
    assert breach.late_reason == "We learnt of it on a holiday."
    assert "hours late" in client.get(url).content.decode()
    assert ModelLogEntry.objects.filter(object_id=str(breach.pk), action="wagtail.edit").exists()


def test_breaches_cannot_be_deleted_in_the_admin(client, officer, make_breach):
    breach = make_breach()
    client.force_login(officer)
    with pytest.raises(NoReverseMatch):
        reverse("wagtail_privacy_breaches:delete", args=[breach.pk])
    assert client.post(f"/admin/privacy/breaches/{breach.pk}/delete/").status_code == 404
    assert Breach.objects.filter(pk=breach.pk).exists()
