"""Current and upcoming versions flip exactly at effective_at, at a bounded query cost."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from wagtail_privacy.policies import resolution
from wagtail_privacy.policies.models import Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(policies):
    start = timezone.now().replace(microsecond=0)
    page = policies.create(text="Old text.")
    with time_machine.travel(start, tick=False):
        page = policies.publish(page, level="editorial")
        effective = start + timedelta(days=10)
        page = policies.publish(page, level="major", effective_at=effective, text="New text.")
    return page, effective


def test_version_becomes_current_exactly_at_effective_at(two_versions):
    _page, effective = two_versions
    policy = Policy.objects.get()
    with time_machine.travel(effective - timedelta(microseconds=1), tick=False):
        state = resolution.policy_state(policy, "en")
        assert (state.current.number, state.upcoming.number) == (1, 2)
    with time_machine.travel(effective, tick=False):
        state = resolution.policy_state(policy, "en")
        assert state.current.number == 2
        assert state.upcoming is None
        assert "New text." in state.text(state.current).body_html


def test_withdrawn_version_never_becomes_current(policies):
    page = policies.create()
    page = policies.publish(page, level="editorial")
    page = policies.publish(page, level="minor", effective_at=policies.days(3), text="Two")
    policies.publish(page, level="minor", effective_at=policies.days(5), text="Three")
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        state = resolution.policy_state(Policy.objects.get(), "en", with_history=True)
        assert state.current.number == 1
        assert state.upcoming.number == 3
        assert [state.status(v).value for v in state.history] == [
            "upcoming",
            "withdrawn",
            "current",
        ]


def test_reader_gets_their_language_then_the_default(policies):
    page = policies.create(title="Privacy policy", text="English text.")
    page = policies.publish(page, level="editorial")
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Slovensko besedilo.")
    sl.save_revision().publish()
    policy = Policy.objects.get()
    assert resolution.policy_state(policy, "sl").text_for_current().title == "Politika zasebnosti"
    assert resolution.policy_state(policy, "hr").text_for_current().title == "Privacy policy"


def _many_versions(policies, count):
    page = policies.create()
    translations = {}
    for number in range(1, count + 1):
        page = policies.publish(page, level="editorial", text=f"English {number}")
        for code in ("sl", "sq", "hr"):
            if code not in translations:
                translations[code] = policies.translate(page, code, title=code, text=code)
            tr = translations[code]
            tr.body = page.body
            tr.title = f"{code} {number}"
            tr.save_revision().publish()
    return page


@pytest.mark.parametrize("count", [1, 12])
def test_query_count_does_not_grow_with_versions(policies, count, django_assert_max_num_queries):
    _many_versions(policies, count)
    policy = Policy.objects.get()
    with django_assert_max_num_queries(4):
        state = resolution.policy_state(policy, "sl", with_history=True)
        assert len(state.history) == count
        assert state.text_for_current().title == f"sl {count}"
    with django_assert_max_num_queries(4):
        states = resolution.all_policy_states("hr")
        assert states[0].text_for_current().title == f"hr {count}"
