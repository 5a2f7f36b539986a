"""Sweep emails (warnings, receipts): each distinct text rendered and built once.

Whatever the shortcut, every customer's email must be exactly what rendering it on its own
gives (``mail.render``), and its bytes exactly what Django builds from that text.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.utils import translation

from tests.notices.test_fanout_smtp import smtp_sink  # noqa: F401 - a fixture
from tests.testapp.models import CustomerProfile
from wagtail_privacy import mail

pytestmark = pytest.mark.django_db
User = get_user_model()
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def users(count, language="en", prefix="c"):
    made = [
        User.objects.create_user(f"{prefix}{i}", f"{prefix}{i}@example.com", "pw")
        for i in range(count)
    ]
    CustomerProfile.objects.bulk_create(CustomerProfile(user=u, language=language) for u in made)
    return made


@pytest.fixture
def renders(monkeypatch):
    """How many times each email's templates were rendered."""
    calls = []
    real = mail._Renderer.texts

    def counting(self, context):
        calls.append(context)
        return real(self, context)

    monkeypatch.setattr(mail._Renderer, "texts", counting)
    return calls


def same_as_rendering_each(messages, customers, name, context_of):
    languages = {c.pk: c.profile.language for c in customers}
    for customer in customers:
        language = languages[customer.pk]
        with translation.override(language):
            context = context_of(customer)
        subject, body, html = messages[customer.pk].texts()
        assert (subject, body) == mail.render(name, context, language), customer.username
        assert html is None and messages[customer.pk].to == customer.email


def same_bytes_as_django(outgoing):
    raw = outgoing.prepared.as_bytes(
        outgoing.to, "<one@shop.example>", outgoing.values, outgoing.body
    )
    if not mail.PREBUILT:
        assert raw is None  # Django 6: Django builds every message
        return
    assert raw is not None
    date = re.search(rb"^Date: (.+)\r$", raw, re.MULTILINE).group(1).decode()
    subject, body, _html = outgoing.texts()
    expected = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [outgoing.to],
        headers={"Date": date, "Message-ID": "<one@shop.example>"},
    )
    assert raw == mail.wire_bytes(expected.message())


def test_a_shared_context_is_rendered_once_per_language(renders):
    customers = users(3, "en") + users(2, "sl", prefix="s")

    def context_of(user):
        return {"date": mail.local_date(WHEN), "account_url": "https://shop.example/account/"}

    messages = mail.customer_messages(customers, "inactive_warning", context_of)
    assert len(renders) == 2  # en and sl, not five
    assert len({id(messages[c.pk].prepared) for c in customers}) == 2
    same_as_rendering_each(messages, customers, "inactive_warning", context_of)
    for outgoing in messages.values():
        same_bytes_as_django(outgoing)


def test_dates_and_links_of_each_customer_are_filled_into_one_rendering(renders):
    customers = users(8, "sl") + users(3, "hr", prefix="h")

    def context_of(user):
        return {
            "date": mail.local_date(WHEN + timedelta(days=user.pk % 3)),
            "reactivate_url": f"https://shop.example/api/privacy/v1/reactivate/{user.pk}:a-Z_9/",
        }

    messages = mail.customer_messages(customers, "erasure_warning", context_of)
    # Per language: one rendering with tokens and two that check it (first, last customer).
    assert len(renders) == 6
    same_as_rendering_each(messages, customers, "erasure_warning", context_of)
    # The subject carries the date: one prebuilt message per language and date, not per customer.
    assert len({id(m.prepared) for m in messages.values()}) <= 6
    for outgoing in messages.values():
        same_bytes_as_django(outgoing)


def test_receipts_are_rendered_once_per_distinct_receipt(renders):
    customers = users(6, "sl")

    def receipt(user):
        deleted = 1 + user.pk % 2
        return {
            "receipt": [
                {"label": "Naročila", "deleted": deleted, "anonymised": 0, "held": []},
                {
                    "label": "Računi",
                    "deleted": 0,
                    "anonymised": 1,
                    "held": [{"count": 1, "reason": "Zakon", "until": "1. januar 2036"}],
                },
            ]
        }

    messages = mail.customer_messages(customers, "erasure_receipt", receipt)
    assert len(renders) == 2
    same_as_rendering_each(messages, customers, "erasure_receipt", receipt)
    # Both receipts share one prebuilt message: only the body differs, encoded alike.
    assert len({id(m.prepared) for m in messages.values()}) == 1
    for outgoing in messages.values():
        same_bytes_as_django(outgoing)


def test_values_that_are_not_plain_text_are_rendered_per_customer(renders):
    customers = users(3)

    def context_of(user):  # "&" would be escaped by a template without autoescape off
        return {
            "date": mail.local_date(WHEN),
            "reactivate_url": f"https://s.example/?u={user.pk}&x",
        }

    messages = mail.customer_messages(customers, "erasure_warning", context_of)
    assert len(renders) == 3
    same_as_rendering_each(messages, customers, "erasure_warning", context_of)


def test_a_template_that_changes_a_value_is_rendered_per_customer(renders, settings, tmp_path):
    folder = tmp_path / "wagtail_privacy" / "emails"
    folder.mkdir(parents=True)
    (folder / "shouting_subject.txt").write_text("Erased on {{ date|upper }}")
    (folder / "shouting.txt").write_text("ERASED ON {{ date|upper }}\n{{ reactivate_url }}\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    customers = users(4)

    def context_of(user):
        return {
            "date": mail.local_date(WHEN + timedelta(days=user.pk)),
            "reactivate_url": f"https://shop.example/r/{user.pk}/",
        }

    messages = mail.customer_messages(customers, "shouting", context_of)
    same_as_rendering_each(messages, customers, "shouting", context_of)
    subject = messages[customers[0].pk].texts()[0]
    assert subject.startswith("Erased on ") and subject[10:] == subject[10:].upper()


def test_sweep_emails_over_smtp_reach_everyone_once(smtp_sink, monkeypatch):  # noqa: F811
    customers = users(4, "hr") + users(2, "sq", prefix="q")
    built = []
    real_build = mail.PreparedEmail._build

    def counting_build(self):
        built.append(self.subject)
        return real_build(self)

    monkeypatch.setattr(mail.PreparedEmail, "_build", counting_build)

    def context_of(user):
        return {
            "date": mail.local_date(WHEN),
            "reactivate_url": f"https://shop.example/api/privacy/v1/reactivate/{user.pk}/",
        }

    messages = mail.customer_messages(customers, "erasure_warning", context_of)
    assert list(mail.send_each(messages)) == [c.pk for c in customers]
    assert len(built) == 2  # one prebuilt message per language
    received = {m.rcpt_tos[0]: m.message for m in smtp_sink.messages()}
    assert sorted(received) == sorted(c.email for c in customers)
    for customer in customers:
        message = received[customer.email]
        subject, body, _html = messages[customer.pk].texts()
        assert message["Subject"].strip() == subject
        assert message.get_content().replace("\r\n", "\n") == body
        assert f"/reactivate/{customer.pk}/" in body
    assert len({m["Message-ID"] for m in received.values()}) == 6
