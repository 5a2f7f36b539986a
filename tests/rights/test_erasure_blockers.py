"""Blockers hold every erasure, not only a customer's deletion request: the end of a
deactivation and the inactivity sweep check them too, a deletion scheduled before an order
went unpaid is held, the customer is told once what to settle, and paying releases it."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError
from django.db import connection
from django.utils import timezone

from tests.concurrency import at_once
from tests.rights.test_retention import tick
from tests.testapp.models import CustomerProfile, Order
from tests.testapp.privacy_sources import OrderSource
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights import holds
from wagtail_privacy.rights.models import AccountClosure, ClosureState, DataRequest
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db
User = get_user_model()
HELD_SUBJECT = "cannot be erased yet"


def shopper(name, *, unpaid=None, language="en"):
    """A customer with a paid order, and an unpaid one numbered ``unpaid``."""
    user = User.objects.create_user(name, f"{name}@example.com", "pw")
    CustomerProfile.objects.create(user=user, language=language)
    Order.objects.create(customer=user, number=f"P-{name}", placed_at=timezone.now(), total=9)
    if unpaid:
        owe(user, unpaid)
    return user


def owe(user, number):
    Order.objects.create(
        customer=user, number=number, placed_at=timezone.now(), total=Decimal("20"), paid=False
    )


def pay(number):
    Order.objects.filter(number=number).update(paid=True)


def held_emails(user):
    return [m for m in mail.outbox if m.to == [user.email] and HELD_SUBJECT in m.subject]


def receipts(user):
    return [m for m in mail.outbox if m.to == [user.email] and "has been erased" in m.body]


def closure_of(user):
    return AccountClosure.objects.filter(user=user).latest("pk")


def assert_held(user, number, *, active):
    """Not erased, on hold with what blocks it, the account as it was, told once."""
    user.refresh_from_db()
    assert user.is_active is active
    assert Order.objects.filter(customer=user).count() == 2  # nothing erased
    closure = closure_of(user)
    assert closure.state == ClosureState.BLOCKED
    assert closure.blocked_at is not None and closure.erased_at is None
    assert closure.blockers == [
        {"source": "orders", "code": "unpaid_order", "message": f"Order {number} is unpaid."}
    ]
    (email,) = held_emails(user)
    assert f"Order {number} is unpaid." in email.body
    assert not receipts(user)
    return closure, email


def assert_erased(user):
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Order.objects.filter(customer_id=user.pk).exists()
    closure = AccountClosure.objects.filter(user__isnull=True).latest("pk")
    assert closure.state == ClosureState.ERASED
    assert len(receipts(user)) == 1


def test_the_end_of_a_deactivation_waits_for_an_unpaid_order():
    user = shopper("dana", unpaid="U-1")
    closures.deactivate(user, proof=NO_STEP_UP)
    due = closure_of(user).scheduled_for + timedelta(minutes=1)

    report = tick(at=due)
    assert "erased=0" in report and "on_hold=1, hold_notices=1" in report
    closure, email = assert_held(user, "U-1", active=False)
    # A fresh reactivation link: the first email's may expire while the erasure waits.
    assert "/privacy/reactivate/" in email.body

    # Still owed: nothing erased, and no second email.
    later = due + timedelta(days=3)
    assert "erased=0" in tick(at=later) and "hold_notices=0" in tick(at=later)
    assert_held(user, "U-1", active=False)

    pay("U-1")
    report = tick(at=later + timedelta(days=1))
    assert "holds_released=1" in report and "erased=1" in report and "on_hold=0" in report
    assert_erased(user)


def test_an_inactive_account_is_not_erased_while_an_order_is_unpaid(settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "INACTIVE_ACCOUNT_DAYS": 100}
    user = shopper("ivo", unpaid="U-2")
    warned = timezone.now() + timedelta(days=101)
    assert "inactive_warned=1" in tick(at=warned)
    due = warned + timedelta(days=31)

    assert "erased=0" in tick(at=due)
    # An inactivity closure never disabled the account: on hold, it still works.
    closure, email = assert_held(user, "U-2", active=True)
    assert "sign in" in email.body and "/privacy/reactivate/" not in email.body
    assert "hold_notices=0" in tick(at=due + timedelta(days=1))
    assert len(held_emails(user)) == 1

    pay("U-2")
    assert "erased=1" in tick(at=due + timedelta(days=2))
    assert_erased(user)


def test_a_deletion_scheduled_before_an_order_went_unpaid_is_held():
    user = shopper("zoe")
    closures.request_deletion(user, proof=NO_STEP_UP)  # nothing blocked it then
    owe(user, "U-3")  # a payment that bounced after the request
    due = closure_of(user).scheduled_for + timedelta(minutes=1)

    assert "erased=0" in tick(at=due)
    closure, _email = assert_held(user, "U-3", active=False)
    assert DataRequest.objects.get(pk=closure.request_id).status == "in_progress"

    pay("U-3")
    assert "erased=1" in tick(at=due + timedelta(days=1))
    assert_erased(user)
    assert DataRequest.objects.get(pk=closure.request_id).status == "completed"


def test_a_blocker_appearing_after_the_claim_still_holds_the_erasure(monkeypatch):
    user = shopper("rok")
    closures.request_deletion(user, proof=NO_STEP_UP)
    due = closure_of(user).scheduled_for + timedelta(minutes=1)
    claim = closures._claim

    def claim_then_order(*args, **kwargs):
        token, taken = claim(*args, **kwargs)
        if taken:
            owe(user, "U-4")  # between the sweep's claim and its erasure
        return token, taken

    monkeypatch.setattr(closures, "_claim", claim_then_order)
    assert "erased=0" in tick(at=due)
    monkeypatch.undo()
    assert_held(user, "U-4", active=False)


def test_only_the_blocked_account_of_a_batch_is_held():
    owing, clear = shopper("ema"), shopper("jan")
    for user in (owing, clear):
        closures.request_deletion(user, proof=NO_STEP_UP)
    owe(owing, "U-5")
    due = closure_of(clear).scheduled_for + timedelta(minutes=1)

    assert "erased=1" in tick(at=due)
    assert_held(owing, "U-5", active=False)
    assert_erased(clear)


def test_one_more_unpaid_order_keeps_the_hold_and_is_listed():
    user = shopper("eva", unpaid="U-6")
    closures.deactivate(user, proof=NO_STEP_UP)
    due = closure_of(user).scheduled_for + timedelta(minutes=1)
    tick(at=due)
    owe(user, "U-7")
    pay("U-6")
    assert "holds_released=0" in tick(at=due + timedelta(days=1))
    closure = closure_of(user)
    assert closure.state == ClosureState.BLOCKED
    assert [b["message"] for b in closure.blockers] == ["Order U-7 is unpaid."]
    assert len(held_emails(user)) == 1


def test_a_held_customer_can_still_keep_the_account():
    user = shopper("lea", unpaid="U-8")
    closures.deactivate(user, proof=NO_STEP_UP)
    due = closure_of(user).scheduled_for + timedelta(minutes=1)
    tick(at=due)
    (email,) = held_emails(user)
    link = next(line for line in email.body.splitlines() if "/privacy/reactivate/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    with time_machine.travel(due + timedelta(days=1), tick=False):
        closures.reactivate(token)
    user.refresh_from_db()
    assert user.is_active and closure_of(user).state == ClosureState.CANCELLED
    assert "on_hold=0" in tick(at=due + timedelta(days=2))


def test_an_inactive_customer_who_signs_in_while_held_keeps_the_account(settings):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "INACTIVE_ACCOUNT_DAYS": 100}
    user = shopper("max", unpaid="U-9")
    warned = timezone.now() + timedelta(days=101)
    tick(at=warned)
    due = warned + timedelta(days=31)
    tick(at=due)
    User.objects.filter(pk=user.pk).update(last_login=due + timedelta(hours=1))
    assert "holds_cancelled=1" in tick(at=due + timedelta(days=1))
    assert closure_of(user).state == ClosureState.CANCELLED
    assert User.objects.filter(pk=user.pk, is_active=True).exists()


def test_dry_run_counts_the_holds_and_changes_nothing():
    owing, clear = shopper("ada"), shopper("bob")
    for user in (owing, clear):
        closures.request_deletion(user, proof=NO_STEP_UP)
    owe(owing, "U-10")
    due = closure_of(clear).scheduled_for + timedelta(minutes=1)
    mail.outbox.clear()

    out = tick("--dry-run", at=due)
    assert "erasures_due=2" in out and "erasures_to_hold=1" in out
    assert set(AccountClosure.objects.values_list("state", flat=True)) == {"scheduled"}
    assert not mail.outbox

    tick(at=due)
    pay("U-10")
    out = tick("--dry-run", at=due + timedelta(days=1))
    assert "holds_to_release=1" in out and "erasures_to_hold=0" in out
    assert closure_of(owing).state == ClosureState.BLOCKED


def test_the_email_is_in_the_customers_language(locales):
    user = shopper("mia", unpaid="U-11", language="sl")
    closures.deactivate(user, proof=NO_STEP_UP)
    tick(at=closure_of(user).scheduled_for + timedelta(minutes=1))
    (email,) = held_emails(user) or [m for m in mail.outbox if "U-11" in m.body]
    # Rendered in Slovenian: the reactivation link leads to the Slovenian page.
    assert "/sl/privacy/reactivate/" in email.body


def test_a_source_that_does_not_answer_for_an_account_blocks_its_erasure(monkeypatch):
    user = shopper("tim")
    closures.request_deletion(user, proof=NO_STEP_UP)
    due = closure_of(user).scheduled_for + timedelta(minutes=1)
    monkeypatch.setattr(OrderSource, "blockers_many", lambda self, users: {})
    with pytest.raises(CommandError, match="accounts"):
        tick(at=due)
    assert User.objects.filter(pk=user.pk).exists()
    assert Order.objects.filter(customer=user).exists()
    assert closure_of(user).state != ClosureState.ERASED


@pytest.mark.django_db(transaction=True)
def test_sweeps_at_once_hold_each_blocked_account_once_and_tell_it_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 3}
    made = [shopper(f"s{i}") for i in range(12)]
    for user in made:
        closures.request_deletion(user, proof=NO_STEP_UP)
    owing = made[::2]
    for user in owing:
        owe(user, f"U-{user.username}")
    due = closure_of(made[0]).scheduled_for + timedelta(minutes=1)
    mail.outbox.clear()

    erased, errors = at_once(lambda: closures.erase_due(due))
    assert not errors and sum(erased) == 6
    held = AccountClosure.objects.filter(state=ClosureState.BLOCKED)
    assert sorted(held.values_list("user", flat=True)) == sorted(u.pk for u in owing)
    assert User.objects.filter(pk__in=[u.pk for u in owing]).count() == 6
    sent, errors = at_once(lambda: holds.send_notices(due, limit=100))
    assert not errors and sum(sent) == 6
    for user in owing:
        assert len(held_emails(user)) == 1
