"""No customer gets less notice than promised: a major version binds each customer only
``NOTICE_DAYS`` after their own notice email.

A version published in English only: English customers are emailed at once, Slovenian ones
wait for the translation, which never comes; after ``NOTICE_TRANSLATION_WAIT_HOURS`` they are
emailed the English text (the email says so) and their notice period starts then, so the gate
and the "now in effect" email wait for it.
"""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.notices.test_gate import _request, load_session, signed_in_session
from wagtail_privacy import formats as privacy_formats
from wagtail_privacy.notices import acceptance, gate
from wagtail_privacy.notices.enforcement import AcceptanceMiddleware
from wagtail_privacy.notices.models import ChangeNotice, EmailState
from wagtail_privacy.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.WAGTAIL_PRIVACY = {
        **settings.WAGTAIL_PRIVACY,
        "NOTICE_DAYS": 10,
        "NOTICE_TRANSLATION_WAIT_HOURS": 24,
        "EMAIL_WHEN_EFFECTIVE": True,
    }
    gate.forget_requirements()
    yield
    gate.forget_requirements()


@pytest.fixture
def shop(policies, make_customers, django_capture_on_commit_callbacks):
    """v1 in English and Slovenian, accepted by all; v2 (major) published in English only,
    taking effect an hour after the shortest notice allowed. Returns (t0, v2, en, sl)."""
    page = policies.create(title="Privacy policy", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Hranimo naročila.")
    sl.save_revision().publish()
    en_customers = make_customers(2, "en", "en")
    sl_customers = make_customers(2, "sl", "sl")
    for user in en_customers + sl_customers:
        acceptance.accept(user, "privacy-policy", 1, language="en")
    t0 = timezone.now().replace(microsecond=0) + timedelta(seconds=1)  # after v1, never before
    effective = t0 + timedelta(days=10, hours=1)
    with time_machine.travel(t0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            policies.publish(
                page, level="major", effective_at=effective, summary="Reviews are kept."
            )
    version = PolicyVersion.objects.get(number=2)
    return t0, version, en_customers, sl_customers


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    def run(at, step):
        out = StringIO()
        with time_machine.travel(at, tick=False):
            # The email tasks are enqueued on commit; the immediate backend runs them.
            with django_capture_on_commit_callbacks(execute=True):
                call_command("privacy_tick", "--only", step, stdout=out)
        return out.getvalue()

    return run


def owes(user, at):
    with time_machine.travel(at, tick=False):
        return [(r.slug, r.number) for r in gate.missing_acceptances(user)]


def test_customers_emailed_late_are_bound_only_after_their_own_notice_period(shop, tick):
    t0, version, en, sl = shop
    # Publication emailed the English customers; the Slovenian ones wait for a translation.
    assert sorted(m.to[0] for m in mail.outbox) == [u.email for u in en]
    notices = ChangeNotice.objects.filter(version=version)
    assert set(notices.filter(user__in=sl).values_list("email_state", flat=True)) == {
        EmailState.PENDING
    }
    mail.outbox.clear()
    # Still waiting a day later: not emailed, and not bound even past the effective date.
    assert "emailed=0" in tick(t0 + timedelta(hours=23), "notices")
    assert owes(sl[0], version.effective_at + timedelta(minutes=1)) == []

    # The wait is over: they are emailed the English text, told so, with their own date.
    late = t0 + timedelta(hours=25)
    assert "emailed=2" in tick(late, "notices")
    [message] = [m for m in mail.outbox if m.to == [sl[0].email]]
    their_date = late + timedelta(days=10)

    def in_slovenian(instant):
        with translation.override("sl"):
            return privacy_formats.date(instant)

    assert in_slovenian(their_date) in message.body
    assert in_slovenian(version.effective_at) not in message.body
    with translation.override("sl"):
        said = gettext(
            "This version is not available in %(language_name)s yet: its text is shown in "
            "%(text_language_name)s."
        ) % {
            "language_name": gettext("Slovenian"),
            "text_language_name": gettext("English"),
        }
    assert said in message.body
    mail.outbox.clear()

    # At the version's effective date it binds the English customers, not the Slovenian ones.
    after_effective = version.effective_at + timedelta(minutes=1)
    assert owes(en[0], after_effective) == [("privacy-policy", 2)]
    assert owes(sl[0], after_effective) == []
    tick(after_effective, "effective_notices")
    assert sorted(m.to[0] for m in mail.outbox) == [u.email for u in en]
    mail.outbox.clear()

    # Ten days after their own email it binds them too, and "now in effect" follows.
    bound = their_date + timedelta(minutes=1)
    assert owes(sl[0], bound) == [("privacy-policy", 2)]
    # The tasks of the first "now in effect" round are presumed done after a while.
    tick(bound + timedelta(hours=1), "effective_notices")
    assert sorted(m.to[0] for m in mail.outbox) == [u.email for u in sl]


def test_the_session_carries_the_deferral_until_it_ends(shop, django_assert_num_queries):
    """Deferred customers pass the middleware with no query and no session write until their
    date, then are sent to the accept page."""
    t0, version, _en, sl = shop
    ChangeNotice.objects.filter(version=version, user=sl[0]).update(
        email_state=EmailState.SENT, emailed_at=t0 + timedelta(days=3)
    )
    middleware = AcceptanceMiddleware(lambda request: HttpResponse("page"))
    key = signed_in_session(sl[0])
    with time_machine.travel(version.effective_at + timedelta(minutes=1), tick=False):
        first = load_session(key)
        assert middleware(_request(sl[0], session=first)).status_code == 200
        first.save()  # the deferral, with its end, is in the session now
        for _ in range(3):
            session = load_session(key)
            with django_assert_num_queries(0):
                assert middleware(_request(sl[0], session=session)).status_code == 200
            assert not session.modified
    with time_machine.travel(t0 + timedelta(days=13, minutes=1), tick=False):
        response = middleware(_request(sl[0], session=load_session(key)))
        assert response.status_code == 302
        assert response["Location"].startswith("/privacy/accept/")


def test_a_customer_without_a_notice_is_bound_at_the_effective_date(shop, make_customers):
    """Joined after publication: the version is already the one they sign up under."""
    _t0, version, _en, _sl = shop
    [newcomer] = make_customers(1, "en", "new")
    acceptance.accept(newcomer, "privacy-policy", 1, language="en")
    assert owes(newcomer, version.effective_at + timedelta(minutes=1)) == [("privacy-policy", 2)]


def test_editors_see_who_waits_for_a_translation_and_until_when(shop):
    t0, version, _en, _sl = shop
    from wagtail_privacy.notices import fanout

    waits = fanout.translation_waits(version, now=t0 + timedelta(hours=1))
    assert waits == {
        "languages": ["hr", "sl", "sq"],  # the site's languages it lacks
        "deadline": version.published_at + timedelta(hours=24),
        "customers": {"sl": 2},
    }
    assert fanout.translation_waits(version, now=t0 + timedelta(hours=25))["languages"] == []


def test_a_shop_promising_no_notice_binds_everyone_at_the_effective_date(shop, settings):
    """NOTICE_DAYS = 0: nothing to honour, so even a customer still waiting for their email
    is bound when the version takes effect."""
    _t0, version, en, sl = shop
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "NOTICE_DAYS": 0}
    assert ChangeNotice.objects.get(version=version, user=sl[0]).email_state == EmailState.PENDING
    after_effective = version.effective_at + timedelta(minutes=1)
    assert owes(sl[0], after_effective) == [("privacy-policy", 2)]
    assert owes(en[0], after_effective) == [("privacy-policy", 2)]
