"""One rule of which version is current: pages, API, the acceptance gate and consent agree."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wagtail_privacy.consent.service import _privacy_policy_version
from wagtail_privacy.notices import gate
from wagtail_privacy.policies import resolution
from wagtail_privacy.policies.current import current_and_upcoming
from wagtail_privacy.policies.models import Policy, PolicyVersion

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)

#: (number, effective in days from now, withdrawn), then the expected (current, upcoming).
CASES = {
    "none yet": ([], (None, None)),
    "only a future one": ([(1, 5, False)], (None, 1)),
    "one in effect": ([(1, -5, False)], (1, None)),
    "same effective date: the higher number": (
        [(1, -3, False), (2, -3, False), (3, 4, False), (4, 4, False)],
        (2, 3),
    ),
    "a withdrawn one is skipped": (
        [(1, -5, False), (2, -1, True), (3, 2, True), (4, 6, False)],
        (1, 4),
    ),
    "only withdrawn ones": ([(1, -5, True), (2, 5, True)], (None, None)),
    "a later number effective earlier": ([(1, -1, False), (2, -4, False)], (1, None)),
    "effective exactly now": ([(1, -2, False), (2, 0, False), (3, 0, True)], (2, None)),
}


@pytest.fixture(params=CASES, ids=list(CASES))
def case(request, db):
    rows, expected = CASES[request.param]
    policy = Policy.objects.create(slug="privacy-policy", kind="privacy", requires_acceptance=True)
    for number, days, withdrawn in rows:
        effective = NOW + timedelta(days=days)
        PolicyVersion.objects.create(
            policy=policy,
            number=number,
            change_level="major",
            requires_acceptance=True,
            published_at=min(effective, NOW) - timedelta(days=10),
            effective_at=effective,
            withdrawn_at=NOW - timedelta(hours=1) if withdrawn else None,
        )
    return policy, expected


def numbers(*versions):
    return tuple(v.number if v is not None else None for v in versions)


def test_every_reader_of_the_rule_agrees(case):
    policy, (current, upcoming) = case
    expected = (current, upcoming)

    # The rule itself, in Python and in SQL.
    assert numbers(*current_and_upcoming(list(policy.versions.all()), NOW)) == expected
    assert numbers(policy.versions.current_at(NOW), policy.versions.upcoming_at(NOW)) == expected

    # Pages and the API: one policy (its version page, its history page, the editors' screen).
    for kwargs in (
        {},
        {"number": 1},
        {"history_page": 1, "history_size": 2},
        {"with_history": True},
    ):
        state = resolution.policy_state(policy, "en", now=NOW, **kwargs)
        assert numbers(state.current, state.upcoming) == expected, kwargs

    # The API's list.
    states = {s.policy.pk: s for s in resolution.all_policy_states("en", now=NOW)}
    state = states.get(policy.pk)
    assert (numbers(state.current, state.upcoming) if state else (None, None)) == expected

    # The acceptance gate: the version to accept now, valid until the upcoming one.
    requirements = gate.compute_requirements(NOW)
    assert [r.number for r in requirements.items] == ([current] if current else [])
    flip = policy.versions.get(number=upcoming).effective_at if upcoming else None
    assert requirements.valid_until == flip

    # Consent records name the privacy policy version in effect.
    assert numbers(_privacy_policy_version(NOW)) == (current,)


def test_named_rows_without_withdrawal_count_as_live():
    class Row:
        def __init__(self, number, days):
            self.number = number
            self.effective_at = NOW + timedelta(days=days)

    rows = [Row(1, -2), Row(2, -2), Row(3, 1), Row(4, 1)]
    assert numbers(*current_and_upcoming(rows, NOW)) == (2, 3)
