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


def test_texts_read_only_the_bodies_asked_for(policies, django_assert_num_queries):
    page = policies.publish(policies.create(text="One."), level="editorial")
    page = policies.publish(page, level="editorial", text="Two.")
    page = policies.publish(page, level="editorial", text="Three.")
    one, two, three = Policy.objects.get().versions.order_by("number")
    with django_assert_num_queries(1):
        texts = resolution.load_texts([one.pk, two.pk, three.pk], "en", full={three.pk})
        assert "Three." in texts[three.pk].body_html
        assert texts[one.pk].title == "Privacy policy"
    assert texts[one.pk].get_deferred_fields() == {"body_html"}
    assert not texts[three.pk].get_deferred_fields()


def test_a_page_of_history_knows_its_place(policies):
    page = policies.publish(policies.create(), level="editorial")
    page = policies.publish(page, level="minor", effective_at=policies.days(3), text="Two")
    policies.publish(page, level="minor", effective_at=policies.days(5), text="Three")
    policy = Policy.objects.get()
    first = resolution.load_history_page(policy, 1, 2)
    assert [v.number for v in first.versions] == [3, 2]
    assert [v.previous_number for v in first.versions] == [1, 1]  # 2 was withdrawn
    assert (first.count, first.pages, first.has_next, first.has_previous) == (3, 2, True, False)
    second = resolution.load_history_page(policy, 2, 2)
    assert [v.number for v in second.versions] == [1]
    assert [v.previous_number for v in second.versions] == [None]
    assert second.exists and not second.has_next and second.has_previous
    past = resolution.load_history_page(policy, 3, 2)
    assert not past.exists and past.count == 3 and past.pages == 2
    state = resolution.policy_state(policy, "en", with_history=True)
    assert [state.previous_of(v) for v in state.history] == [
        state.history[2],
        state.history[2],
        None,
    ]
