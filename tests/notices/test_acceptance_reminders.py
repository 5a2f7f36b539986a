"""Reminders to customers who have neither accepted nor declined an upcoming version, sent by
privacy_tick through the notice fan-out: once per reminder, in each customer's language."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.checks import run_checks
from django.core.management import call_command
from django.utils import timezone

from wagtail_privacy.notices import acceptance, declines
from wagtail_privacy.notices.models import ChangeNotice, EmailState

pytestmark = pytest.mark.django_db


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """privacy_tick's notice steps; the email tasks it enqueues on commit run at once."""

    def run(*args):
        out = StringIO()
        steps = ["--only", "notices", "--only", "acceptance_reminders"]
        with django_capture_on_commit_callbacks(execute=True):
            call_command("privacy_tick", *steps, *args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def upcoming(policies, make_customers, settings, tick):
    """A major version asking for acceptance, in 12 days; four customers told of it."""
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "ACCEPTANCE_REMINDER_DAYS": [7, 1],
        "ACCOUNT_URL": "https://shop.example/account/",
    }
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Hranimo.")
    sl.save_revision().publish()
    sl = type(sl).objects.get(pk=sl.pk)
    effective = (timezone.now() + timedelta(days=12)).replace(microsecond=0)
    policies.publish(page, level="major", effective_at=effective, text="New rules.")
    sl.save_revision().publish()  # its Slovenian text joins the version
    users = make_customers(3) + make_customers(1, language="sl", prefix="s")
    tick()  # the fan-out: everyone is told
    assert ChangeNotice.objects.filter(email_state=EmailState.SENT).count() == 4
    mail.outbox.clear()
    return effective, users


def reminded():
    return sorted(m.to[0] for m in mail.outbox)


def test_reminders_go_once_each_to_the_undecided_only(tick, upcoming):
    effective, (undecided, accepted, declined, slovene) = upcoming
    acceptance.accept(accepted, "privacy-policy", 2, language="en")
    declines.decline(declined, "privacy-policy", 2, language="en")
    with time_machine.travel(effective - timedelta(days=8)):
        assert "acceptance_reminders: reminders=0" in tick()
    assert mail.outbox == []
    with time_machine.travel(effective - timedelta(days=6)):
        assert "reminders_due=2" in tick("--dry-run")
        assert mail.outbox == []
        tick()
        assert reminded() == [undecided.email, slovene.email]
        english = next(m for m in mail.outbox if m.to == [undecided.email])
        assert english.subject.startswith("Reminder: our new Privacy policy takes effect on")
        assert "You have not accepted or declined it yet." in english.body
        assert "https://shop.example/account/" in english.body
        slovenian = next(m for m in mail.outbox if m.to == [slovene.email])
        assert "Politika zasebnosti" in slovenian.subject
        mail.outbox.clear()
        tick()  # the same reminder is never sent twice
        assert mail.outbox == []
    # The slovene customer decides before the second reminder.
    acceptance.accept(slovene, "privacy-policy", 2, language="sl")
    with time_machine.travel(effective - timedelta(hours=12)):
        tick()
        assert reminded() == [undecided.email]
        mail.outbox.clear()
        tick()
        assert mail.outbox == []
    notice = ChangeNotice.objects.get(user=undecided)
    assert notice.reminders_due == 2 and notice.reminder_email_state == EmailState.SENT
    # Once in effect, the gate asks: no more reminders.
    with time_machine.travel(effective + timedelta(days=1)):
        assert "reminders=0" in tick()
    assert mail.outbox == []


def test_reminders_missed_together_send_one_email(tick, upcoming):
    effective, users = upcoming
    with time_machine.travel(effective - timedelta(hours=6)):
        tick()
    assert len(mail.outbox) == len(users)
    assert set(ChangeNotice.objects.values_list("reminders_due", flat=True)) == {2}


def test_deciding_cancels_a_reminder_not_sent_yet(tick, upcoming, settings):
    effective, (first, *others) = upcoming
    # Marked, but its task has not run (the queue is slow).
    from wagtail_privacy.notices import reminders

    version = ChangeNotice.objects.get(user=first).version
    with time_machine.travel(effective - timedelta(days=6)):
        assert reminders.mark_due(version, timezone.now()) == 4
    declines.decline(first, "privacy-policy", 2, language="en")
    assert ChangeNotice.objects.get(user=first).reminder_email_state == EmailState.NONE


def test_no_schedule_sends_nothing(tick, upcoming, settings):
    effective, _users = upcoming
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "ACCEPTANCE_REMINDER_DAYS": []}
    with time_machine.travel(effective - timedelta(hours=6)):
        tick()
    assert mail.outbox == []


@pytest.mark.parametrize("value", [[0], ["7d"], 7, [True]])
def test_a_bad_schedule_is_a_check_error(settings, value):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "ACCEPTANCE_REMINDER_DAYS": value}
    errors = [e for e in run_checks() if e.id == "wagtail_privacy.E030"]
    assert errors and "ACCEPTANCE_REMINDER_DAYS" in errors[0].msg
