"""Erasure receipts: built once per language and receipt shape, each customer's own, and
emailed at most once even when a sweep is killed or the database server loses its records."""

import uuid
from contextlib import nullcontext
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail as outbox
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.notices.test_fanout_smtp import smtp_sink  # noqa: F401 - a fixture
from tests.rights.test_retention import schedule, tick
from tests.testapp.models import Address, CustomerProfile, Invoice, Order
from wagtail_privacy import formats, mail
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights.models import AccountClosure, ClosureState, ErasureStep
from wagtail_privacy.sources import add_years, registry

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def renders(monkeypatch):
    """The contexts each email's templates were rendered with."""
    calls = []
    real = mail._Renderer.texts

    def counting(self, context):
        calls.append(context)
        return real(self, context)

    monkeypatch.setattr(mail._Renderer, "texts", counting)
    return calls


def noon(days_ago):
    """Local noon ``days_ago`` days back: minutes after it are the same day."""
    moment = timezone.localtime(timezone.now() - timedelta(days=days_ago))
    return moment.replace(hour=12, minute=0, second=0, microsecond=0)


def customer(name, *, language="en", orders=1, held=True, minute=0):
    """A customer with ``orders`` orders, an address and an invoice: issued 10 days ago (so
    kept 10 years, until that day at noon + ``minute``), or 11 years ago (deleted)."""
    user = User.objects.create_user(name, f"{name}@example.com", "pw")
    CustomerProfile.objects.create(user=user, language=language)
    now = timezone.now()
    for k in range(orders):
        Order.objects.create(
            customer=user, number=f"O-{name}-{k}", placed_at=now, total=Decimal("9")
        )
    issued = noon(10) if held else noon(11 * 366)
    Invoice.objects.create(
        customer=user,
        number=f"R-{name}",
        issued_at=issued + timedelta(minutes=minute),
        billing_name=name,
        billing_address="Trubarjeva 1",
    )
    Address.objects.create(customer=user, street="Trubarjeva 1", phone="+386 1")
    return user


def in_source_order(receipt):
    """A stored receipt in the order of the sources, as the email lists them (PostgreSQL's
    jsonb keeps its keys in an order of its own)."""
    order = [source.name for source in registry.sources()]
    return {name: receipt[name] for name in sorted(receipt, key=order.index)}


def erase_and_check(users, due, around=None):
    """Erase ``users`` (due at ``due``; the tick inside ``around``, a context manager); every
    receipt must be exactly what rendering it on its own, in the customer's language, gives.
    Returns {address: its email}."""
    languages = dict(CustomerProfile.objects.values_list("user__email", "language"))
    closure_of = dict(
        AccountClosure.objects.filter(user__in=users).values_list("user__email", "pk")
    )
    outbox.outbox.clear()
    with nullcontext() if around is None else around:
        assert f"erased={len(users)}" in tick(at=due)
    received = {m.to[0]: m for m in outbox.outbox}
    assert sorted(received) == sorted(u.email for u in users)  # one each
    for address, message in received.items():
        closure = AccountClosure.objects.get(pk=closure_of[address])
        assert closure.state == ClosureState.ERASED and closure.receipt_sent_at is not None
        assert closure.email_in_flight == ""
        closure.receipt = in_source_order(closure.receipt)
        language = languages[address]
        with translation.override(language):
            context = {"receipt": closures._readable(closure)}
        assert (message.subject, message.body) == mail.render(
            "erasure_receipt", context, language
        ), address
    return received


def test_receipts_in_two_languages_with_different_holds_are_each_right(locales, renders):
    users = [
        customer("en-held-a", minute=0),
        customer("en-held-b", minute=30),  # kept until the same day: the same receipt
        customer("en-two-orders", orders=2, minute=45),
        customer("en-old", held=False),
        customer("sl-held-a", language="sl", minute=5),
        customer("sl-held-b", language="sl", minute=50),
        customer("sl-old", language="sl", held=False),
    ]
    due = schedule(users)
    renders.clear()  # of the emails saying the deletion is scheduled
    received = erase_and_check(users, due)
    # Rendered once per language and receipt: en held, en two orders, en old; sl held, sl old.
    assert len(renders) == 5
    until = formats.date(add_years(noon(10), 10))
    held = received["en-held-a@example.com"].body
    assert "kept without your personal data until" in held and until in held
    assert held == received["en-held-b@example.com"].body
    assert "kept without your personal data until" not in received["en-old@example.com"].body
    assert "2 deleted" in received["en-two-orders@example.com"].body
    slovenian = received["sl-held-a@example.com"]
    assert "Vaš račun je bil izbrisan" in slovenian.body and "Privolitve:" in slovenian.body
    assert "Consents" not in slovenian.body
    assert slovenian.body == received["sl-held-b@example.com"].body
    assert slovenian.body != received["sl-old@example.com"].body


def test_renders_and_statements_of_a_batch_do_not_grow_with_its_accounts(
    settings, renders, django_assert_max_num_queries
):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 100}
    few = [customer(f"few{i}", held=i % 2 == 0, minute=i) for i in range(4)]
    due = schedule(few)
    renders.clear()  # of the emails saying the deletion is scheduled
    queries = CaptureQueriesContext(connection)
    erase_and_check(few, due, around=queries)
    rendered = len(renders)
    assert rendered == 2  # held, and not
    many = [customer(f"many{i}", held=i % 2 == 0, minute=i) for i in range(40)]
    due = schedule(many)
    renders.clear()
    # One statement more per receipt (it records the email and marks the next in flight),
    # nothing else per account.
    erase_and_check(many, due, around=django_assert_max_num_queries(len(queries) + (40 - 4)))
    assert len(renders) == rendered


def test_receipts_go_over_smtp_as_prebuilt_bytes_each_with_its_own_text(
    smtp_sink,  # noqa: F811
    monkeypatch,
):
    built = []
    real_build = mail.PreparedEmail._build

    def counting_build(self):
        built.append(self.subject)
        return real_build(self)

    monkeypatch.setattr(mail.PreparedEmail, "_build", counting_build)
    users = [customer(f"s{i}", orders=1 + i % 3, held=i % 2 == 0, minute=i) for i in range(9)]
    due = schedule(users)
    closure_of = dict(
        AccountClosure.objects.filter(user__in=users).values_list("user__email", "pk")
    )
    assert "erased=9" in tick(at=due)
    received = {m.rcpt_tos[0]: m.message for m in smtp_sink.messages()}
    assert sorted(received) == sorted(u.email for u in users)
    for address, message in received.items():
        closure = AccountClosure.objects.get(pk=closure_of[address])
        closure.receipt = in_source_order(closure.receipt)
        subject, body = mail.render(
            "erasure_receipt", {"receipt": closures._readable(closure)}, "en"
        )
        assert message["Subject"].strip() == subject
        assert message.get_content().replace("\r\n", "\n") == body
    # Six receipts (1-3 orders, held or not), one subject: one message built by Django.
    assert len(built) == 1
    assert len({m["Message-ID"] for m in received.values()}) == 9


def test_a_date_format_with_the_time_keeps_holds_of_one_day_apart(monkeypatch, renders):
    # A site's own formats could write the time of day: holds ending the same day at
    # different times then read differently, and so are rendered each.
    monkeypatch.setattr(mail, "local_date", formats.date_time)
    assert not closures._dates_read_as_days()
    users = [customer(f"t{i}", minute=i) for i in range(3)]
    due = schedule(users)
    renders.clear()  # of the emails saying the deletion is scheduled
    received = erase_and_check(users, due)
    assert len(renders) == 3
    assert len({m.body for m in received.values()}) == 3


def test_a_resumed_erasure_emails_the_receipt_of_every_step(monkeypatch):
    users = [customer("r0"), customer("r1", held=False)]
    due = schedule(users)
    invoices = type(registry.get("invoices"))
    real = invoices.erase_many

    def power_cut(self, batch):
        raise RuntimeError("power cut")

    monkeypatch.setattr(invoices, "erase_many", power_cut)
    with pytest.raises(Exception, match="accounts"):
        tick(at=due)
    assert ErasureStep.objects.filter(source="orders").count() == 2
    assert not ErasureStep.objects.filter(source="invoices").exists()
    monkeypatch.setattr(invoices, "erase_many", real)
    received = erase_and_check(users, due)
    for message in received.values():
        assert "Orders:" in message.body and "Invoices:" in message.body
    for closure in AccountClosure.objects.all():
        assert set(closure.receipt) == {source.name for source in registry.sources()}


def test_customer_messages_builds_one_context_per_language_and_key(renders):
    made = []
    for i, language in enumerate(["en", "en", "sl", "en", "sl"]):
        user = User.objects.create_user(f"k{i}", f"k{i}@example.com", "pw")
        CustomerProfile.objects.create(user=user, language=language)
        made.append(user)
    calls = []

    def context_of(user):
        calls.append((user.username, translation.get_language()))
        return {"date": mail.local_date(noon(1)), "account_url": "https://shop.example/a/"}

    messages = mail.customer_messages(made, "inactive_warning", context_of, key_of=lambda u: 1)
    assert calls == [("k0", "en"), ("k2", "sl")]
    assert len(renders) == 2
    for user in made:
        language = user.profile.language
        with translation.override(language):
            expected = mail.render("inactive_warning", context_of(user), language)
        assert messages[user.pk].texts()[:2] == expected
        assert messages[user.pk].to == user.email


def killed_while_emailing_receipts(monkeypatch, users, due):
    """What a sweep killed while emailing the receipts leaves (the server staying up): every
    source erased, the first receipt recorded, the second in flight, the run registered
    (PostgreSQL), the batch still claimed. Returns the run's token, {closure pk: address}
    and the closures after the second."""
    with monkeypatch.context() as patch:
        patch.setattr(closures, "_send_receipts", lambda *a, **k: 1 / 0)
        with pytest.raises(Exception, match="accounts"):
            tick(at=due)
    first, second, *rest = AccountClosure.objects.select_related("user").order_by("pk")
    assert ErasureStep.objects.count() == len(users) * len(registry.sources())
    addresses = {c.pk: c.user.email for c in [first, second, *rest]}
    token = uuid.uuid4()
    AccountClosure.objects.update(claim=token, claimed_at=due)
    AccountClosure.objects.filter(pk=first.pk).update(receipt_sent_at=due)
    AccountClosure.objects.filter(pk=second.pk).update(email_in_flight="erasure_receipt")
    closures._register_run(connection, token)
    return token, addresses, rest


def test_a_sweep_killed_while_emailing_receipts_never_sends_one_twice(monkeypatch, caplog):
    users = [customer(f"k{i}", minute=i) for i in range(4)]
    due = schedule(users)
    _token, addresses, rest = killed_while_emailing_receipts(monkeypatch, users, due)
    outbox.outbox.clear()
    later = due + timedelta(seconds=closures.privacy_settings.ERASURE_CLAIM_TIMEOUT + 60)
    with caplog.at_level("WARNING"):
        assert "erased=4" in tick(at=later)
    # The recorded one and the one in flight (it may have gone out) are not sent again.
    assert sorted(m.to[0] for m in outbox.outbox) == sorted(addresses[c.pk] for c in rest)
    assert "1 erasure_receipt email(s) left in flight" in caplog.text
    assert not AccountClosure.objects.exclude(state=ClosureState.ERASED).exists()
    assert not AccountClosure.objects.filter(receipt_sent_at=None).exists()


def test_receipts_whose_records_the_database_server_lost_are_not_sent_again(monkeypatch, caplog):
    if connection.vendor != "postgresql":
        pytest.skip("records wait for the disk elsewhere: nothing is lost")
    users = [customer(f"c{i}", minute=i) for i in range(4)]
    due = schedule(users)
    token, _addresses, _rest = killed_while_emailing_receipts(monkeypatch, users, due)
    # The server crashed meanwhile: the unlogged table of runs is empty, and records after
    # the one left in flight may be lost (the third and fourth may have gone out).
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {closures.RUNS_TABLE} WHERE token = %s", [token])
    outbox.outbox.clear()
    later = due + timedelta(seconds=closures.privacy_settings.ERASURE_CLAIM_TIMEOUT + 60)
    with caplog.at_level("WARNING"):
        assert "erased=4" in tick(at=later)
    assert not outbox.outbox  # counted as sent, none twice
    assert "lost the records of a stopped run: 2 more erasure_receipt" in caplog.text
    assert not AccountClosure.objects.filter(receipt_sent_at=None).exists()
    assert not AccountClosure.objects.exclude(email_in_flight="").exists()


def test_records_do_not_wait_for_the_disk_while_a_run_sends(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    users = [customer(f"w{i}", minute=i) for i in range(3)]
    due = schedule(users)
    real_send, seen = mail.Outbox.send_message, []

    def send_and_look(self, message):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            setting = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {closures.RUNS_TABLE}")
            seen.append((setting, cursor.fetchone()[0]))
        return real_send(self, message)

    monkeypatch.setattr(mail.Outbox, "send_message", send_and_look)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        before = cursor.fetchone()[0]
    assert "erased=3" in tick(at=due)
    assert seen == [("off", 1)] * 3  # registered while it sends
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == before
        cursor.execute(f"SELECT count(*) FROM {closures.RUNS_TABLE}")
        assert cursor.fetchone()[0] == 0


def test_a_warning_run_whose_records_the_server_lost_counts_its_rest_as_warned(settings, caplog):
    if connection.vendor != "postgresql":
        pytest.skip("records wait for the disk elsewhere: nothing is lost")
    from wagtail_privacy.rights.tasks import send_deactivation_warnings
    from wagtail_privacy.verification.service import without_step_up

    users = [customer(f"d{i}") for i in range(3)]
    for user in users:
        closures.deactivate(user, proof=without_step_up("test fixture"))
    when = timezone.now() + timedelta(days=340)
    first, second, third = AccountClosure.objects.order_by("pk")
    # A run claimed the three, warned the first, had the second in flight; then the server
    # crashed (its row in the unlogged table is gone), so the third may have gone too.
    AccountClosure.objects.update(claim=uuid.uuid4(), claimed_at=when)
    AccountClosure.objects.filter(pk=first.pk).update(warned_at=when)
    AccountClosure.objects.filter(pk=second.pk).update(email_in_flight="erasure_warning")
    outbox.outbox.clear()
    later = when + timedelta(seconds=closures.privacy_settings.ERASURE_CLAIM_TIMEOUT + 60)
    with time_machine.travel(later, tick=False), caplog.at_level("WARNING"):
        assert send_deactivation_warnings.call(limit=3) == 0
    assert not outbox.outbox
    assert not AccountClosure.objects.filter(warned_at=None).exists()
    assert "1 more erasure_warning" in caplog.text
