"""Customers told of a change that is then withdrawn before it takes effect hear that it will
not: once each, in their language, with the version that takes its place."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from tests.notices.test_fanout import publish_major
from wagtail_privacy import formats as privacy_formats
from wagtail_privacy.notices import fanout
from wagtail_privacy.notices.models import ChangeNotice, EmailState

pytestmark = pytest.mark.django_db


def in_language(language, instant):
    with translation.override(language):
        return privacy_formats.date(instant)


@pytest.fixture
def announced(policies, policy_page, make_customers, django_capture_on_commit_callbacks, settings):
    """v2 (major, in English only) emailed to two English and one Slovenian customer; a
    fourth customer's email failed, so they were never told."""
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "NOTICE_TRANSLATION_WAIT_HOURS": 0}
    customers = make_customers(2, "en", "en") + make_customers(2, "sl", "sl")
    page, v2 = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    told = ChangeNotice.objects.filter(version=v2, email_state=EmailState.SENT)
    assert told.count() == 4
    ChangeNotice.objects.filter(version=v2, user=customers[3]).update(email_state=EmailState.FAILED)
    mail.outbox.clear()
    return page, v2, customers


def withdrawal_emails():
    """{address: email} of the "will not take effect" emails: the change emails' Message-IDs
    are the notices' own (``<privacy.…>``), these are not."""
    found = [m for m in mail.outbox if not m.extra_headers["Message-ID"].startswith("<privacy.")]
    assert len({m.to[0] for m in found}) == len(found), "someone got it twice"
    return {m.to[0]: m for m in found}


def test_the_customers_told_hear_it_will_not_take_effect_once_each(
    policies, announced, django_capture_on_commit_callbacks
):
    page, v2, customers = announced
    _page, v3 = publish_major(
        policies, page, django_capture_on_commit_callbacks, days=15, text="Photos too."
    )
    v2.refresh_from_db()
    assert v2.superseded_by == v3
    withdrawn = withdrawal_emails()
    # The three who were told, not the one whose email failed.
    assert sorted(withdrawn) == sorted(c.email for c in customers[:3])
    english = withdrawn[customers[0].email]
    assert english.subject == "Privacy policy: the announced change will not take effect"
    assert "will not take effect" in english.body
    assert in_language("en", v2.effective_at) in english.body
    assert in_language("en", v3.effective_at) in english.body
    assert f"/privacy-policy/versions/{v3.number}/" in english.body
    slovene = withdrawn[customers[2].email]
    assert in_language("sl", v2.effective_at) in slovene.body
    assert in_language("sl", v3.effective_at) in slovene.body
    states = ChangeNotice.objects.filter(version=v2).values_list(
        "user__email", "withdrawal_email_state"
    )
    assert dict(states) == {
        customers[0].email: EmailState.SENT,
        customers[1].email: EmailState.SENT,
        customers[2].email: EmailState.SENT,
        customers[3].email: EmailState.NONE,
    }
    # Run again (a task delivered twice): nobody hears it twice.
    mail.outbox.clear()
    fanout.start_withdrawn(v2.pk)
    assert mail.outbox == []


def test_the_tick_sends_what_lost_tasks_left(
    policies, announced, django_capture_on_commit_callbacks, queued
):
    page, v2, customers = announced
    _page, v3 = publish_major(
        policies, page, django_capture_on_commit_callbacks, days=15, text="Photos too."
    )
    # The queue lost the task: nothing went out.
    assert Counter(
        ChangeNotice.objects.filter(version=v2).values_list("withdrawal_email_state", flat=True)
    ) == {EmailState.PENDING: 3, EmailState.NONE: 1}
    mail.outbox.clear()

    def tick(at):
        out = StringIO()
        with time_machine.travel(at, tick=False):
            call_command("privacy_tick", "--only", "notices", stdout=out)
        return out.getvalue()

    assert "withdrawal_emails" not in tick(timezone.now())  # the task may still come
    assert "withdrawal_emails=3" in tick(
        timezone.now() + fanout.lost_after() + timedelta(minutes=1)
    )
    assert sorted(withdrawal_emails()) == sorted(c.email for c in customers[:3])
