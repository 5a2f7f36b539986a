"""Privacy officers are reminded of requests due soon and overdue, once per threshold."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.users.models import UserProfile

from wagtail_privacy.rights import ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers():
    User = get_user_model()
    group = Group.objects.create(name="Privacy officers")
    group.permissions.add(Permission.objects.get(codename="access_privacy_centre"))
    officer = User.objects.create_user("officer", "officer@shop.example", is_staff=True)
    officer.groups.add(group)
    slovene = User.objects.create_user("urska", "urska@shop.example", is_staff=True)
    slovene.groups.add(group)
    profile = UserProfile.get_for_user(slovene)
    profile.preferred_language = "sl"
    profile.save()
    User.objects.create_user("editor", "editor@shop.example", is_staff=True)  # no permission
    User.objects.create_superuser("root", "root@shop.example", "x")
    return officer, slovene


def tick(*args):
    out = StringIO()
    call_command("privacy_tick", "--only", "request_reminders", *args, stdout=out)
    return out.getvalue()


def received(days_ago):
    return ledger.open_request(
        kind="access", channel="email", received_at=timezone.now() - timedelta(days=days_ago)
    )


def test_one_digest_per_officer_names_each_request_once_per_threshold(officers, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "REQUEST_DUE": "30d"}
    late, soon, fine = received(40), received(26), received(1)
    assert "due_soon=1, overdue=1, emailed=2" in tick()
    assert sorted(m.to[0] for m in mail.outbox) == ["officer@shop.example", "urska@shop.example"]
    english = next(m for m in mail.outbox if m.to == ["officer@shop.example"])
    assert english.subject == "Privacy requests: 1 overdue"
    assert str(late.reference)[:8] in english.body and str(soon.reference)[:8] in english.body
    assert str(fine.reference)[:8] not in english.body
    assert "/admin/privacy/requests/?due=overdue" in english.body
    slovene = next(m for m in mail.outbox if m.to == ["urska@shop.example"])
    assert slovene.subject != english.subject  # in the officer's own admin language

    mail.outbox.clear()
    assert "due_soon=0, overdue=0, emailed=0" in tick()  # named once each
    assert mail.outbox == []

    # The due-soon request becomes overdue: it is named once more, as overdue.
    soon.due_at = timezone.now() - timedelta(hours=1)
    soon.save(update_fields=["due_at"])
    assert "due_soon=0, overdue=1, emailed=2" in tick()
    assert mail.outbox[0].subject == "Privacy requests: 1 overdue"
    assert str(soon.reference)[:8] in mail.outbox[0].body
    assert str(late.reference)[:8] not in mail.outbox[0].body


def test_closed_requests_and_dry_runs_send_nothing(officers):
    from wagtail_privacy.rights.models import RequestStatus

    done = received(60)
    ledger.set_status(done, RequestStatus.COMPLETED)
    received(60)
    assert "[dry run] request_reminders: due_soon=0, overdue=1, emailed=0" in tick("--dry-run")
    assert mail.outbox == []
    assert "overdue=1, emailed=2" in tick()


def test_superusers_are_told_when_nobody_holds_the_permission():
    User = get_user_model()
    User.objects.create_superuser("root", "root@shop.example", "x")
    User.objects.create_user("editor", "editor@shop.example", is_staff=True)
    received(60)
    assert "emailed=1" in tick()
    assert mail.outbox[0].to == ["root@shop.example"]


def test_the_digest_holds_no_personal_data(officers):
    User = get_user_model()
    customer = User.objects.create_user("ana", "ana.novak@example.com")
    ledger.open_request(
        kind="erasure",
        channel="self_service",
        user=customer,
        received_at=timezone.now() - timedelta(days=60),
    )
    tick()
    assert "ana" not in mail.outbox[0].body.lower()
