"""privacy_tick: finishes lost fan-outs, sends "now in effect" emails, reports dry runs."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from wagtail_privacy.notices.models import ChangeNotice, EmailState

pytestmark = pytest.mark.django_db


def tick(*args):
    out = StringIO()
    call_command("privacy_tick", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def major(policies, customer, settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "EMAIL_WHEN_EFFECTIVE": True}
    page = policies.create()
    page = policies.publish(page, level="editorial")
    # The worker never ran: on_commit callbacks are not executed in this test.
    policies.publish(page, level="major", effective_at=policies.days(11), summary="More.")


def test_dry_run_changes_nothing(major):
    mail.outbox.clear()
    output = tick("--dry-run")
    assert "[dry run] notices: versions_to_notify=1" in output
    assert not ChangeNotice.objects.exists() and mail.outbox == []


def test_tick_finishes_a_lost_fan_out_once(major, customer):
    mail.outbox.clear()
    assert "notices: versions=1" in tick()
    assert ChangeNotice.objects.filter(user=customer, email_state=EmailState.SENT).exists()
    count = len(mail.outbox)
    assert "notices: versions=0" in tick()
    assert len(mail.outbox) == count


def test_now_in_effect_email(major, customer, django_capture_on_commit_callbacks):
    tick()
    mail.outbox.clear()
    assert "effective_notices: versions=0, tasks=0" in tick()
    with time_machine.travel(timezone.now() + timedelta(days=12)):
        assert "[dry run] effective_notices: emails_due=" in tick("--dry-run")
        # The tick enqueues the emails' tasks when it commits; they run at once here.
        with django_capture_on_commit_callbacks(execute=True):
            assert "effective_notices: versions=1, tasks=1, in_progress=0" in tick()
        tick()
    subjects = [m.subject for m in mail.outbox if m.to == [customer.email]]
    assert subjects == ["Privacy policy: the new version is now in effect"]
    assert ChangeNotice.objects.get(user=customer).effective_emailed_at is not None


def test_unknown_step_is_an_error(db):
    with pytest.raises(CommandError):
        tick("--only", "nonsense")
