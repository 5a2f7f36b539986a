"""Background work that fails is recorded, retried by privacy_tick, resolved by a success
and listed in the privacy centre; the record never holds the error's message."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.processes import free_port
from wagtail_privacy import tick
from wagtail_privacy.background import BackgroundFailure
from wagtail_privacy.notices.models import ChangeNotice, EmailState
from wagtail_privacy.notices.tasks import send_notice_chunk
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user("officer", "officer@example.com", "pw")
    group = Group.objects.create(name="Privacy officers")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "access_privacy_centre"])
    )
    user.groups.add(group)
    return user


def test_a_failing_task_is_listed_until_a_run_succeeds(
    policies, django_capture_on_commit_callbacks, settings, client, officer, django_user_model
):
    customers = [
        django_user_model.objects.create_user(f"c{i}", f"c{i}@example.com", "pw") for i in range(3)
    ]
    page = policies.publish(policies.create(title="Privacy policy"), level="editorial")
    with django_capture_on_commit_callbacks(execute=False):
        policies.publish(page, level="major", effective_at=policies.days(12), summary="S")
    version = PolicyVersion.objects.order_by("-number").first()
    first, last = str(customers[0].pk), str(customers[-1].pk)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("privacy_tick", "--only", "notices", stdout=StringIO())
    ChangeNotice.objects.update(email_state=EmailState.PENDING)  # to be sent again
    # The mail server is down: nothing listens on the port.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    for _attempt in range(2):
        result = send_notice_chunk.enqueue(version.pk, "change", first, last)
        assert result.status == "FAILED"
    failure = BackgroundFailure.objects.get(work="notices.tasks.send_notice_chunk")
    assert failure.subject == f"{version.pk}, change, {first}, {last}"
    assert failure.attempts == 2 and failure.resolved_at is None
    assert failure.error.startswith("ConnectionRefusedError in ")
    assert "127.0.0.1" not in failure.error  # the type and place, never the message

    client.force_login(officer)
    response = client.get(reverse("wagtail_privacy_background:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Email a batch of change notices" in page and "Failing" in page
    assert f"{version.pk}, change, {first}, {last}" in page
    dashboard = client.get(reverse("wagtail_privacy_centre:dashboard")).content.decode()
    assert "1 piece of background work is failing" in dashboard

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notice_chunk.enqueue(version.pk, "change", first, last).status == "SUCCESSFUL"
    failure.refresh_from_db()
    assert failure.resolved_at is not None and failure.attempts == 2
    page = client.get(reverse("wagtail_privacy_background:index")).content.decode()
    assert "Resolved" in page and "Failing" not in page


def test_a_failing_tick_step_is_recorded_then_resolved(monkeypatch, client, officer):
    def broken(now, dry_run):
        raise RuntimeError("customer ana@example.com broke it")

    steps = dict(tick._steps)
    monkeypatch.setitem(tick._steps, "holds", broken)
    with pytest.raises(CommandError):
        call_command("privacy_tick", "--only", "holds", stdout=StringIO())
    failure = BackgroundFailure.objects.get(work="privacy_tick.holds")
    assert failure.error.startswith("RuntimeError in run (wagtail_privacy/tick.py:")
    assert "ana@example.com" not in failure.error
    # A dry run records nothing.
    with pytest.raises(CommandError):
        call_command("privacy_tick", "--only", "holds", "--dry-run", stdout=StringIO())
    failure.refresh_from_db()
    assert failure.attempts == 1
    client.force_login(officer)
    page = client.get(reverse("wagtail_privacy_background:index")).content.decode()
    assert "privacy_tick step “holds”" in page
    monkeypatch.setitem(tick._steps, "holds", steps["holds"])
    call_command("privacy_tick", "--only", "holds", stdout=StringIO())
    failure.refresh_from_db()
    assert failure.resolved_at is not None
