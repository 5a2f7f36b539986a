"""Admin: notice and acceptance figures per version, and one customer's proof as CSV."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from wagtail_privacy.notices import acceptance, declines, fanout
from wagtail_privacy.notices.models import ChangeNotice
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(policies, customer, other_customer):
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    page = policies.publish(page, level="major", effective_at=policies.days(12), text="v2")
    fanout.fan_out(PolicyVersion.objects.get(number=2).pk)
    acceptance.accept(
        customer, "privacy-policy", 2, language="en", ip="198.51.100.9", user_agent="Browser"
    )
    return page


def test_version_row_shows_notice_and_acceptance_figures(client, editor, history):
    client.force_login(editor)
    response = client.get(reverse("wagtail_privacy_versions:history", args=[history.pk]))
    row = next(r for r in response.context["rows"] if r["version"].number == 2)
    # the customers are told; the editor, a superuser, is staff and is not
    assert row["figures"]["notices"] == 2
    assert row["figures"]["emailed"] == 2
    assert row["figures"]["acceptances"] == 1
    assert row["figures"]["acknowledged"] == 1
    assert row["still_required"] == 1
    html = response.content.decode()
    assert "2 emailed" in html and "1 still required" in html
    assert "Declined:" not in html


def test_version_row_counts_declines(client, editor, other_customer, history):
    declines.decline(other_customer, "privacy-policy", 2, language="en")
    client.force_login(editor)
    response = client.get(reverse("wagtail_privacy_versions:history", args=[history.pk]))
    row = next(r for r in response.context["rows"] if r["version"].number == 2)
    assert row["figures"]["declines"] == 1
    assert row["still_required"] == 1  # a decline is not an acceptance
    assert "Declined: 1" in response.content.decode()


def test_proof_csv_lists_notices_and_acceptances(client, editor, customer, history):
    client.force_login(editor)
    search = client.get(reverse("wagtail_privacy_proof:search") + "?q=ana@")
    assert customer.get_username() in search.content.decode()
    response = client.get(reverse("wagtail_privacy_proof:csv", args=[customer.pk]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    kinds = sorted(r["record"] for r in rows)
    assert kinds == ["acceptance", "notice"]
    accepted = next(r for r in rows if r["record"] == "acceptance")
    assert accepted["version"] == "2" and accepted["ip_address"] == "198.51.100.0"
    notice = next(r for r in rows if r["record"] == "notice")
    assert notice["message_id"] and notice["email_state"] == "sent"
    log = ModelLogEntry.objects.get(action="wagtail_privacy.proof_exported")
    assert log.user == editor and log.object_id == str(customer.pk)


def test_proof_needs_the_permission(client, customer, history):
    client.force_login(customer)
    assert client.get(reverse("wagtail_privacy_proof:csv", args=[customer.pk])).status_code in (
        302,
        403,
    )
    officer = get_user_model().objects.create_user("officer", "o@example.com", "pw")
    officer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_acceptance"),
    )
    client.force_login(officer)
    # view_acceptance alone is not enough: the proof is part of the privacy centre
    refused = client.get(reverse("wagtail_privacy_proof:csv", args=[customer.pk]))
    assert refused.status_code in (302, 403)
    assert not refused.get("Content-Type", "").startswith("text/csv")
    officer.user_permissions.add(Permission.objects.get(codename="access_privacy_centre"))
    officer = get_user_model().objects.get(pk=officer.pk)  # forget the cached permissions
    client.force_login(officer)
    assert client.get(reverse("wagtail_privacy_proof:csv", args=[customer.pk])).status_code == 200
    no_perm = get_user_model().objects.create_user("clerk", "c@example.com", "pw")
    no_perm.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(no_perm)
    refused = client.get(reverse("wagtail_privacy_proof:csv", args=[customer.pk]))
    assert refused.status_code in (302, 403)
    assert refused.get("Content-Type", "").startswith("text/html")


def test_proof_keeps_the_emails_of_a_withdrawn_version(client, editor, customer, policies, history):
    """Version 2 was emailed, then replaced before it took effect: its notice is retracted,
    but the email went out and its Message-ID is proof of it."""
    emailed = ChangeNotice.objects.get(user=customer, version__number=2)
    policies.publish(history, level="major", effective_at=policies.days(15), text="v3")
    fanout.fan_out(PolicyVersion.objects.get(number=3).pk)
    emailed.refresh_from_db()
    assert emailed.retracted_at is not None and emailed.email_state == "sent"

    client.force_login(editor)
    response = client.get(reverse("wagtail_privacy_proof:csv", args=[customer.pk]))
    header, *rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert "retracted" in header and [len(r) for r in rows] == [len(header)] * len(rows)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    notices = {r["version"]: r for r in records if r["record"] == "notice"}
    assert sorted(notices) == ["2", "3"]
    withdrawn = notices["2"]
    assert withdrawn["retracted"] == "yes" and withdrawn["retracted_at"]
    assert withdrawn["email_state"] == "sent" and withdrawn["emailed_at"]
    assert withdrawn["message_id"] == emailed.message_id != ""
    assert notices["3"]["retracted"] == "no" and notices["3"]["retracted_at"] == ""
