"""Publishing a major version notifies every customer once, in their language, with proof."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from wagtail_privacy.notices import fanout
from wagtail_privacy.notices.models import ChangeNotice, EmailState, NoticeFanOut
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


def publish_major(policies, page, capture, *, execute=True, days=12, text="We keep reviews too."):
    with capture(execute=execute):
        page = policies.publish(
            page,
            level="major",
            effective_at=policies.days(days),
            summary="Reviews are kept.",
            text=text,
        )
    return page, PolicyVersion.objects.order_by("-number").first()


def test_major_change_emails_every_customer_in_their_language(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks
):
    english = make_customers(3, "en", "en")
    slovene = make_customers(2, "sl", "sl")
    mail.outbox.clear()
    _page, version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    notices = ChangeNotice.objects.filter(version=version)
    assert notices.count() == 5
    # Slovenian customers wait for the Slovenian text of the new version.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in english)
    assert notices.filter(language="sl", email_state=EmailState.PENDING).count() == 2
    sl = policy_page.sl
    sl.body = [{"type": "paragraph", "value": "<p>Hranimo tudi ocene.</p>"}]
    sl.change_summary = "Hranimo tudi ocene izdelkov."
    with django_capture_on_commit_callbacks(execute=True):
        sl.save_revision().publish()
    assert set(notices.values_list("email_state", flat=True)) == {EmailState.SENT}
    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 5 and set(by_address) == {u.email for u in english + slovene}
    english_mail = by_address["en0@example.com"]
    assert english_mail.subject.startswith("Privacy policy: changes taking effect on")
    assert "Reviews are kept." in english_mail.body
    assert "http://localhost/privacy-policy/versions/2/" in english_mail.body
    assert "http://localhost/privacy-policy/diff/1/2/" in english_mail.body
    assert "http://localhost/privacy-policy/versions/2/pdf/" in english_mail.body
    html, mimetype = english_mail.alternatives[0]
    assert mimetype == "text/html" and "versions/2/" in html
    slovene_mail = by_address["sl0@example.com"]
    assert slovene_mail.subject.startswith("Politika zasebnosti: spremembe")
    assert "Hranimo tudi ocene izdelkov." in slovene_mail.body
    assert "/sl/privacy-policy/versions/2/" in slovene_mail.body
    notice = notices.get(user=slovene[0])
    assert notice.language == "sl"
    assert notice.emailed_at is not None
    assert notice.message_id == slovene_mail.extra_headers["Message-ID"]
    assert NoticeFanOut.objects.get(version=version).finished_at is not None


def test_missing_translation_stops_holding_emails_back(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks
):
    make_customers(1, "hr", "hr")
    mail.outbox.clear()
    _page, version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    assert [m.to[0] for m in mail.outbox if m.to[0].startswith("hr")] == []
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        call_command("privacy_tick")
    [croatian] = [m for m in mail.outbox if m.to[0].startswith("hr")]
    assert "Privacy policy" in croatian.subject  # the default language stands in


def test_minor_change_creates_in_app_notices_only(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks
):
    make_customers(2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        policies.publish(policy_page, level="minor", summary="Clearer wording")
    version = PolicyVersion.objects.get(number=2)
    assert ChangeNotice.objects.filter(version=version).count() == 2
    assert set(ChangeNotice.objects.values_list("email_state", flat=True)) == {EmailState.NONE}
    assert mail.outbox == []


def test_editorial_change_notifies_nobody(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks
):
    make_customers(2)
    with django_capture_on_commit_callbacks(execute=True):
        policies.publish(policy_page, level="editorial", text="Typo fixed.")
    assert not ChangeNotice.objects.exists()


def test_exception_mid_batch_then_rerun_sends_nobody_twice(
    policies,
    policy_page,
    make_customers,
    django_capture_on_commit_callbacks,
    settings,
    monkeypatch,
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "NOTICE_BATCH_SIZE": 4}
    customers = make_customers(10)
    mail.outbox.clear()
    _page, version = publish_major(
        policies, policy_page, django_capture_on_commit_callbacks, execute=False
    )
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def crash_on_sixth(self, messages):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt("worker killed")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", crash_on_sixth)
    with pytest.raises(KeyboardInterrupt):
        fanout.fan_out(version.pk)
    assert len(mail.outbox) == 5
    states = list(ChangeNotice.objects.values_list("email_state", flat=True))
    assert states.count(EmailState.SENT) == 5
    assert states.count(EmailState.PENDING) == 5  # released, not lost
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    fanout.fan_out(version.pk)
    fanout.fan_out(version.pk)  # and once more: nothing left to send
    addresses = [m.to[0] for m in mail.outbox]
    assert sorted(addresses) == sorted(c.email for c in customers)
    assert ChangeNotice.objects.filter(email_state=EmailState.SENT).count() == 10


def test_unconfirmed_send_after_a_hard_crash_is_never_repeated(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks
):
    make_customers(3)
    _page, version = publish_major(
        policies, policy_page, django_capture_on_commit_callbacks, execute=False
    )
    fanout.create_notices(version)
    stuck = ChangeNotice.objects.order_by("pk").first()
    ChangeNotice.objects.filter(pk=stuck.pk).update(email_state=EmailState.SENDING)
    mail.outbox.clear()
    fanout.fan_out(version.pk)
    assert len(mail.outbox) == 2
    assert stuck.user.email not in [m.to[0] for m in mail.outbox]
    assert ChangeNotice.objects.get(pk=stuck.pk).email_state == EmailState.SENDING


def test_notice_creation_resumes_and_is_idempotent(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "NOTICE_BATCH_SIZE": 3}
    make_customers(7)
    _page, version = publish_major(
        policies, policy_page, django_capture_on_commit_callbacks, execute=False
    )
    fanout.create_notices(version)
    NoticeFanOut.objects.filter(version=version).update(notices_created_at=None)
    fanout.create_notices(version)
    from django.contrib.auth import get_user_model

    audience = get_user_model().objects.exclude(email="").count()
    assert ChangeNotice.objects.filter(version=version).count() == audience


def test_failed_email_is_recorded(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "HOST": "tests.testapp.hooks.EveryoneHost",
    }
    make_customers(1)
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("noaddress", "", "pw")
    mail.outbox.clear()
    _page, version = publish_major(policies, policy_page, django_capture_on_commit_callbacks)
    notice = ChangeNotice.objects.get(version=version, user=nobody)
    assert notice.email_state == EmailState.FAILED
    assert "no email address" in notice.failure_reason
    assert len(mail.outbox) == ChangeNotice.objects.filter(email_state=EmailState.SENT).count()


def test_superseded_version_retracts_its_pending_notices(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks
):
    make_customers(3)
    page, v2 = publish_major(
        policies, policy_page, django_capture_on_commit_callbacks, execute=False
    )
    fanout.create_notices(v2)
    mail.outbox.clear()
    _page, v3 = publish_major(
        policies,
        page,
        django_capture_on_commit_callbacks,
        execute=False,
        days=15,
        text="We keep reviews and photos.",
    )
    v2.refresh_from_db()
    assert v2.withdrawn_at is not None
    retracted = ChangeNotice.objects.filter(version=v2)
    assert retracted.count() == 3
    assert all(n.retracted_at for n in retracted)
    assert set(retracted.values_list("email_state", flat=True)) == {EmailState.RETRACTED}
    assert fanout.fan_out(v2.pk)["emailed"] == 0
    assert fanout.fan_out(v3.pk)["emailed"] == 3
    assert len(mail.outbox) == 3


def test_outdated_versions_are_history_not_news(
    policies, policy_page, make_customers, django_capture_on_commit_callbacks
):
    make_customers(2)
    policies.publish(policy_page, level="minor", text="Version two.")
    policies.publish(policy_page, level="minor", text="Version three.")
    v2 = PolicyVersion.objects.get(number=2)
    assert fanout.fan_out(v2.pk)["notices"] == 0
    assert fanout.fan_out(PolicyVersion.objects.get(number=3).pk)["notices"] > 0
    output = call_command_output("privacy_tick", "--dry-run")
    assert "versions_to_notify=0" in output


def call_command_output(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
